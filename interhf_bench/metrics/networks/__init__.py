"""Feature extractors the metrics run, named as their reference checkpoints name them."""
