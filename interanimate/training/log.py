"""The training log (``train_log.jsonl``): one JSON record per logged step, tagged with its phase.

A run interrupted between two saves has logged steps that its resume will train again; those records
are dropped on resume so that every (phase, step) appears once and the log matches the weights.
"""

from __future__ import annotations

import json
from pathlib import Path


def drop_records_after(log_path: Path, phase: str, step: int) -> int:
    """Remove ``phase`` records with a step above ``step`` (the resumed state); returns how many."""
    if not log_path.is_file():
        return 0
    kept: list[str] = []
    dropped = 0
    for line in log_path.read_text().splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        if record.get("phase") == phase and int(record.get("step", 0)) > step:
            dropped += 1
        else:
            kept.append(line)
    if dropped:
        temporary = log_path.with_suffix(".tmp")
        temporary.write_text("".join(line + "\n" for line in kept))
        temporary.replace(log_path)
    return dropped
