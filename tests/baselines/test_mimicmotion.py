"""MimicMotion: the external adapter's inputs, driver and collector; the native port through the runner."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from baselines.mimicmotion import MimicMotion, MimicMotionSettings
from interhf_bench.adapters.api import Case
from interhf_bench.adapters.external import ExternalMethodError, write_png_frames
from interhf_bench.cli import main
from interhf_bench.data.dataset import Dataset
from interhf_bench.protocol import get_protocol
from interhf_bench.runner.cases import build_case
from tests.baselines.driver_checks import driver_modules

DRIVER = MimicMotion.external.driver.read_text()  # the driver script, as the adapter copies it

# The keyword arguments of MimicMotionPipeline.__call__ at 62f91e1 (pipelines/pipeline_mimicmotion.py)
OFFICIAL_CALL_ARGUMENTS = {
    "image", "image_pose", "height", "width", "num_frames", "tile_size", "tile_overlap",
    "num_inference_steps", "min_guidance_scale", "max_guidance_scale", "fps", "motion_bucket_id",
    "noise_aug_strength", "image_only_indicator", "decode_chunk_size", "num_videos_per_prompt", "generator",
    "latents", "output_type", "callback_on_step_end", "callback_on_step_end_tensor_inputs", "return_dict",
    "device",
}  # fmt: skip
# What the official environment (baselines/envs/mimicmotion.txt + the checkout) provides
OFFICIAL_MODULES = {"json", "sys", "pathlib", "numpy", "torch", "omegaconf", "PIL", "mimicmotion"}


@pytest.fixture(scope="module")
def mini_case(mini_dataset: Path) -> Case:
    dataset = Dataset(mini_dataset)
    row = next(iter(dataset))
    return build_case(dataset, row, get_protocol("interhf-mini-v1"), 0, with_ground_truth=False)


def test_inputs_are_the_files_the_driver_reads(mini_case: Case, tmp_path: Path) -> None:
    adapter = MimicMotion(MimicMotionSettings(checkout=str(tmp_path)))
    job = adapter.prepare_inputs(mini_case, tmp_path)
    reference = cv2.imread(job["reference"])[..., ::-1]
    np.testing.assert_array_equal(reference, mini_case.reference)
    poses = sorted(Path(job["poses"]).glob("*.png"))
    assert len(poses) == mini_case.num_frames + 1  # the reference pose leads, as in inference.py
    first = cv2.imread(str(poses[0]))
    assert first.shape == (mini_case.height, mini_case.width, 3) and first.any()
    read_keys = {
        node.slice.value
        for node in ast.walk(ast.parse(DRIVER))
        if isinstance(node, ast.Subscript) and getattr(node.value, "id", "") == "job"
        if isinstance(node.slice, ast.Constant)
    }
    assert read_keys <= set(job) | {"seed", "device", "output_dir"}  # the runner adds these three


def test_the_driver_is_valid_python_that_imports_only_the_official_environment() -> None:
    tree = ast.parse(DRIVER)
    assert driver_modules(DRIVER) <= OFFICIAL_MODULES, driver_modules(DRIVER) - OFFICIAL_MODULES
    call = next(
        n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "pipeline"
    )
    assert {keyword.arg for keyword in call.keywords} <= OFFICIAL_CALL_ARGUMENTS


def driver_function(name: str) -> object:
    """One function of the driver, executed on its own with the modules it uses."""
    import torch
    from PIL import Image

    node = next(n for n in ast.parse(DRIVER).body if isinstance(n, ast.FunctionDef) and n.name == name)
    namespace = {"np": np, "torch": torch, "Image": Image, "Path": Path}
    exec(compile(ast.Module([node], []), "driver", "exec"), namespace)
    return namespace[name]


def test_the_pose_tensor_has_the_dtype_of_the_fp16_posenet_it_feeds(mini_case: Case, tmp_path: Path) -> None:
    """inference.main sets float16 as the default dtype, so the PoseNet's weights are float16; a float32
    pose tensor fails with 'Input type (float) and bias type (c10::Half) should be the same'."""
    import torch

    job = MimicMotion(MimicMotionSettings(checkout=str(tmp_path))).prepare_inputs(mini_case, tmp_path)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float16)
    try:
        poses = driver_function("pose_pixels")(job["poses"])
        first_layer = torch.nn.Conv2d(3, 3, kernel_size=3, padding=1)  # PoseNet's, built under fp16
        assert poses.dtype == torch.float16 and first_layer(poses[:2]).dtype == torch.float16
    finally:
        torch.set_default_dtype(previous)
    assert poses.shape == (mini_case.num_frames + 1, 3, mini_case.height, mini_case.width)
    assert poses.min() >= -1 and poses.max() <= 1


def test_setup_checks_the_svd_files_the_loader_opens_in_fp16(tmp_path: Path) -> None:
    paths = {weight.path for weight in MimicMotion.external.weights}
    svd = MimicMotionSettings().base_model
    fp16 = {
        f"{svd}/vae/diffusion_pytorch_model.fp16.safetensors",
        f"{svd}/image_encoder/model.fp16.safetensors",
    }
    assert fp16 <= paths
    assert not any("DWPose" in path for path in paths)
    assert "float16" not in MimicMotionSettings.model_fields  # the loader's fp16 VAE and CLIP need fp16


def test_the_collector_reads_the_drivers_frames_and_checks_them(mini_case: Case, tmp_path: Path) -> None:
    adapter = MimicMotion(MimicMotionSettings(checkout=str(tmp_path)))
    frames = np.random.default_rng(0).integers(
        0, 255, (mini_case.num_frames, mini_case.height, mini_case.width, 3), dtype=np.uint8
    )
    write_png_frames(frames, tmp_path / "out")
    np.testing.assert_array_equal(adapter.collect(tmp_path, mini_case), frames)
    (tmp_path / "out" / "0000.png").unlink()
    with pytest.raises(
        ExternalMethodError, match=f"{mini_case.num_frames - 1} frames, expected {mini_case.num_frames}"
    ):
        adapter.collect(tmp_path, mini_case)


def test_run_details_record_the_pin_and_the_deviations(tmp_path: Path) -> None:
    details = MimicMotion(MimicMotionSettings(checkout=str(tmp_path))).run_details()
    assert details["commit"] == "62f91e1f4ab750e1ab0d96c08f2d199b6e84e8b1"
    assert any("rescaled" in deviation for deviation in details["deviations"])


def test_native_mimicmotion_runs_through_the_runner(mini_dataset: Path, tmp_path: Path) -> None:
    arguments = ["preset=tiny", "random_weights=true", "num_inference_steps=2"]
    assert main(["run", "--method", "mimicmotion-native", "--data", str(mini_dataset), "--limit", "1",
                 "--out", str(tmp_path), "--hand-detector", "none", "--no-progress",
                 "--method-args", *arguments]) == 0  # fmt: skip
    run_dir = tmp_path / "mimicmotion-native" / "interhf-mini-v1"
    meta = json.loads((run_dir / "run_meta.json").read_text())
    assert meta["method"]["details"]["network"] == "InterAnimateModel(use_ris=False, use_id=False)"
    assert json.loads((run_dir / "metrics.json").read_text())["n_evaluated"] == 1


def test_native_mimicmotion_refuses_to_run_without_weights(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert (
        main(
            ["run", "--method", "mimicmotion-native", "--limit", "1", "--out", str(tmp_path), "--no-progress"]
        )
        == 1
    )
    assert "checkpoint=PATH/MimicMotion_1-1.pth" in capsys.readouterr().err
