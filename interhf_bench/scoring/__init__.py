"""``interhf-bench score``: compare generated videos with the ground truth and write metrics.json."""
