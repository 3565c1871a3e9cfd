"""The record written next to each generated video: how it was made, or why it was not.

``<video_id>.json`` beside ``<video_id>.mp4``. The video is written first and the record second (both
atomically), so a record with status ``ok`` always has its video; the video's sha256 in the record lets
a resumed run detect a video that was changed or damaged since, and make it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from interhf_bench.io.files import sha256_file, write_text_atomic
from interhf_bench.results.case_record import CaseRecord, Status

__all__ = ["CaseRecord", "Status", "generation_failures", "is_finished", "read_record", "write_record"]


def record_path(video_path: Path) -> Path:
    return video_path.with_suffix(".json")


def write_record(video_path: Path, record: CaseRecord) -> None:
    write_text_atomic(record_path(video_path), record.model_dump_json(indent=2) + "\n")


def read_record(video_path: Path) -> CaseRecord | None:
    """The case's record, or ``None`` when there is none or it is unreadable (the case is then redone)."""
    path = record_path(video_path)
    if not path.is_file():
        return None
    try:
        return CaseRecord.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, OSError, UnicodeDecodeError):
        return None


def is_finished(video_path: Path, record: CaseRecord | None) -> bool:
    """A finished case: status ok and the video on disk is the one that was written."""
    return (
        record is not None
        and record.status == "ok"
        and video_path.is_file()
        and record.video_sha256 == sha256_file(video_path)
    )


def generation_failures(videos: Path, video_ids: Iterable[str]) -> dict[str, str]:
    """``{video_id: reason}`` for the cases whose record says generation failed or timed out: they are
    failures of the method, not videos nobody asked for, and are scored as failed."""
    failures = {}
    for video_id in video_ids:
        record = read_record(videos / f"{video_id}.mp4")
        if record is not None and record.status != "ok":
            failures[video_id] = f"generation {record.status}: {record.error}"
    return failures
