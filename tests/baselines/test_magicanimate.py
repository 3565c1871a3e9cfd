"""MagicAnimate: no DensePose is ever substituted; user DensePose in, 512 squares, results un-padded."""

from __future__ import annotations

import ast
from pathlib import Path

import cv2
import numpy as np
import pytest

from baselines.hub import PUBLISHED, SD_VAE_MSE
from baselines.magicanimate import MagicAnimate, MagicAnimateSettings
from interhf_bench.adapters.api import Case
from interhf_bench.adapters.external import ExternalMethodError, write_png_frames
from interhf_bench.io.video import read_video, write_video
from tests.baselines.driver_checks import driver_modules

DRIVER = MagicAnimate.external.driver.read_text()  # the driver script, as the adapter copies it

OFFICIAL_MODULES = {"argparse", "json", "sys", "pathlib", "numpy", "omegaconf", "PIL", "magicanimate"}
# animation.main's config keys the driver changes (configs/prompts/animation.yaml at d2bc3bc)


def case(height: int = 160, width: int = 96, frames: int = 6) -> Case:
    rng = np.random.default_rng(1)
    return Case(
        video_id="v1", interaction="LH-NP",
        reference=rng.integers(0, 255, (height, width, 3), dtype=np.uint8),
        reference_pose=np.zeros((133, 3), np.float32), poses=np.zeros((frames, 133, 3), np.float32),
        num_frames=frames, fps=15, height=height, width=width, seed=3,
    )  # fmt: skip


def test_without_densepose_it_says_what_it_needs(tmp_path: Path) -> None:
    adapter = MagicAnimate(MagicAnimateSettings(checkout=str(tmp_path)))
    with pytest.raises(ExternalMethodError, match="cannot produce: pass --method-args densepose=DIR"):
        adapter.prepare_inputs(case(), tmp_path)
    assert "DensePose" in adapter.external.pose_signal


@pytest.mark.parametrize("layout", ["mp4", "png"])
def test_user_densepose_becomes_a_512_square_video(tmp_path: Path, layout: str) -> None:
    densepose = np.zeros((6, 320, 192, 3), np.uint8)  # twice the protocol size, same aspect
    densepose[:, 100:200, 50:150] = (0, 200, 90)
    if layout == "mp4":
        write_video(tmp_path / "dp" / "v1.mp4", densepose, 15)
    else:
        write_png_frames(densepose, tmp_path / "dp" / "v1", "frame_{}.png")
    adapter = MagicAnimate(MagicAnimateSettings(checkout=str(tmp_path), densepose=str(tmp_path / "dp")))
    job = adapter.prepare_inputs(case(), tmp_path / "work")
    control = read_video(job["densepose"])
    assert control.shape == (6, 512, 512, 3)
    assert not control[:, :, :100].any() and not control[:, :, -100:].any()  # black side padding
    assert cv2.imread(job["reference"]).shape == (512, 512, 3) and job["size"] == 512


def test_the_square_follows_the_size_setting_its_config_runs_at(tmp_path: Path) -> None:
    write_png_frames(np.zeros((6, 160, 96, 3), np.uint8), tmp_path / "dp" / "v1")
    settings = MagicAnimateSettings(checkout=str(tmp_path), densepose=str(tmp_path / "dp"), size=64)
    job = MagicAnimate(settings).prepare_inputs(case(), tmp_path / "work")
    assert read_video(job["densepose"]).shape == (6, 64, 64, 3) and job["size"] == 64
    assert 'config.size = job["size"]' in DRIVER


def test_densepose_with_the_wrong_frame_count_or_aspect_is_refused(tmp_path: Path) -> None:
    write_video(tmp_path / "v1.mp4", np.zeros((5, 160, 96, 3), np.uint8), 15)
    adapter = MagicAnimate(MagicAnimateSettings(checkout=str(tmp_path), densepose=str(tmp_path)))
    with pytest.raises(ExternalMethodError, match="5 DensePose frames, the case has 6"):
        adapter.prepare_inputs(case(), tmp_path / "work")
    write_video(tmp_path / "v1.mp4", np.zeros((6, 96, 96, 3), np.uint8), 15)
    with pytest.raises(ExternalMethodError, match="not the protocol's 96x160 aspect"):
        adapter.prepare_inputs(case(), tmp_path / "work")
    with pytest.raises(ExternalMethodError, match="no DensePose renderings for v2"):
        adapter.densepose_frames(Case(**{**case().__dict__, "video_id": "v2"}))


def test_results_are_unpadded_back_to_the_protocol_frame(tmp_path: Path) -> None:
    frames = np.zeros((6, 512, 512, 3), np.uint8)
    frames[:, :, 102:410] = 255  # the 96-wide content of a 160-wide square spans 102.4..409.6 of 512
    write_png_frames(frames, tmp_path / "out")
    collected = MagicAnimate(MagicAnimateSettings(checkout=str(tmp_path))).collect(tmp_path, case())
    assert collected.shape == (6, 160, 96, 3) and collected[:, :, 1:-1].min() == 255


def test_the_driver_only_replaces_the_official_writer() -> None:
    tree = ast.parse(DRIVER)
    assert driver_modules(DRIVER) <= OFFICIAL_MODULES
    targets = [t for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets]
    attributes = [(t.value.id, t.attr) for t in targets if isinstance(t, ast.Attribute)]
    assert [attr for owner, attr in attributes if owner == "animation"] == ["save_videos_grid"]
    config_keys = {attr for owner, attr in attributes if owner == "config"}
    assert config_keys <= {
        "savename",
        "seed",
        "steps",
        "guidance_scale",
        "size",
        "source_image",
        "video_path",
    }


def test_setup_accepts_the_readmes_safetensors_vae_and_checks_the_full_weights(tmp_path: Path) -> None:
    vae = tmp_path / "pretrained_models/sd-vae-ft-mse/diffusion_pytorch_model.safetensors"
    vae.parent.mkdir(parents=True)
    with vae.open("wb") as handle:  # sparse, at the hub's published size (its sha256 is not computed here)
        handle.truncate(PUBLISHED[SD_VAE_MSE, "diffusion_pytorch_model.safetensors"][0])
    adapter = MagicAnimate(MagicAnimateSettings(checkout=str(tmp_path)))
    checks = {c.item: c for c in adapter.check_setup(hash_weights=False)}
    vae_check = checks["pretrained_models/sd-vae-ft-mse/diffusion_pytorch_model.safetensors"]
    assert vae_check.ok and "size verified" in vae_check.detail
    assert not checks["pretrained_models/stable-diffusion-v1-5/unet/diffusion_pytorch_model.bin"].ok
    controlnet = "pretrained_models/MagicAnimate/densepose_controlnet/diffusion_pytorch_model.safetensors"
    assert not checks[controlnet].ok and "diffusion_pytorch_model.bin" in checks[controlnet].detail
