"""Checking a third-party submission before it goes on a leaderboard.

A submission is a run folder: ``videos/<video_id>.mp4`` (or frame folders) and/or ``metrics.json`` with
``run_meta.json``. Every problem is collected (not just the first) and names the file and what is wrong:
results of another protocol or dataset, a missing or extra video, a video that does not decode or has the
wrong frame count or size, missing adapter metadata. With ``rescore`` the videos are scored here and the
submitted numbers must agree within a tolerance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from interhf_bench.data.dataset import Dataset
from interhf_bench.data.manifest import manifest_hash
from interhf_bench.protocol.spec import ProtocolSpec
from interhf_bench.results.metrics_file import MetricsFile
from interhf_bench.results.run_meta import RunMeta
from interhf_bench.scoring.predictions import PredictionError, load_prediction
from interhf_bench.scoring.score import scored_rows

VIDEO_SUFFIXES = (".mp4", ".mkv", ".avi", ".mov", ".webm")


@dataclass
class SubmissionReport:
    root: Path
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_submission(
    root: Path, dataset: Dataset, protocol: ProtocolSpec, *, decode: bool = True
) -> SubmissionReport:
    """Every problem of the submission in ``root`` against ``dataset`` under ``protocol``."""
    report = SubmissionReport(root)
    if not root.is_dir():
        report.problems.append(f"{root}: not a folder")
        return report
    has_results = (root / "metrics.json").exists()
    has_videos = (root / "videos").is_dir()
    if not has_results and not has_videos:
        report.problems.append(f"{root}: neither videos/ nor metrics.json; nothing to check")
    if has_results:
        _check_results(root, dataset, protocol, report)
    if has_videos:
        _check_videos(root / "videos", dataset, protocol, report, decode=decode)
    return report


def _check_results(root: Path, dataset: Dataset, protocol: ProtocolSpec, report: SubmissionReport) -> None:
    path = root / "metrics.json"
    try:
        metrics = MetricsFile.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, UnicodeDecodeError) as exc:
        report.problems.append(f"{path}: does not follow the metrics.json schema: {exc}")
        return
    if metrics.protocol != protocol.id or metrics.protocol_hash != protocol.hash:
        report.problems.append(
            f"{path}: results of protocol {metrics.protocol} (hash {metrics.protocol_hash[:12]}), "
            f"expected {protocol.id} (hash {protocol.hash[:12]})"
        )
    if metrics.manifest_sha256 != manifest_hash(dataset.rows):
        report.problems.append(
            f"{path}: computed on another test set (manifest sha256 differs from {dataset.manifest_path})"
        )
    meta_path = root / "run_meta.json"
    if not meta_path.is_file():
        report.problems.append(
            f"{meta_path}: missing; a submission must say which method made it (adapter meta)"
        )
    else:
        try:
            meta = RunMeta.model_validate_json(meta_path.read_text(encoding="utf-8"))
        except (ValidationError, UnicodeDecodeError) as exc:
            report.problems.append(f"{meta_path}: does not follow the run_meta.json schema: {exc}")
        else:
            if meta.protocol_hash != metrics.protocol_hash:
                report.problems.append(f"{meta_path}: protocol hash differs from metrics.json's")
    report.checked.append("results")


def _video_files(videos: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(videos.iterdir()):
        if path.is_dir() or path.suffix.lower() in VIDEO_SUFFIXES:
            found.setdefault(path.stem if path.is_file() else path.name, path)
    return found


def _check_videos(
    videos: Path, dataset: Dataset, protocol: ProtocolSpec, report: SubmissionReport, *, decode: bool
) -> None:
    expected = {row.video_id for row in scored_rows(dataset)}
    found = _video_files(videos)
    for video_id in sorted(expected - set(found)):
        report.problems.append(f"{videos}: missing video for test case {video_id}")
    for video_id in sorted(set(found) - expected):
        report.problems.append(f"{found[video_id]}: not a test case of {protocol.id} (extra video)")
    if decode:
        size = (protocol.height, protocol.width)
        for video_id in sorted(expected & set(found)):
            try:
                frames = load_prediction(found[video_id], protocol.num_target_frames)
            except PredictionError as exc:
                report.problems.append(str(exc))
                continue
            if frames.shape[1:3] != size:
                report.problems.append(
                    f"{found[video_id]}: frames are {frames.shape[1]}x{frames.shape[2]}, "
                    f"the protocol's size is {size[0]}x{size[1]} (HxW)"
                )
    report.checked.append("videos")


def compare_metrics(submitted: MetricsFile, rescored: MetricsFile, tolerance: float) -> list[str]:
    """Metrics whose submitted overall value differs from the rescored one by more than ``tolerance``
    (relative, with an absolute floor of ``tolerance`` for values near 0)."""
    problems = []
    for name, mine in rescored.overall.items():
        theirs = submitted.overall.get(name)
        if theirs is None or mine.value is None or theirs.value is None:
            continue
        if not math.isclose(theirs.value, mine.value, rel_tol=tolerance, abs_tol=tolerance):
            problems.append(f"metrics.json: {name} = {theirs.value:.6g}, rescored here {mine.value:.6g}")
    return problems
