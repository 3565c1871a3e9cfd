"""Checking a third-party submission before it goes on a leaderboard.

A submission is a run folder: ``run_meta.json`` (which method made it), ``videos/`` (one prediction per
test case, exactly as ``score`` reads them: ``<video_id>.mp4`` or a frame folder ``<video_id>/``) and,
when it reports numbers, ``metrics.json``. Every problem is collected (not just the first) and names the
file and what is wrong. Numbers are trusted only once rescored here: the verdict says ``valid`` only when
every number the submission carries was recomputed from its videos and agrees (:mod:`.compare`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from pydantic import ValidationError

from interhf_bench.data.dataset import Dataset
from interhf_bench.data.manifest import manifest_hash
from interhf_bench.protocol.spec import ProtocolSpec
from interhf_bench.results.metric_ranges import metrics_file_problems
from interhf_bench.results.metrics_file import MetricsFile
from interhf_bench.results.run_meta import RunMeta
from interhf_bench.scoring.feature_cache import FeatureCache
from interhf_bench.scoring.metric_set import MetricSet
from interhf_bench.scoring.predictions import PredictionError, find_prediction, load_prediction
from interhf_bench.scoring.score import score, scored_rows
from interhf_bench.submission.compare import compare_metrics, non_finite_numbers

ORACLE_NOTE = (
    "oracle: the method received the ground-truth frames; shown in the oracle section and never ranked"
)


class Verdict(Enum):
    """The outcome of ``validate``, most severe first; only ``valid`` exits with status 0."""

    INVALID = "invalid"
    UNVERIFIABLE = "unverifiable"
    NOT_RESCORED = "not rescored"
    UNCHECKED = "unchecked"
    ORACLE = "oracle"
    VALID = "valid"

    @property
    def exit_code(self) -> int:
        """1 for problems, 2 for numbers not (all) verified, 3 for a verified oracle, 0 for valid."""
        return {Verdict.VALID: 0, Verdict.INVALID: 1, Verdict.ORACLE: 3}.get(self, 2)


@dataclass
class SubmissionReport:
    """What was checked, what is wrong, and what could not be checked, for one submission folder."""

    root: Path
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    unchecked: dict[str, str] = field(default_factory=dict)
    submitted: MetricsFile | None = None
    has_videos: bool = False
    rescored: bool = False
    oracle: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def can_rescore(self) -> bool:
        """Rescoring is worth it only for numbers that came with videos that passed every check."""
        return self.ok and self.submitted is not None and self.has_videos

    def verdict(self, *, allow_unchecked: bool = False) -> Verdict:
        """``valid`` only when every number carried was recomputed and agrees (unchecked ones allowed
        with ``allow_unchecked``) and the method did not see the ground truth."""
        if self.problems:
            return Verdict.INVALID
        if self.submitted is not None and not self.has_videos:
            return Verdict.UNVERIFIABLE
        if self.submitted is not None and not self.rescored:
            return Verdict.NOT_RESCORED
        if self.unchecked and not allow_unchecked:
            return Verdict.UNCHECKED
        return Verdict.ORACLE if self.oracle else Verdict.VALID


def validate_submission(
    root: Path, dataset: Dataset, protocol: ProtocolSpec, *, decode: bool = True
) -> SubmissionReport:
    """Every problem of the submission in ``root`` against ``dataset`` under ``protocol`` (no rescoring)."""
    report = SubmissionReport(root)
    if not root.is_dir():
        report.problems.append(f"{root}: not a folder")
        return report
    has_results = (root / "metrics.json").exists()
    report.has_videos = (root / "videos").is_dir()
    if not has_results and not report.has_videos:
        report.problems.append(f"{root}: neither videos/ nor metrics.json; nothing to check")
        return report
    _check_meta(root / "run_meta.json", dataset, protocol, report)
    if has_results:
        _check_results(root / "metrics.json", dataset, protocol, report)
    if report.has_videos:
        _check_videos(root / "videos", dataset, protocol, report, decode=decode)
    return report


def _check_meta(path: Path, dataset: Dataset, protocol: ProtocolSpec, report: SubmissionReport) -> None:
    """The method's metadata is present, of this protocol and test set; an oracle is flagged."""
    if not path.is_file():
        report.problems.append(f"{path}: missing; a submission must say which method made it (adapter meta)")
        return
    try:
        meta = RunMeta.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, UnicodeDecodeError) as exc:
        report.problems.append(f"{path}: does not follow the run_meta.json schema: {exc}")
        return
    if meta.protocol_hash != protocol.hash:
        report.problems.append(
            f"{path}: made under protocol hash {meta.protocol_hash[:12]}, "
            f"expected {protocol.id} (hash {protocol.hash[:12]})"
        )
    if meta.manifest_sha256 != manifest_hash(dataset.rows):
        report.problems.append(f"{path}: made on another test set (manifest sha256 differs)")
    report.oracle = meta.method.meta.uses_ground_truth


def _check_results(path: Path, dataset: Dataset, protocol: ProtocolSpec, report: SubmissionReport) -> None:
    """``metrics.json`` follows the schema, holds only numbers ``score`` could have written, and is of
    this protocol and data."""
    try:
        metrics = MetricsFile.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, UnicodeDecodeError) as exc:
        report.problems.append(f"{path}: does not follow the metrics.json schema: {exc}")
        return
    finite_rule = "numbers must be finite (null where there is none)"
    non_finite = [f"{where}; {finite_rule}" for where in non_finite_numbers(metrics)]
    # the leaderboard's checks: known metric names, values in range, the protocol's class codes
    for problem in non_finite or metrics_file_problems(metrics):
        report.problems.append(f"{path}: {problem}")
    if metrics.protocol != protocol.id or metrics.protocol_hash != protocol.hash:
        report.problems.append(
            f"{path}: results of protocol {metrics.protocol} (hash {metrics.protocol_hash[:12]}), "
            f"expected {protocol.id} (hash {protocol.hash[:12]})"
        )
    if metrics.manifest_sha256 != manifest_hash(dataset.rows):
        report.problems.append(
            f"{path}: computed on another test set (manifest sha256 differs from {dataset.manifest_path})"
        )
    report.submitted = metrics
    report.checked.append("results")


