"""``check-adapter``: run a method on a few cases and say what is wrong before a long run finds out.

The checks, in order: the adapter sets up; every output passes
:func:`~interhf_bench.adapters.api.check_output` (frame count, size, uint8, not all black); the first case
generated again with the same seed (after the other cases, global generators reseeded as the runner does)
gives the same frames; a batch (for adapters with ``batch_size > 1``) is valid; the frames survive the
lossless video round trip the runner uses. Whether another seed changes the output, whether the output
follows the poses, and the seconds per case are reported, never judged. A check that cannot run because
an earlier one failed is "skip".
"""

from __future__ import annotations

import sysconfig
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np

from interhf_bench.adapters.api import Adapter, Case
from interhf_bench.protocol.spec import ProtocolSpec
from interhf_bench.runner.attempt import CaseOutcome, attempt_cases

Status = Literal["pass", "fail", "info", "skip"]
CHECKS_AFTER_SETUP = ("output", "determinism", "seed", "pose", "video round trip", "speed")
CHECKS_AFTER_OUTPUT = ("determinism", "seed", "pose", "video round trip", "speed")
SYNTHETIC_BASE = "interhf-mini-v1"
SEED_HINT = (
    "draw randomness from case.seed (np.random.default_rng(case.seed), "
    "torch.Generator(device).manual_seed(case.seed)) and keep no state between cases"
)


@dataclass(frozen=True)
class CheckResult:
    """One row of the report."""

    name: str
    status: Status
    detail: str
    values: dict[str, float] = field(default_factory=dict)  # the numbers behind ``detail``, if any

    @property
    def failed(self) -> bool:
        return self.status == "fail"


@dataclass(frozen=True)
class _Attempt:
    """One ``generate`` call: valid frames, or why there are none."""

    frames: np.ndarray | None
    seconds: float
    problem: str = ""


def all_passed(results: Sequence[CheckResult]) -> bool:
    """True when no check failed (info and skip rows do not count)."""
    return not any(result.failed for result in results)


def check_adapter(adapter: Adapter, cases: Sequence[Case], device: str = "cpu") -> list[CheckResult]:
    """Every check's outcome for ``adapter`` on ``cases``; checks that need a failed one are skipped."""
    if not cases:
        raise ValueError("check_adapter needs at least one case")
    setup = _check_setup(adapter, device)
    if setup.failed:
        return [setup, *_skipped(CHECKS_AFTER_SETUP, "setup failed")]
    attempts = [_attempt(adapter, case) for case in cases]
    output = _check_outputs(cases, attempts)
    if output.failed:
        return [setup, output, *_skipped(CHECKS_AFTER_OUTPUT, "no valid output")]
    outputs = [attempt.frames for attempt in attempts if attempt.frames is not None]
    results = [
        setup,
        output,
        _check_determinism(adapter, cases[0], outputs[0]),
        _check_seed(adapter, cases[0], outputs[0]),
        _check_pose(adapter, cases[0], outputs[0]),
    ]
    if adapter.batch_size > 1 and len(cases) > 1:
        results.append(_check_batch(adapter, cases, outputs))
    results.append(_check_round_trip(cases, outputs))
    results.append(_speed(attempts, device))
    return results


def _skipped(names: Sequence[str], reason: str) -> list[CheckResult]:
    return [CheckResult(name, "skip", reason) for name in names]


def _error(exc: BaseException) -> str:
    """The exception and where it was raised: the deepest line of the method's own code if possible."""
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename != __file__]
    own = [frame for frame in frames if not _is_library(frame.filename)]
    frame = (own or frames)[-1] if frames else None
    where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _is_library(filename: str) -> bool:
    """Installed libraries and the standard library: a frame there rarely locates the method's bug."""
    return "site-packages" in Path(filename).parts or filename.startswith(sysconfig.get_paths()["stdlib"])


def _check_setup(adapter: Adapter, device: str) -> CheckResult:
    start = time.perf_counter()
    try:
        adapter.setup(device)
    except Exception as exc:
        return CheckResult("setup", "fail", _error(exc))
    return CheckResult("setup", "pass", f"on {device} in {time.perf_counter() - start:.2f} s")


def _attempt(adapter: Adapter, case: Case) -> _Attempt:
    """Generate ``case`` as the runner does: global generators seeded with the case's seed first."""
    outcome = attempt_cases(adapter, [case])[0]
    if outcome.frames is not None:
        return _Attempt(outcome.frames, outcome.seconds)
    return _Attempt(None, outcome.seconds, f"case {case.video_id}: {_reason(outcome)}")


