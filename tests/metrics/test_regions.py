"""Region metrics: full-frame masks reproduce the whole-frame numbers; closed forms inside a box."""

from __future__ import annotations

import numpy as np
import pytest
from skimage.metrics import structural_similarity

from interhf_bench.metrics.pixel import disco_frame_metrics
from interhf_bench.metrics.regions import region_frame_metrics, region_masks


@pytest.fixture
def pair() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    ground_truth = rng.integers(0, 256, (3, 40, 24, 3), dtype=np.uint8)
    generated = np.clip(ground_truth.astype(int) + rng.integers(-25, 26, ground_truth.shape), 0, 255)
    return generated.astype(np.uint8), ground_truth


def test_full_masks_equal_the_whole_frame_metrics(pair: tuple[np.ndarray, np.ndarray]) -> None:
    generated, ground_truth = pair
    full = np.ones((3, 40, 24), bool)
    ours = region_frame_metrics(generated, ground_truth, {"hand": full})
    whole = disco_frame_metrics(generated, ground_truth)
    for name in ("ssim", "psnr", "l1"):
        np.testing.assert_allclose(ours[f"hand_{name}"], whole[name], rtol=1e-12)


def test_region_ssim_is_the_mean_of_the_reference_ssim_map_inside_the_box(pair) -> None:
    generated, ground_truth = pair
    import cv2

    mask = np.zeros((3, 40, 24), bool)
    mask[:, 10:30, 5:20] = True
    ours = region_frame_metrics(generated, ground_truth, {"face": mask})
    for t in range(3):
        grey = [cv2.cvtColor(f[t], cv2.COLOR_RGB2GRAY) for f in (generated, ground_truth)]
        _, ssim_map = structural_similarity(*grey, full=True)
        assert ours["face_ssim"][t] == pytest.approx(ssim_map[10:30, 5:20].mean(), rel=1e-12)
        diff = generated[t, 10:30, 5:20].astype(float) - ground_truth[t, 10:30, 5:20]
        assert ours["face_psnr"][t] == pytest.approx(
            20 * np.log10(255 / np.sqrt(np.mean(diff**2))), rel=1e-12
        )
        assert ours["face_l1"][t] == pytest.approx(np.abs(diff).mean() / (40 * 24), rel=1e-12)


def test_empty_region_is_nan_and_union(pair: tuple[np.ndarray, np.ndarray]) -> None:
    generated, ground_truth = pair
    hand = np.zeros((3, 40, 24), bool)
    face = np.zeros((3, 40, 24), bool)
    face[1, 5:15, 5:15] = True
    ours = region_frame_metrics(generated, ground_truth, region_masks(hand, face))
    assert np.isnan(ours["hand_psnr"]).all()
    assert np.isnan(ours["face_ssim"][[0, 2]]).all() and np.isfinite(ours["face_ssim"][1])
    np.testing.assert_array_equal(ours["interaction_l1"], ours["face_l1"])
