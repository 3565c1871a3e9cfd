"""Moore-AnimateAnyone: its pose style, the driver's official calls, the collector."""

from __future__ import annotations

import ast
from pathlib import Path

import cv2
import numpy as np
import pytest

from baselines.animateanyone import MOORE_STYLE, AnimateAnyone, AnimateAnyoneSettings
from interhf_bench.adapters.api import Case
from interhf_bench.adapters.external import ExternalMethodError, write_png_frames
from interhf_bench.data.dataset import Dataset
from interhf_bench.pose.render import draw_pose
from interhf_bench.protocol import get_protocol
from interhf_bench.runner.cases import build_case
from tests.baselines.driver_checks import driver_modules

DRIVER = AnimateAnyone.external.driver.read_text()  # the driver script, as the adapter copies it

# Pose2VideoPipeline.__call__ at a914ef3: the positional parameters pose2vid.py passes, in order
OFFICIAL_POSITIONAL = ("ref_image", "pose_images", "width", "height", "video_length", "num_inference_steps",
                       "guidance_scale")  # fmt: skip
OFFICIAL_MODULES = {
    "json",
    "sys",
    "pathlib",
    "numpy",
    "torch",
    "diffusers",
    "omegaconf",
    "PIL",
    "transformers",
    "src",
}


@pytest.fixture(scope="module")
def mini_case(mini_dataset: Path) -> Case:
    dataset = Dataset(mini_dataset)
    return build_case(
        dataset, next(iter(dataset)), get_protocol("interhf-mini-v1"), 0, with_ground_truth=False
    )


def test_moores_style_draws_full_colours_where_mimicmotion_dims_by_confidence(mini_case: Case) -> None:
    pose = mini_case.poses[0].copy()
    pose[:, 2] = np.where(pose[:, 2] > 0, 0.5, 0)
    size = (mini_case.height, mini_case.width)
    moore = draw_pose(pose, *size, source_size=size, style=MOORE_STYLE)
    mimic = draw_pose(pose, *size, source_size=size)
    assert moore.max() >= 200 and mimic.max() <= 140  # half-confident points: full colour vs dimmed


def test_inputs_and_the_drivers_official_calls(mini_case: Case, tmp_path: Path) -> None:
    job = AnimateAnyone(AnimateAnyoneSettings(checkout=str(tmp_path))).prepare_inputs(mini_case, tmp_path)
    poses = sorted(Path(job["poses"]).glob("*.png"))
    assert len(poses) == mini_case.num_frames  # Moore uses the first L pose frames, no reference pose
    assert cv2.imread(str(poses[0])).shape == (mini_case.height, mini_case.width, 3)
    assert (job["width"], job["height"], job["steps"], job["cfg"]) == (480, 800, 30, 3.5)
    tree = ast.parse(DRIVER)
    assert driver_modules(DRIVER) <= OFFICIAL_MODULES
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "pipe")
    assert len(call.args) == len(OFFICIAL_POSITIONAL) and [k.arg for k in call.keywords] == ["generator"]


def test_the_collector_maps_frames_back_to_the_protocol(mini_case: Case, tmp_path: Path) -> None:
    adapter = AnimateAnyone(AnimateAnyoneSettings(checkout=str(tmp_path)))
    write_png_frames(np.full((mini_case.num_frames, 800, 480, 3), 77, np.uint8), tmp_path / "out")
    frames = adapter.collect(tmp_path, mini_case)
    assert (
        frames.shape == (mini_case.num_frames, mini_case.height, mini_case.width, 3) and (frames == 77).all()
    )
    (tmp_path / "out" / "0000.png").unlink()
    with pytest.raises(ExternalMethodError, match="frames, expected"):
        adapter.collect(tmp_path, mini_case)
