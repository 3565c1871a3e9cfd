"""``check-adapter``: run a method on a few cases and say what works before a long run finds out.

Checks, in order: the adapter sets up; each output passes :func:`~interhf_bench.adapters.api.check_output`
(frame count, size, uint8, not all black); the same case with the same seed gives the same frames
(with the global generators reseeded, as the runner does); the frames survive the lossless video round
trip the runner uses. A different seed may or may not change the output: that is reported, not judged.
Speed is reported per case, never asserted.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interhf_bench.adapters.api import Adapter, AdapterOutputError, Case, check_output
from interhf_bench.io.video import read_video, write_video
from interhf_bench.runner.generate import seed_everything


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool | None  # None: informational
    detail: str


def _generate(adapter: Adapter, case: Case) -> np.ndarray:
    seed_everything(case.seed)
    return adapter.generate(case)


def check_adapter(adapter: Adapter, cases: Sequence[Case], device: str = "cpu") -> list[CheckResult]:
    """Every check's outcome; stops early only when a later check cannot run."""
    name = adapter.meta.name
    results: list[CheckResult] = []
    try:
        adapter.setup(device)
    except Exception as exc:
        return [CheckResult("setup", False, f"{type(exc).__name__}: {exc}")]
    results.append(CheckResult("setup", True, f"on {device}"))
    outputs: list[np.ndarray] = []
    seconds: list[float] = []
    for case in cases:
        start = time.perf_counter()
        try:
            outputs.append(check_output(name, case, _generate(adapter, case)))
        except AdapterOutputError as exc:
            results.append(CheckResult("output", False, exc.problem + f" (case {case.video_id})"))
            return results
        except Exception as exc:
            results.append(CheckResult("output", False, f"case {case.video_id}: {type(exc).__name__}: {exc}"))
            return results
        seconds.append(time.perf_counter() - start)
    shape = outputs[0].shape
    results.append(CheckResult("output", True, f"{len(cases)} cases, (T, H, W, 3) = {shape}, uint8"))
    again = _generate(adapter, cases[0])
    same = np.array_equal(again, outputs[0])
    detail = "same seed, same frames" if same else "same seed gave different frames (unseeded randomness?)"
    results.append(CheckResult("determinism", same, detail))
    other = _generate(adapter, _with_seed(cases[0], cases[0].seed + 1))
    varies = "changes" if not np.array_equal(other, outputs[0]) else "does not change"
    results.append(CheckResult("seed", None, f"another seed {varies} the output"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.mp4"
        write_video(path, outputs[0], cases[0].fps)
        exact = np.array_equal(read_video(path), outputs[0])
    results.append(CheckResult("video round trip", exact, "lossless write and read give the same frames"))
    results.append(CheckResult("speed", None, f"{np.mean(seconds):.3f} s per case on {device}"))
    return results


def _with_seed(case: Case, seed: int) -> Case:
    from dataclasses import replace

    return replace(case, seed=seed)


def format_report(method: str, results: Sequence[CheckResult]) -> str:
    """A markdown table: check, PASS / FAIL / info, detail."""
    lines = [f"check-adapter {method}", "", "| check | result | detail |", "|---|---|---|"]
    for result in results:
        mark = {True: "PASS", False: "FAIL", None: "info"}[result.passed]
        lines.append(f"| {result.name} | {mark} | {result.detail} |")
    return "\n".join(lines)