def _check_videos(
    videos: Path, dataset: Dataset, protocol: ProtocolSpec, report: SubmissionReport, *, decode: bool
) -> None:
    """One prediction per test case, found as ``score`` finds it, nothing else; with ``decode``, the
    protocol's frame count and size."""
    expected = [row.video_id for row in scored_rows(dataset)]
    report.problems += _stray_entries(videos, set(expected), protocol)
    for video_id in expected:
        try:
            path = find_prediction(videos, video_id)
        except PredictionError as exc:
            report.problems.append(str(exc))
            continue
        if path is None:
            report.problems.append(f"{videos}: missing video for test case {video_id}")
        elif decode:
            report.problems += _frame_problems(path, protocol)
    report.checked.append("videos")


def _stray_entries(videos: Path, expected: set[str], protocol: ProtocolSpec) -> list[str]:
    """Entries of ``videos/`` that are neither a test case's prediction as ``score`` reads it nor its
    case record: another container (``.mkv``) would pass here and then be missing when scored."""
    problems = []
    for path in sorted(videos.iterdir()):
        video_id = _entry_video_id(path)
        if video_id is None:
            problems.append(
                f"{path}: not something scoring reads; predictions are <video_id>.mp4 files or "
                "<video_id>/ folders of PNG or JPEG frames (with optional <video_id>.json case records)"
            )
        elif video_id not in expected:
            problems.append(f"{path}: not a test case of {protocol.id} (extra video)")
    return problems


def _entry_video_id(path: Path) -> str | None:
    """The video id a ``videos/`` entry belongs to: ``<id>/``, ``<id>.mp4`` or the record ``<id>.json``."""
    if path.is_dir():
        return path.name
    for suffix in (".mp4", ".json"):
        if path.name.endswith(suffix):
            return path.name.removesuffix(suffix)
    return None


def _frame_problems(path: Path, protocol: ProtocolSpec) -> list[str]:
    """The prediction decodes to the protocol's target frames at the protocol's size."""
    try:
        frames = load_prediction(path, protocol.num_target_frames)
    except PredictionError as exc:
        return [str(exc)]
    if frames.shape[1:3] != (protocol.height, protocol.width):
        return [
            f"{path}: frames are {frames.shape[1]}x{frames.shape[2]}, "
            f"the protocol's size is {protocol.height}x{protocol.width} (HxW)"
        ]
    return []


def rescore_submission(
    report: SubmissionReport,
    dataset: Dataset,
    protocol: ProtocolSpec,
    metrics: MetricSet,
    *,
    tolerance: float,
    cache: FeatureCache | None = None,
    progress: bool = True,
) -> None:
    """Score the submission's videos here and check every number of its ``metrics.json`` against them."""
    if not report.can_rescore:
        return
    rescored = score(dataset, protocol, report.root / "videos", metrics, cache=cache, progress=progress)
    check_rescored(report, rescored, tolerance)


def check_rescored(report: SubmissionReport, rescored: MetricsFile, tolerance: float) -> None:
    """Record what comparing the submitted numbers with ``rescored`` found."""
    assert report.submitted is not None, "only a submission with metrics.json is rescored"
    for video_id, reason in rescored.failed.items():
        report.problems.append(f"{video_id}: scoring here failed: {reason}")
    comparison = compare_metrics(report.submitted, rescored, tolerance)
    report.problems += comparison.mismatches
    report.unchecked.update(comparison.unchecked)
    report.rescored = True
    report.checked.append("rescored")


def report_lines(report: SubmissionReport, verdict: Verdict) -> list[str]:
    """What ``validate`` prints: each problem, each unchecked metric, the oracle note, the verdict."""
    lines = [f"FAIL {problem}" for problem in report.problems]
    lines += [f"UNCHECKED {name}: {reason}" for name, reason in report.unchecked.items()]
    if report.oracle:
        lines.append(f"NOTE {report.root / 'run_meta.json'}: {ORACLE_NOTE}")
    checked = ", ".join(report.checked) or "nothing"
    lines.append(f"{report.root}: {_verdict_text(report, verdict)} (checked {checked})")
    return lines


def _verdict_text(report: SubmissionReport, verdict: Verdict) -> str:
    """The verdict with what it means and, where there is one, what to do."""
    unchecked = len(report.unchecked)
    texts = {
        Verdict.INVALID: f"invalid: {len(report.problems)} problem(s)",
        Verdict.UNVERIFIABLE: "unverifiable: metrics.json comes without videos/; the videos are needed to "
        "verify its numbers (videos/<video_id>.mp4 or <video_id>/ frame folders)",
        Verdict.NOT_RESCORED: "not rescored: the files are in order but the numbers in metrics.json were "
        "not recomputed; --rescore scores the videos and checks every number",
        Verdict.UNCHECKED: f"not valid: {unchecked} submitted metric(s) could not be recomputed here "
        "(UNCHECKED above); --allow-unchecked accepts the submission with them listed",
        Verdict.ORACLE: f"oracle: the numbers are verified; {ORACLE_NOTE.removeprefix('oracle: ')}",
        Verdict.VALID: "valid" + (f", {unchecked} metric(s) unchecked (allowed)" if unchecked else ""),
    }
    return texts[verdict]
