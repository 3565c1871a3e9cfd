"""DisPose: the dataset's keypoints in DWPose's network output format, the driver's stand-in, the layout."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest

from baselines.dispose import DisPose, DisPoseSettings, wholebody_output
from interhf_bench.adapters.api import Case
from interhf_bench.adapters.external import ExternalMethodError, write_png_frames
from interhf_bench.io.video import probe_video, read_video
from interhf_bench.pose.render import openpose18
from tests.baselines.driver_checks import driver_modules

DRIVER = DisPose.external.driver.read_text()  # the driver script, as the adapter copies it

OFFICIAL_MODULES = {
    "json",
    "math",
    "sys",
    "pathlib",
    "numpy",
    "torch",
    "omegaconf",
    "PIL",
    "inference_ctrl",
    "mimicmotion",
}


def official_wholebody(keypoints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """DWPose's Wholebody.__call__ after inference (mimicmotion/dwpose/wholebody.py), written out."""
    info = keypoints[None].astype(np.float64)
    neck = np.mean(info[:, [5, 6]], axis=1)
    neck[:, 2:4] = np.logical_and(info[:, 5, 2:4] > 0.3, info[:, 6, 2:4] > 0.3).astype(int)
    new = np.insert(info, 17, neck, axis=1)
    mmpose_idx = [17, 6, 8, 10, 7, 9, 12, 14, 16, 13, 15, 2, 1, 4, 3]
    openpose_idx = [1, 2, 3, 4, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17]
    new[:, openpose_idx] = new[:, mmpose_idx]
    return new[0, :, :2], new[0, :, 2]


def random_keypoints(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    keypoints = np.zeros((133, 3), np.float32)
    keypoints[:, 0], keypoints[:, 1] = rng.uniform(0, 384, 133), rng.uniform(0, 640, 133)
    keypoints[:, 2] = rng.choice([0.0, 0.2, 0.5, 0.9], 133)
    return keypoints


@pytest.mark.parametrize("seed", range(5))
def test_keypoints_match_dwposes_network_output_format(seed: int) -> None:
    keypoints = random_keypoints(seed)
    points, scores = wholebody_output(keypoints)
    expected_points, expected_scores = official_wholebody(keypoints)
    assert points.shape == (134, 2) and scores.shape == (134,)
    np.testing.assert_allclose(points, expected_points, rtol=1e-6)
    np.testing.assert_allclose(scores, expected_scores)
    body = openpose18(keypoints[:17].astype(np.float64))  # the suite's own OpenPose-18 conversion agrees
    visible = body[:, 2] > 0.3
    np.testing.assert_allclose(points[:18][visible], body[visible, :2], rtol=1e-5)


def case(height: int = 640, width: int = 384, frames: int = 5) -> Case:
    rng = np.random.default_rng(2)
    poses = np.stack([random_keypoints(i) for i in range(frames)])
    return Case(
        video_id="v", interaction="LH-NP", reference=rng.integers(1, 255, (height, width, 3), dtype=np.uint8),
        reference_pose=random_keypoints(9), poses=poses, num_frames=frames, fps=15, height=height,
        width=width, seed=4,
    )  # fmt: skip


def stand_in(job: dict, arrays: dict) -> object:
    """The driver's DatasetKeypoints class, executed on its own."""
    tree = ast.parse(DRIVER)
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "DatasetKeypoints")
    namespace = {"math": math, "np": np, "arrays": arrays, "height": job["height"], "width": job["width"]}
    exec(compile(ast.Module([node], []), "driver", "exec"), namespace)
    return namespace["DatasetKeypoints"]()


def test_inputs_the_driver_reads(tmp_path: Path) -> None:
    job = DisPose(DisPoseSettings(checkout=str(tmp_path))).prepare_inputs(case(), tmp_path)
    info = probe_video(job["driving"])
    assert (info.num_frames, info.height, info.width) == (5, 640, 384)
    assert int(info.fps / 24) == 0  # so get_video_pose keeps every frame (stride 1)
    assert not read_video(job["driving"]).any()
    arrays = dict(np.load(job["keypoints"]))
    assert arrays["driving_points"].shape == (5, 1, 134, 2) and arrays["reference_points"].shape == (
        1,
        134,
        2,
    )
    assert job["resolution"] == 384 and job["tile_overlap"] == 6


def test_the_stand_in_serves_reference_then_driving_keypoints(tmp_path: Path) -> None:
    job = DisPose(DisPoseSettings(checkout=str(tmp_path))).prepare_inputs(case(), tmp_path)
    arrays = dict(np.load(job["keypoints"]))
    network = stand_in(job, arrays)
    reference = np.full((640, 384, 3), 50, np.uint8)  # at resolution 384 the official crop is the identity
    points, _ = network(reference)
    np.testing.assert_allclose(points, arrays["reference_points"], rtol=1e-6)
    for index in range(2):
        points, _ = network(np.zeros((640, 384, 3), np.uint8))
        np.testing.assert_array_equal(points, arrays["driving_points"][index])


def test_the_stand_in_follows_the_official_resize_and_crop_of_the_reference(tmp_path: Path) -> None:
    small = case(height=160, width=96)
    job = DisPose(DisPoseSettings(checkout=str(tmp_path), resolution=96)).prepare_inputs(small, tmp_path)
    arrays = dict(np.load(job["keypoints"]))
    # inference_ctrl.preprocess at resolution 96 for a 96x160 portrait: target 96 x int(96/(9/16)//64)*64
    w_target, h_target = 96, int(96 / (9 / 16) // 64) * 64
    h_resize = math.ceil(w_target * 160 / 96)  # 160/96 >= 128/96: the width is fitted, the height cropped
    top = round((h_resize - h_target) / 2.0)
    points, _ = stand_in(job, arrays)(np.full((h_target, w_target, 3), 9, np.uint8))
    expected = arrays["reference_points"].copy()
    expected[..., 1] = expected[..., 1] * h_resize / 160 - top
    np.testing.assert_allclose(points, expected, rtol=1e-6)


def test_the_driver_calls_the_official_functions_in_their_argument_order() -> None:
    tree = ast.parse(DRIVER)
    assert driver_modules(DRIVER) <= OFFICIAL_MODULES
    call = next(
        n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "run_pipeline"
    )
    names = [getattr(a, "id", None) or getattr(getattr(a, "value", None), "id", None) for a in call.args]
    assert names == ["pipeline", "image_pixels", "pose_pixels", "conditions", "device", "task"]


def test_the_collector(tmp_path: Path) -> None:
    write_png_frames(np.full((5, 640, 384, 3), 30, np.uint8), tmp_path / "out")
    assert (DisPose(DisPoseSettings(checkout=str(tmp_path))).collect(tmp_path, case()) == 30).all()
    (tmp_path / "out" / "0004.png").unlink()
    with pytest.raises(ExternalMethodError, match="4 frames, expected 5"):
        DisPose(DisPoseSettings(checkout=str(tmp_path))).collect(tmp_path, case())