def _reason(outcome: CaseOutcome) -> str:
    """Why a case has no valid frames: the refused output's problem, or the error and where it arose."""
    if outcome.problem is not None:
        return outcome.problem
    if outcome.exception is not None:
        return _error(outcome.exception)
    return outcome.error or outcome.status


def _check_outputs(cases: Sequence[Case], attempts: Sequence[_Attempt]) -> CheckResult:
    problems = [attempt.problem for attempt in attempts if attempt.frames is None]
    if problems:
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        return CheckResult("output", "fail", shown)
    first = cases[0]
    shape = (first.num_frames, first.height, first.width, 3)
    return CheckResult("output", "pass", f"{len(cases)} cases, (T, H, W, 3) = {shape}, uint8, not black")


def _difference(first: np.ndarray, second: np.ndarray) -> str:
    """How far apart two outputs are, in words."""
    if first.shape != second.shape:
        return f"shape {first.shape} vs {second.shape}"
    diff = np.abs(first.astype(np.int16) - second.astype(np.int16))
    return f"{np.mean(diff > 0):.1%} of values differ, by up to {int(diff.max())}"


def _check_determinism(adapter: Adapter, case: Case, first: np.ndarray) -> CheckResult:
    again = _attempt(adapter, case)
    if again.frames is None:
        return CheckResult("determinism", "fail", f"the second run failed: {again.problem}")
    where = f"case {case.video_id}, seed {case.seed}"
    if np.array_equal(again.frames, first):
        return CheckResult("determinism", "pass", f"{where} generated twice: identical frames")
    detail = f"{where}: same seed gave different frames ({_difference(first, again.frames)}); {SEED_HINT}"
    return CheckResult("determinism", "fail", detail)


def _check_seed(adapter: Adapter, case: Case, first: np.ndarray) -> CheckResult:
    """Information only: a method without randomness rightly ignores the seed."""
    other = _attempt(adapter, replace(case, seed=case.seed + 1))
    if other.frames is None:
        return CheckResult("seed", "fail", f"seed {case.seed + 1} failed: {other.problem}")
    if np.array_equal(other.frames, first):
        return CheckResult("seed", "info", f"seed {case.seed + 1} gives the same frames (seed unused)")
    change = _difference(first, other.frames)
    return CheckResult("seed", "info", f"seed {case.seed + 1} changes the output ({change})")


def _check_pose(adapter: Adapter, case: Case, first: np.ndarray) -> CheckResult:
    """Information only: does the output follow the driving poses?

    The case is generated again with the reference pose held for every frame. Where a driving hand is
    and the reference hands are not, a method that animates the hands must change its output; elsewhere
    it should change little. Copying methods rightly do not change at all.
    """
    held = replace(case, poses=np.repeat(case.reference_pose[None], case.num_frames, axis=0))
    other = _attempt(adapter, held)
    if other.frames is None:
        return CheckResult("pose", "fail", f"the reference pose held still failed: {other.problem}")
    where = f"case {case.video_id}, reference pose held for all {case.num_frames} frames"
    if np.array_equal(other.frames, first):
        return CheckResult("pose", "info", f"{where}: same frames (the driving poses are unused)")
    moved = pose_moved_region(case)
    change = np.abs(first.astype(np.float32) - other.frames.astype(np.float32)).mean(axis=-1)
    if not moved.any() or moved.all():
        region = "empty: the driving hands stay where the reference hands are" if not moved.any() else "all"
        detail = f"{where}: mean change {change.mean():.1f} levels (moved-hands region {region})"
        return CheckResult("pose", "info", detail)
    values = {
        "change_where_hands_moved": float(change[moved].mean()),
        "change_elsewhere": float(change[~moved].mean()),
    }
    detail = (
        f"{where}: the output changes {values['change_where_hands_moved']:.1f} levels (of 255) where the "
        f"driving hands moved to ({moved.mean():.1%} of pixels), {values['change_elsewhere']:.1f} elsewhere"
    )
    return CheckResult("pose", "info", detail, values)


def pose_moved_region(case: Case) -> np.ndarray:
    """``(T, H, W)`` bool: where each frame's driving hands are and the reference frame's hands are not."""
    from interhf_bench.pose.masks import hand_mask

    size = (case.height, case.width)
    driving_hands, _ = case.masks()
    return driving_hands & ~hand_mask(case.reference_pose, size, source_size=size)


