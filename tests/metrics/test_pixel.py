"""DisCo frame metrics against the recipe called directly (cv2 + scikit-image) and closed forms."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage.metrics import structural_similarity

from interhf_bench.io.video import read_video
from interhf_bench.metrics.pixel import disco_frame_metrics
from tests.conftest import MEDIA

REAL_VIDEO = MEDIA / "liveportrait" / "s20.mp4"


def recipe(generated_bgr: np.ndarray, ground_truth_bgr: np.ndarray) -> tuple[float, float, float]:
    """DisCo's per-pair code path, step by step, on BGR uint8 frames as cv2.imread returns them."""
    if generated_bgr.shape != ground_truth_bgr.shape:
        height, width = ground_truth_bgr.shape[:2]
        generated_bgr = cv2.resize(generated_bgr, (width, height))
    grey_generated = cv2.cvtColor(generated_bgr, cv2.COLOR_BGR2GRAY)
    grey_ground_truth = cv2.cvtColor(ground_truth_bgr, cv2.COLOR_BGR2GRAY)
    ssim = structural_similarity(grey_generated, grey_ground_truth, full=True)[0]
    mse = np.mean((ground_truth_bgr.astype(np.float64) - generated_bgr.astype(np.float64)) ** 2)
    psnr = 100.0 if mse == 0 else 20 * np.log10(255.0 / np.sqrt(mse))
    pixels = ground_truth_bgr.shape[0] * ground_truth_bgr.shape[1]
    l1 = np.mean(np.abs(generated_bgr.astype(float) - ground_truth_bgr.astype(float)) / pixels)
    return float(ssim), float(psnr), float(l1)


@pytest.fixture(scope="module")
def real_frames() -> np.ndarray:
    if not REAL_VIDEO.is_file():
        pytest.skip(f"shared media not present: {REAL_VIDEO}")
    frames = read_video(REAL_VIDEO, range(0, 40, 5))
    return np.stack([cv2.resize(f, (192, 320), interpolation=cv2.INTER_AREA) for f in frames])


@pytest.mark.parametrize("generated_size", [(320, 192), (256, 160), (512, 512)])
def test_equals_the_recipe_on_real_frames(real_frames: np.ndarray, generated_size: tuple[int, int]) -> None:
    rng = np.random.default_rng(0)
    generated = np.stack([cv2.GaussianBlur(f, (5, 5), 1.5) for f in np.roll(real_frames, 1, axis=0)])
    noisy = np.clip(generated.astype(int) + rng.integers(-20, 21, generated.shape), 0, 255).astype(np.uint8)
    height, width = generated_size
    noisy = np.stack([cv2.resize(f, (width, height)) for f in noisy])
    ours = disco_frame_metrics(noisy, real_frames)
    for t in range(len(real_frames)):
        ssim, psnr, l1 = recipe(noisy[t][..., ::-1].copy(), real_frames[t][..., ::-1].copy())
        assert abs(ours["ssim"][t] - ssim) <= 1e-12
        assert abs(ours["psnr"][t] - psnr) <= 1e-9
        assert abs(ours["l1"][t] - l1) <= 1e-15


def test_identical_frames(real_frames: np.ndarray) -> None:
    ours = disco_frame_metrics(real_frames, real_frames)
    np.testing.assert_array_equal(ours["psnr"], 100.0)
    np.testing.assert_allclose(ours["ssim"], 1.0, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(ours["l1"], 0.0)


@pytest.mark.parametrize("offset", [1, 7, 40])
def test_psnr_and_l1_closed_forms(offset: int) -> None:
    ground_truth = np.full((3, 32, 24, 3), 100, np.uint8)
    generated = ground_truth + np.uint8(offset)
    ours = disco_frame_metrics(generated, ground_truth)
    np.testing.assert_allclose(ours["psnr"], 20 * np.log10(255 / offset), rtol=1e-14)
    np.testing.assert_allclose(ours["l1"], offset / (32 * 24), rtol=1e-14)


def test_bad_inputs() -> None:
    frames = np.zeros((2, 16, 16, 3), np.uint8)
    with pytest.raises(ValueError, match="2 generated frames for 3"):
        disco_frame_metrics(frames, np.zeros((3, 16, 16, 3), np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        disco_frame_metrics(frames.astype(np.float32), frames)
