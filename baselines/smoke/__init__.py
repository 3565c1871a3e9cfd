"""The CPU smoke test of the six baselines: each method's pinned environment built with its stated Python,
its official inference code run through our driver on one short case with small random weights of the
official architectures, up to the collector (``interhf-bench baselines smoke METHOD --checkout DIR``)."""
