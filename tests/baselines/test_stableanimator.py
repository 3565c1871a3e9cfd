"""StableAnimator: inputs as inference_basic.py reads them, its arguments, its output layout."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from baselines.stableanimator import STABLEANIMATOR_STYLE, StableAnimator, StableAnimatorSettings
from interhf_bench.adapters.api import Case
from interhf_bench.adapters.external import ExternalMethodError, write_png_frames
from interhf_bench.data.dataset import Dataset
from interhf_bench.pose.render import PoseRenderStyle, draw_pose, render_pose_video
from interhf_bench.protocol import get_protocol
from interhf_bench.runner.cases import build_case
from tests.baselines.driver_checks import driver_modules

DRIVER = StableAnimator.external.driver.read_text()  # the driver script, as the adapter copies it

# inference_basic.py's argparse options at 020e7f2
OFFICIAL_OPTIONS = {
    "--pretrained_model_name_or_path", "--validation_image", "--validation_control_folder", "--output_dir",
    "--height", "--width", "--guidance_scale", "--num_inference_steps", "--posenet_model_name_or_path",
    "--face_encoder_model_name_or_path", "--unet_model_name_or_path", "--tile_size", "--overlap",
    "--noise_aug_strength", "--frames_overlap", "--gradient_checkpointing", "--revision",
    "--decode_chunk_size",
}  # fmt: skip


def official_order(folder: str) -> list[str]:
    """inference_basic.load_images_from_folder's file order, written out from the official code."""
    names = [name for name in os.listdir(folder) if name.endswith(".png")]
    return sorted(names, key=lambda name: int(name.split("_")[1].split(".")[0]))


@pytest.fixture(scope="module")
def mini_case(mini_dataset: Path) -> Case:
    dataset = Dataset(mini_dataset)
    return build_case(
        dataset, next(iter(dataset)), get_protocol("interhf-mini-v1"), 0, with_ground_truth=False
    )


def test_pose_frames_are_named_and_ordered_as_the_official_loader_reads_them(
    mini_case: Case, tmp_path: Path
) -> None:
    job = StableAnimator(StableAnimatorSettings(checkout=str(tmp_path))).prepare_inputs(mini_case, tmp_path)
    order = official_order(job["poses"])
    assert order == [f"frame_{i}.png" for i in range(mini_case.num_frames)]  # frame_10 after frame_9
    size = (mini_case.height, mini_case.width)
    poses = render_pose_video(mini_case.poses, *size, source_size=size, style=STABLEANIMATOR_STYLE)
    for index in (0, 9, 10, mini_case.num_frames - 1):
        image = cv2.imread(str(Path(job["poses"]) / order[index]))[..., ::-1]
        np.testing.assert_array_equal(image, poses[index])
    assert cv2.imread(job["reference"]).shape == (mini_case.height, mini_case.width, 3)
    assert (job["width"], job["height"]) == (576, 960) and job["width"] / job["height"] == pytest.approx(0.6)


def test_pose_pngs_have_red_and_blue_as_the_official_extraction_writes_them(
    mini_case: Case, tmp_path: Path
) -> None:
    """skeleton_extraction.py writes draw_pose's RGB array with cv2.imwrite (as BGR): its PNGs are
    MimicMotion's in-memory image (drawn with its integer coordinates) with red and blue exchanged."""
    job = StableAnimator(StableAnimatorSettings(checkout=str(tmp_path))).prepare_inputs(mini_case, tmp_path)
    written = cv2.imread(str(Path(job["poses"]) / "frame_0.png"))[..., ::-1]
    size = (mini_case.height, mini_case.width)
    mimicmotion = draw_pose(
        mini_case.poses[0], *size, source_size=size, style=PoseRenderStyle(subpixel=False)
    )
    np.testing.assert_array_equal(written, mimicmotion[..., ::-1])
    assert (written != mimicmotion).any()  # the two conventions differ on this pose


def test_setup_checks_the_full_svd_weights_and_the_published_hashes_at_the_hubs_paths(tmp_path: Path) -> None:
    weights = {weight.path: weight for weight in StableAnimator.external.weights}
    svd = "checkpoints/stable-video-diffusion-img2vid-xt"
    assert StableAnimatorSettings().base_model == svd  # where `git clone` of the hub repo puts it
    assert f"{svd}/unet/diffusion_pytorch_model.safetensors" in weights  # from_pretrained opens it
    assert all(
        "stable-video-diffusion-img2vid-xt/" in w.source for p, w in weights.items() if p.startswith(svd)
    )
    for name in ("unet", "pose_net", "face_encoder"):
        weight = weights[f"checkpoints/Animation/{name}.pth"]
        assert weight.size and weight.sha256 and len(weight.sha256) == 64
        assert "FrancisRing/StableAnimator: Animation/" in weight.source


def test_the_driver_passes_only_official_options_and_imports_only_the_standard_library() -> None:
    tree = ast.parse(DRIVER)
    assert driver_modules(DRIVER) <= {"json", "runpy", "sys", "pathlib"}
    options = {
        node.value.split("=")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("--")
    }
    assert options <= OFFICIAL_OPTIONS and "--validation_control_folder" in options


def test_the_collector_reads_animated_images_in_numeric_order_and_resizes(
    mini_case: Case, tmp_path: Path
) -> None:
    adapter = StableAnimator(StableAnimatorSettings(checkout=str(tmp_path)))
    shape = (mini_case.num_frames, 960, 576, 3)
    frames = np.zeros(shape, np.uint8)
    frames[:, :, :, 0] = np.arange(mini_case.num_frames)[:, None, None] * 10  # frame i is red level 10 i
    write_png_frames(frames, tmp_path / "out" / "animated_images", "frame_{}.png")
    collected = adapter.collect(tmp_path, mini_case)
    assert collected.shape == (mini_case.num_frames, mini_case.height, mini_case.width, 3)
    np.testing.assert_array_equal(collected[:, 0, 0, 0], np.arange(mini_case.num_frames) * 10)
    (tmp_path / "out" / "animated_images" / "frame_3.png").unlink()
    with pytest.raises(ExternalMethodError, match="frames, expected"):
        adapter.collect(tmp_path, mini_case)


def test_the_fixed_seed_is_declared_as_a_deviation(tmp_path: Path) -> None:
    details = StableAnimator(StableAnimatorSettings(checkout=str(tmp_path))).run_details()
    assert any("23123134" in deviation for deviation in details["deviations"])
