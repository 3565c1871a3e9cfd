"""Feature extractors the metrics run (I3D for FVD, ...), with the parameter names of their reference checkpoints."""
