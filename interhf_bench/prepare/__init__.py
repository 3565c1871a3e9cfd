"""From raw recordings to a dataset in the benchmark's layout (``interhf-bench data prepare``)."""
