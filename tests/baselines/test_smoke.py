"""The smoke runner's own pieces (the full runs build environments: see docs/baselines.md)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from baselines.environments import reachable_requirements
from baselines.smoke.case import smoke_case
from baselines.smoke.methods import SMOKE
from baselines.smoke.runner import SmokeStepError, copy_tracked_files
from interhf_bench.adapters.registry import MethodRegistry


def test_the_smoke_case_is_a_figure_inside_the_frame_raising_its_hand() -> None:
    case = smoke_case(160, 96, 6)
    assert case.poses.shape == (6, 133, 3) and case.reference.shape == (160, 96, 3)
    assert (case.poses[..., 0] >= 0).all() and (case.poses[..., 0] < 96).all()
    assert (case.poses[..., 1] >= 0).all() and (case.poses[..., 1] < 160).all()
    assert case.poses[-1, 9, 1] < case.poses[0, 9, 1] - 40  # the wrist rises towards the face
    np.testing.assert_array_equal(case.reference_pose, case.poses[0])


@pytest.mark.parametrize("method", sorted(SMOKE))
def test_each_smoke_plan_fits_its_adapters_settings(method: str) -> None:
    plan = SMOKE[method]
    adapter = MethodRegistry().load(method)
    adapter.Settings(smoke=True, **plan.settings)  # unknown or invalid settings raise
    assert plan.patches and plan.height > plan.width  # the protocol's portrait aspect


def test_the_copy_refuses_a_checkout_at_another_commit_and_copies_tracked_files_only(tmp_path: Path) -> None:
    run = {"cwd": tmp_path / "src", "check": True, "capture_output": True}
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "code.py").write_text("print(1)\n")
    subprocess.run(["git", "init", "-q"], **run)
    subprocess.run(["git", "add", "code.py"], **run)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "x"], **run)
    (tmp_path / "src" / "weights.bin").write_bytes(b"real weights")  # untracked: never copied
    head = subprocess.run(["git", "rev-parse", "HEAD"], text=True, **run).stdout.strip()
    with pytest.raises(SmokeStepError, match="pins 0000"):
        copy_tracked_files(tmp_path / "src", tmp_path / "copy", "0" * 40)
    copy_tracked_files(tmp_path / "src", tmp_path / "copy", head)
    assert sorted(p.name for p in (tmp_path / "copy").iterdir()) == ["code.py"]


def test_an_unreachable_index_line_is_dropped_and_said() -> None:
    text, notes = reachable_requirements("--extra-index-url https://nowhere.invalid/whl\ntorch==2.3.1\n")
    assert text == "torch==2.3.1\n" and "nowhere.invalid" in notes[0]


def test_the_stand_ins_for_user_inputs_are_written_where_the_adapters_read_them(tmp_path: Path) -> None:
    """MagicAnimate's DensePose renderings (one per target frame, parts on black) and DisCo's person mask
    (the reference's figure), read back through the adapters' own loaders."""
    from baselines.disco import DisCo, DisCoSettings
    from baselines.magicanimate import MagicAnimate, MagicAnimateSettings
    from baselines.smoke.case import BACKGROUND
    from baselines.smoke.runner import user_inputs

    case = smoke_case(160, 96, 5)
    assert user_inputs(SMOKE["mimicmotion"], case, tmp_path) == {}
    settings = user_inputs(SMOKE["magicanimate"], case, tmp_path)
    densepose = MagicAnimate(MagicAnimateSettings(**settings)).densepose_frames(case)
    assert densepose.shape == (5, 160, 96, 3)
    assert densepose[:, :5].max() == 0 and 0.05 < densepose.any(-1).mean() < 0.5  # a figure on black
    assert not np.array_equal(densepose[0], densepose[-1])  # the raised hand moves the arm
    mask = DisCo(DisCoSettings(**user_inputs(SMOKE["disco"], case, tmp_path))).person_mask(case)
    np.testing.assert_array_equal(mask, (case.reference != BACKGROUND).any(-1))
    assert 0.05 < mask.mean() < 0.5
