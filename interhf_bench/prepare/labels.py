"""The labels CSV that names each raw video's interaction class and subject.

Columns (header required): ``video`` (path relative to the raw folder), ``class`` (a taxonomy code),
``subject`` (subject id; test subjects must be distinct within a class), and optionally ``split``
(``test`` by default), ``video_id`` (default: the file name without extension) and ``start`` (seconds
into the raw video where the protocol's frames begin, default 0).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from interhf_bench.data.manifest import ManifestRow

REQUIRED: Final = ("video", "class", "subject")
OPTIONAL: Final = ("split", "video_id", "start")


class LabelsError(ValueError):
    """The labels CSV is malformed; the message names the file, line and column."""


@dataclass(frozen=True)
class Label:
    """One raw video to prepare."""

    video: Path  # absolute
    video_id: str
    interaction: str
    subject_id: str
    split: str
    start: float
    line: int


def read_labels(path: Path, raw_root: Path) -> list[Label]:
    """Every row of the CSV, checked; all problems are reported together."""
    if not path.is_file():
        raise LabelsError(f"{path}: labels file not found")
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip() for c in reader.fieldnames or []]
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise LabelsError(
                f"{path}: missing column(s) {missing}; the header must name {', '.join(REQUIRED)}"
            )
        unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
        if unknown:
            raise LabelsError(
                f"{path}: unknown column(s) {unknown}; allowed: {', '.join(REQUIRED + OPTIONAL)}"
            )
        problems: list[str] = []
        labels: list[Label] = []
        for line, raw in enumerate(reader, start=2):
            row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
            label, problem = _parse(row, raw_root, line)
            if problem:
                problems.append(f"{path}:{line}: {problem}")
            elif label is not None:
                labels.append(label)
    seen: dict[str, int] = {}
    for label in labels:
        if label.video_id in seen:
            problems.append(
                f"{path}:{label.line}: video_id {label.video_id!r} is already used on line "
                f"{seen[label.video_id]}"
            )
        seen.setdefault(label.video_id, label.line)
    if problems:
        raise LabelsError("\n".join(problems))
    if not labels:
        raise LabelsError(f"{path}: no rows")
    return labels


def _parse(row: dict[str, str], raw_root: Path, line: int) -> tuple[Label | None, str | None]:
    if not any(row.values()):
        return None, None  # blank line
    video = raw_root / row["video"]
    if not row["video"] or not video.is_file():
        return None, f"video {row['video']!r} not found under {raw_root}"
    try:
        start = float(row.get("start") or 0)
    except ValueError:
        return None, f"start {row['start']!r} is not a number of seconds"
    if start < 0:
        return None, f"start must be >= 0 seconds, got {start}"
    video_id = row.get("video_id") or video.stem
    split = row.get("split") or "test"
    try:  # the manifest's own rules for ids, classes and splits
        ManifestRow(
            video_id=video_id, interaction=row["class"], subject_id=row["subject"] or "", split=split,
            path="x", fps=1, num_frames=1, height=1, width=1, sha256="0" * 64,
        )  # fmt: skip
    except ValidationError as exc:
        first = exc.errors()[0]
        column = {"interaction": "class", "subject_id": "subject"}.get(
            str(first["loc"][0]), str(first["loc"][0])
        )
        return None, f"{column}: {first['msg']}"
    return Label(video.resolve(), video_id, row["class"], row["subject"], split, start, line), None