def _check_batch(adapter: Adapter, cases: Sequence[Case], outputs: Sequence[np.ndarray]) -> CheckResult:
    """``generate_batch`` must give one valid output per case; equality with single runs is reported."""
    batch = list(cases[: adapter.batch_size])
    results = attempt_cases(adapter, batch)
    refused = [outcome for outcome in results if outcome.frames is None]
    if refused:
        first = refused[0]
        where = f"case {first.case.video_id}: " if first.problem is not None else ""
        return CheckResult("batch", "fail", where + _reason(first))
    checked = [outcome.frames for outcome in results]
    same = all(np.array_equal(a, b) for a, b in zip(checked, outputs, strict=False))
    detail = f"{len(batch)} cases in one batch: valid, " + (
        "same frames as one by one" if same else "frames differ from one by one (batching changes results)"
    )
    return CheckResult("batch", "pass", detail)


def _check_round_trip(cases: Sequence[Case], outputs: Sequence[np.ndarray]) -> CheckResult:
    """The runner writes lossless mp4s; the scorer must read back exactly what the method made."""
    from interhf_bench.io.video import read_video, write_video

    with tempfile.TemporaryDirectory(prefix="interhf-check-") as tmp:
        for index, (case, frames) in enumerate(zip(cases, outputs, strict=True)):
            path = Path(tmp) / f"{index}.mp4"
            try:
                write_video(path, frames, case.fps)
                decoded = read_video(path)
            except Exception as exc:
                return CheckResult("video round trip", "fail", f"case {case.video_id}: {_error(exc)}")
            if not np.array_equal(decoded, frames):
                detail = f"case {case.video_id}: read back differs ({_difference(frames, decoded)})"
                return CheckResult("video round trip", "fail", detail)
    return CheckResult("video round trip", "pass", f"{len(outputs)} videos written and read back bit-exactly")


def _speed(attempts: Sequence[_Attempt], device: str) -> CheckResult:
    """Reported, never judged: the first case often includes warm-up (compilation, caches)."""
    seconds = [attempt.seconds for attempt in attempts]
    detail = f"{np.mean(seconds):.3f} s per case on {device} (first {seconds[0]:.3f} s, {len(seconds)} cases)"
    return CheckResult("speed", "info", detail)


def format_report(method: str, results: Sequence[CheckResult], where: str = "") -> str:
    """A markdown table (check, result, detail) and a one-line verdict."""
    title = f"check-adapter {method}" + (f" on {where}" if where else "")
    lines = [title, "", "| check | result | detail |", "|---|---|---|"]
    for result in results:
        detail = result.detail.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {result.name} | {result.status.upper()} | {detail} |")
    failed = [result.name for result in results if result.failed]
    lines.append("")
    lines.append(f"FAILED: {', '.join(failed)}" if failed else "all checks passed")
    return "\n".join(lines)


def synthetic_protocol(count: int, base: ProtocolSpec, frames: int) -> ProtocolSpec:
    """``base``'s size and fps with ``frames`` target frames and ``count`` videos spread over the classes."""
    if count < 1 or frames < 1:
        raise ValueError(f"need at least one case and one frame, got {count} cases and {frames} frames")
    classes = base.classes[: min(count, len(base.classes))]
    return replace(
        base,
        id=f"{base.id}-check",
        description=f"check-adapter cases in the shape of {base.id}",
        videos_per_class=-(-count // len(classes)),
        num_target_frames=frames,
        classes=classes,
    )


def dataset_cases(
    root: Path, protocol: ProtocolSpec, count: int, *, seed: int = 0, with_ground_truth: bool = False
) -> list[Case]:
    """The first ``count`` test cases of a dataset, built exactly as the runner builds them."""
    from interhf_bench.data.dataset import Dataset
    from interhf_bench.runner.cases import build_case, select_rows

    dataset = Dataset(root)
    rows = select_rows(dataset, limit=count)
    return [build_case(dataset, row, protocol, seed, with_ground_truth=with_ground_truth) for row in rows]


def synthetic_cases(
    count: int,
    *,
    base: ProtocolSpec | None = None,
    frames: int = 8,
    seed: int = 0,
    with_ground_truth: bool = False,
) -> list[Case]:
    """``count`` small synthetic cases, rendered in a temporary folder (nothing is left in the cache)."""
    from interhf_bench.protocol import get_protocol
    from interhf_bench.synth.build import synthesize_dataset

    protocol = synthetic_protocol(count, base or get_protocol(SYNTHETIC_BASE), frames)
    with tempfile.TemporaryDirectory(prefix="interhf-check-") as tmp:
        synthesize_dataset(tmp, protocol, progress=False)
        return dataset_cases(Path(tmp), protocol, count, seed=seed, with_ground_truth=with_ground_truth)
