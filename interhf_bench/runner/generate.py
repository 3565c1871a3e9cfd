"""Generate a method's videos for a list of cases, one file per case, resumable after any crash.

Each case is written as ``<video_id>.mp4`` (lossless, atomic) and then ``<video_id>.json`` (its
:class:`~interhf_bench.results.case_record.CaseRecord`). A case that raises, times out or returns an invalid
video is recorded as failed and the run goes on. ``overwrite`` decides what a rerun redoes:

* ``only-missing`` (default): every case without a finished video (failed cases are retried);
* ``never``: only cases that were never attempted (recorded failures stay as they are);
* ``always``: every case.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

import numpy as np
from tqdm import tqdm

from interhf_bench.adapters.api import Adapter, Case
from interhf_bench.data.dataset import Dataset
from interhf_bench.data.manifest import ManifestRow
from interhf_bench.io.files import sha256_file
from interhf_bench.io.video import write_video
from interhf_bench.protocol.spec import ProtocolSpec
from interhf_bench.runner.attempt import CaseOutcome, attempt_cases
from interhf_bench.runner.cases import build_case
from interhf_bench.runner.claims import DEFAULT_STALE_AFTER, release, try_claim
from interhf_bench.runner.fingerprint import Fingerprint, ResumeMismatchError, differences
from interhf_bench.runner.sidecar import CaseRecord, is_finished, read_record, write_record

Overwrite = Literal["never", "only-missing", "always"]
OVERWRITE_CHOICES: tuple[Overwrite, ...] = ("never", "only-missing", "always")


@dataclass
class GenerationSummary:
    """What one generation pass did."""

    generated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)  # held by another process working on the folder
    failed: dict[str, str] = field(default_factory=dict)
    case_seconds: list[float] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False  # stopped by Ctrl-C: the finished cases are kept and scored

    def as_dict(self) -> dict[str, object]:
        return {
            "generated": len(self.generated),
            "skipped": len(self.skipped),
            "elsewhere": len(self.elsewhere),
            "failed": len(self.failed),
            "seconds": round(self.seconds, 3),
            "mean_case_seconds": round(float(np.mean(self.case_seconds)), 3) if self.case_seconds else None,
            "interrupted": self.interrupted,
        }


def needs_generation(video_path: Path, overwrite: Overwrite) -> bool:
    if overwrite == "always":
        return True
    record = read_record(video_path)
    if overwrite == "never":
        return record is None and not video_path.exists()
    return not is_finished(video_path, record)


def generate_videos(
    adapter: Adapter,
    dataset: Dataset,
    protocol: ProtocolSpec,
    rows: Sequence[ManifestRow],
    videos_dir: Path,
    *,
    device: str = "cpu",
    seed: int = 0,
    overwrite: Overwrite = "only-missing",
    timeout: float | None = None,
    progress: bool = True,
    rank: int = 0,
    stale_after: float = DEFAULT_STALE_AFTER,
    fingerprint: Fingerprint | None = None,
) -> GenerationSummary:
    """Generate the videos of ``rows`` that ``overwrite`` asks for into ``videos_dir``.

    Each case is claimed first (:mod:`interhf_bench.runner.claims`): a case another live process holds
    is left to it (``summary.elsewhere``), so several processes can share one folder. With a
    ``fingerprint``, finished cases made under another one stop the run before anything is generated
    (unless ``overwrite`` is ``always``), and every new record carries it.
    """
    if overwrite not in OVERWRITE_CHOICES:
        raise ValueError(f"overwrite must be one of {', '.join(OVERWRITE_CHOICES)}, got {overwrite!r}")
    if fingerprint is not None and overwrite != "always":
        refuse_mismatched_resume(rows, videos_dir, fingerprint)
    start = time.perf_counter()
    summary = GenerationSummary()
    todo = [row for row in rows if needs_generation(videos_dir / f"{row.video_id}.mp4", overwrite)]
    pending = {row.video_id for row in todo}
    summary.skipped += [row.video_id for row in rows if row.video_id not in pending]
    if todo:
        adapter.setup(device)
    name = adapter.meta.name
    bar = tqdm(total=len(todo), desc=f"generate {name}", unit="video", disable=not progress)
    try:
        for first in range(0, len(todo), max(1, adapter.batch_size)):
            candidates = todo[first : first + max(1, adapter.batch_size)]
            batch = _claim(candidates, videos_dir, overwrite, stale_after, summary)
            try:
                if batch:
                    _generate_and_record(
                        adapter, dataset, protocol, batch, videos_dir, seed, timeout, rank, summary,
                        fingerprint,
                    )  # fmt: skip
            finally:
                for row in batch:
                    release(videos_dir / f"{row.video_id}.mp4")
            bar.update(len(candidates))
            bar.set_postfix(failed=len(summary.failed))
    except KeyboardInterrupt:  # the case in progress is dropped; what finished is scored by the caller
        summary.interrupted = True
    finally:
        bar.close()
    summary.seconds = time.perf_counter() - start
    return summary


def refuse_mismatched_resume(rows: Sequence[ManifestRow], videos_dir: Path, fingerprint: Fingerprint) -> None:
    """Raise :class:`ResumeMismatchError` when a finished case of ``rows`` has another fingerprint."""
    mismatched = []
    for row in rows:
        record = read_record(videos_dir / f"{row.video_id}.mp4")
        if record is not None and record.status == "ok" and record.fingerprint not in (None, fingerprint):
            mismatched.append(record)
    if mismatched:
        changes = "; ".join(differences(mismatched[0].fingerprint or {}, fingerprint))
        raise ResumeMismatchError(
            f"{videos_dir}: {len(mismatched)} finished case(s) were made by another run ({changes}); "
            "resume with the same settings, choose another --out, or pass --overwrite always to regenerate"
        )


def _claim(
    rows: Sequence[ManifestRow],
    videos_dir: Path,
    overwrite: Overwrite,
    stale_after: float,
    summary: GenerationSummary,
) -> list[ManifestRow]:
    """The rows this process now holds and that still need generating (another may have just finished)."""
    claimed = []
    for row in rows:
        path = videos_dir / f"{row.video_id}.mp4"
        if not try_claim(path, stale_after):
            summary.elsewhere.append(row.video_id)
        elif overwrite != "always" and not needs_generation(path, overwrite):
            release(path)
            summary.skipped.append(row.video_id)
        else:
            claimed.append(row)
    return claimed


def _generate_and_record(
    adapter: Adapter,
    dataset: Dataset,
    protocol: ProtocolSpec,
    batch: Sequence[ManifestRow],
    videos_dir: Path,
    seed: int,
    timeout: float | None,
    rank: int,
    summary: GenerationSummary,
    fingerprint: Fingerprint | None,
) -> None:
    """Generate one batch of cases and record each outcome in its sidecar and in ``summary``."""
    cases = [
        build_case(dataset, row, protocol, seed, with_ground_truth=adapter.meta.uses_ground_truth)
        for row in batch
    ]
    for case, record in zip(cases, _generate_batch(adapter, cases, videos_dir, timeout, rank), strict=True):
        path = videos_dir / f"{case.video_id}.mp4"
        if record.status == "ok":
            summary.case_seconds.append(record.generate_seconds or 0.0)
            summary.generated.append(case.video_id)
        else:
            summary.failed[case.video_id] = record.error or record.status
            path.unlink(missing_ok=True)  # a stale video of an earlier attempt must not be scored
        write_record(path, record.model_copy(update={"fingerprint": fingerprint}))


def _generate_batch(
    adapter: Adapter, cases: list[Case], videos_dir: Path, timeout: float | None, rank: int
) -> list[CaseRecord]:
    """Run the adapter on one batch and write the valid outputs; one record per case."""
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return [
        _write_and_record(outcome, videos_dir, adapter.meta.name, started, rank)
        for outcome in attempt_cases(adapter, cases, timeout)
    ]


def _write_and_record(
    outcome: CaseOutcome, videos_dir: Path, method: str, started: str, rank: int
) -> CaseRecord:
    """Write a valid output's video; the case's record either way."""
    case = outcome.case
    fields: dict[str, object] = {"error": outcome.error, "traceback": outcome.traceback}
    if outcome.exception is None and outcome.status != "timeout":
        fields["generate_seconds"] = outcome.seconds
    if outcome.frames is not None:
        write_start = time.perf_counter()
        path = videos_dir / f"{case.video_id}.mp4"
        write_video(path, outcome.frames, case.fps)
        fields.update(write_seconds=time.perf_counter() - write_start, video_sha256=sha256_file(path))
    return CaseRecord(
        video_id=case.video_id,
        method=method,
        status=outcome.status,
        seed=case.seed,
        started=started,
        rank=rank,
        **fields,
    )
