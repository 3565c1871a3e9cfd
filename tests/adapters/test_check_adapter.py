"""``check-adapter``: passes a correct method, and says what is wrong with broken ones."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from interhf_bench.adapters.api import Adapter, Case
from interhf_bench.adapters.pose_warp import PoseWarp
from interhf_bench.adapters.reference import CopyReference
from interhf_bench.cli import main
from interhf_bench.pose.masks import hand_mask
from interhf_bench.protocol.spec import INTERHF_MINI_V1
from interhf_bench.runner.check import (
    CheckResult,
    all_passed,
    check_adapter,
    format_report,
    pose_moved_region,
    synthetic_cases,
    synthetic_protocol,
)
from tests.conftest import TINY

# Adapters that misbehave on purpose, each in its own way; loaded with --include.
BROKEN_ADAPTERS = """
import os

import numpy as np

from interhf_bench.adapters.api import Adapter, AdapterMeta


def copy(case):
    return np.repeat(case.reference[None], case.num_frames, axis=0)


class WrongShape(Adapter):
    meta = AdapterMeta(name="wrong-shape", display_name="Wrong shape")

    def generate(self, case):
        return np.ones((case.num_frames + 1, case.height, case.width, 3), np.uint8)


class Unseeded(Adapter):
    meta = AdapterMeta(name="unseeded", display_name="Unseeded")

    def generate(self, case):
        shape = (case.num_frames, case.height, case.width, 3)
        return np.frombuffer(os.urandom(int(np.prod(shape))), np.uint8).reshape(shape) | 1


class Stateful(Adapter):
    meta = AdapterMeta(name="stateful", display_name="Stateful")
    calls = 0

    def generate(self, case):
        Stateful.calls += 1
        return np.clip(copy(case).astype(int) + Stateful.calls, 0, 255).astype(np.uint8)


class FloatFrames(Adapter):
    meta = AdapterMeta(name="float-frames", display_name="Float frames")

    def generate(self, case):
        return copy(case) / 255.0


class NoWeights(Adapter):
    meta = AdapterMeta(name="no-weights", display_name="No weights")

    def setup(self, device):
        raise FileNotFoundError("weights/model.safetensors")

    def generate(self, case):
        return copy(case)


class Crashes(Adapter):
    meta = AdapterMeta(name="crashes", display_name="Crashes")

    def generate(self, case):
        raise RuntimeError("CUDA out of memory")


class BadBatch(Adapter):
    meta = AdapterMeta(name="bad-batch", display_name="Bad batch")
    batch_size = 2

    def generate(self, case):
        return copy(case)

    def generate_batch(self, cases):
        return [copy(cases[0])]


class GoodBatch(Adapter):
    meta = AdapterMeta(name="good-batch", display_name="Good batch")
    batch_size = 2

    def generate(self, case):
        return copy(case)
"""


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken_adapters.py"
    path.write_text(BROKEN_ADAPTERS)
    return path


@pytest.fixture
def tiny_args(tiny_dataset: Path) -> list[str]:
    (tiny_dataset / "protocol.json").write_text(json.dumps(TINY.as_dict()))
    return ["--data", str(tiny_dataset), "--protocol", str(tiny_dataset / "protocol.json")]


def test_a_correct_method_passes_on_synthetic_cases_and_leaves_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INTERHF_BENCH_CACHE", str(tmp_path / "cache"))
    assert main(["check-adapter", "copy-reference", "--frames", "4"]) == 0
    report = capsys.readouterr().out
    assert "on 2 synthetic cases (4 frames of 160x96" in report
    assert "| output | PASS | 2 cases, (T, H, W, 3) = (4, 160, 96, 3), uint8, not black |" in report
    for row in ("| setup | PASS |", "| determinism | PASS |", "| video round trip | PASS |"):
        assert row in report
    assert "| seed | INFO | seed " in report and "gives the same frames (seed unused)" in report
    assert "| speed | INFO |" in report and report.rstrip().endswith("all checks passed")
    assert not (tmp_path / "cache").exists()


def test_a_correct_method_passes_on_a_dataset(
    tiny_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check-adapter", "copy-reference", "--cases", "3", *tiny_args]) == 0
    report = capsys.readouterr().out
    assert "3 cases of" in report and "(test-tiny)" in report
    assert "| output | PASS | 3 cases, (T, H, W, 3) = (3, 24, 16, 3), uint8, not black |" in report


@pytest.mark.parametrize(
    ("method", "failed", "expected"),
    [
        ("wrong-shape", "output", "returned shape (4, 24, 16, 3), expected (frames, height, width, 3)"),
        ("unseeded", "determinism", "same seed gave different frames ("),
        ("stateful", "determinism", "of values differ, by up to 2); draw randomness from case.seed"),
        ("float-frames", "output", "returned dtype float64, expected uint8"),
        ("no-weights", "setup", "FileNotFoundError: weights/model.safetensors at broken_adapters.py:"),
        ("crashes", "output", "RuntimeError: CUDA out of memory at broken_adapters.py:"),
        ("bad-batch", "batch", "1 outputs for 2 cases"),
    ],
)
def test_broken_methods_fail_with_the_reason(
    tiny_args: list[str],
    broken: Path,
    capsys: pytest.CaptureFixture[str],
    method: str,
    failed: str,
    expected: str,
) -> None:
    assert main(["check-adapter", method, "--include", str(broken), *tiny_args]) == 1
    report = capsys.readouterr().out
    row = next(line for line in report.splitlines() if line.startswith(f"| {failed} | FAIL |"))
    assert expected in row
    assert report.rstrip().endswith(f"FAILED: {failed}")


def test_checks_after_a_failure_are_skipped(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-adapter", "no-weights", "--include", str(broken), "--frames", "2"]) == 1
    report = capsys.readouterr().out
    for name in ("output", "determinism", "seed", "pose", "video round trip", "speed"):
        assert f"| {name} | SKIP | setup failed |" in report


def test_a_batched_method_is_checked_in_batches(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-adapter", "good-batch", "--include", str(broken), "--frames", "2"]) == 0
    assert (
        "| batch | PASS | 2 cases in one batch: valid, same frames as one by one |" in capsys.readouterr().out
    )


def test_bad_arguments_are_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-adapter", "copy-reference", "--cases", "0"]) == 1
    assert "--cases must be at least 1" in capsys.readouterr().err
    assert main(["check-adapter", "copy-referenc"]) == 1
    assert "did you mean copy-reference" in capsys.readouterr().err


def test_check_adapter_returns_the_results() -> None:
    cases = synthetic_cases(2, frames=3, seed=5)
    assert [case.num_frames for case in cases] == [3, 3] and cases[0].ground_truth is None
    results = check_adapter(CopyReference(), cases)
    assert [(r.name, r.status) for r in results] == [
        ("setup", "pass"),
        ("output", "pass"),
        ("determinism", "pass"),
        ("seed", "info"),
        ("pose", "info"),
        ("video round trip", "pass"),
        ("speed", "info"),
    ]
    assert all_passed(results) and "all checks passed" in format_report("copy-reference", results)
    with pytest.raises(ValueError, match="at least one case"):
        check_adapter(CopyReference(), [])


def test_synthetic_cases_cover_the_classes_first() -> None:
    few = synthetic_protocol(3, INTERHF_MINI_V1, frames=5)
    assert (few.videos_per_class, few.classes, few.num_target_frames) == (1, INTERHF_MINI_V1.classes[:3], 5)
    assert (few.height, few.width, few.fps) == (INTERHF_MINI_V1.height, INTERHF_MINI_V1.width, 15.0)
    many = synthetic_protocol(20, INTERHF_MINI_V1, frames=5)
    assert many.videos_per_class == 2 and many.classes == INTERHF_MINI_V1.classes
    with_truth = synthetic_cases(1, frames=2, with_ground_truth=True)[0]
    assert with_truth.ground_truth is not None and with_truth.ground_truth.shape == (2, 160, 96, 3)
    assert with_truth.ground_truth.dtype == np.uint8


def test_the_pose_check_tells_a_method_that_follows_the_poses_from_one_that_ignores_them() -> None:
    case = synthetic_cases(1, frames=6, seed=3)[0]
    moved = pose_moved_region(case)
    size = (case.height, case.width)
    assert moved.shape == (6, *size) and moved.any()
    assert not (moved & hand_mask(case.reference_pose, size, source_size=size)).any()
    assert (moved <= case.masks()[0]).all()

    def pose_row(adapter: Adapter) -> CheckResult:
        (row,) = [r for r in check_adapter(adapter, [case]) if r.name == "pose"]
        assert row.status == "info"
        return row

    assert "same frames (the driving poses are unused)" in pose_row(CopyReference()).detail
    warped = pose_row(PoseWarp()).values
    assert warped["change_where_hands_moved"] > 2 * warped["change_elsewhere"] > 0


class FailsOnStillPoses(CopyReference):
    """Copies the reference, but cannot handle a pose sequence that does not move."""

    def generate(self, case: Case) -> np.ndarray:
        if all(np.array_equal(pose, case.reference_pose) for pose in case.poses):
            raise ValueError("no motion to animate")
        return super().generate(case)


def test_the_pose_check_fails_when_a_still_pose_crashes_the_method() -> None:
    results = check_adapter(FailsOnStillPoses(), synthetic_cases(1, frames=3))
    (row,) = [r for r in results if r.name == "pose"]
    assert row.status == "fail" and "ValueError: no motion to animate" in row.detail
    assert not all_passed(results)
