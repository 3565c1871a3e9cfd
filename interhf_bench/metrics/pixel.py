"""DisCo's frame metrics SSIM, PSNR and L1, reproduced exactly and computed for whole videos at once.

The recipe (Wangt-CN/DisCo @ c4fa48a, ``tool/metrics/ssim_l1_lpips_psnr.py``; details in
``shared/research/disco-metrics.md`` sections 2, 3 and 5), per generated/ground-truth frame pair:

1. frames are uint8 (DisCo reads BGR with ``cv2.imread``; the channel order does not change any of the
   three values because the grey conversion weights each channel by its own coefficient);
2. if the sizes differ, the generated frame is resized to the ground-truth size with ``cv2.resize``
   (``INTER_LINEAR``); the ground truth is never resized;
3. SSIM: ``cv2.cvtColor`` to grey (uint8), then ``skimage.metrics.structural_similarity`` with all
   defaults (7x7 uniform window, sample covariance, K1 0.01, K2 0.03, data range 255, float64);
4. PSNR: MSE over all H x W x 3 values in float64, ``20 log10(255 / sqrt(MSE))``, 100 when MSE is 0
   (the fixed version of DisCo's function, not the pre-2024 uint8-overflow one);
5. L1: mean absolute difference in 0-255 units divided once more by H x W (DisCo's quirk: values of
   order 1e-4; it makes L1 depend on the resolution).

DisCo averages each metric over all frames of all videos. Here the values are returned per frame so
that per-video, per-class and bootstrap statistics can be built on them; the mean of the per-frame
values is DisCo's number. SSIM uses OpenCV's box filter for the window means (see :func:`ssim_maps`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

PSNR_IDENTICAL = 100.0
SSIM_WINDOW = 7
SSIM_K1, SSIM_K2 = 0.01, 0.03
DATA_RANGE = 255.0


@dataclass(frozen=True)
class PixelMetricSpec:
    """Every setting of the DisCo frame metrics, written into results."""

    resize: str = "generated -> ground-truth size, cv2.resize INTER_LINEAR (no antialias)"
    colour: str = "uint8; channel order irrelevant"
    grey: str = "cv2.cvtColor BGR2GRAY (uint8 fixed point)"
    ssim: str = "skimage structural_similarity defaults (win 7 box, sample cov, K1 .01, K2 .03, range 255)"
    psnr: str = "float64 MSE over HxWx3, 20*log10(255/sqrt(MSE)), 100 if MSE == 0"
    l1: str = "mean |gen - gt| (0-255) / (H*W) per frame (DisCo quirk)"
    aggregate: str = "mean over all frames of all videos"
    source: str = "Wangt-CN/DisCo@c4fa48a tool/metrics/ssim_l1_lpips_psnr.py"


def match_size(generated: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resize ``(H', W', 3)`` or ``(T, H', W', 3)`` uint8 frames to ``height x width`` as DisCo does."""
    if generated.shape[-3:-1] == (height, width):
        return generated
    if generated.ndim == 3:
        return cv2.resize(generated, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.stack([cv2.resize(f, (width, height), interpolation=cv2.INTER_LINEAR) for f in generated])


def to_grey(frames: np.ndarray) -> np.ndarray:
    """``(T, H, W, 3)`` uint8 -> ``(T, H, W)`` uint8 with OpenCV's fixed-point BGR->grey weights.

    RGB input is passed as RGB2GRAY, which applies the same weight to each colour as BGR2GRAY on the
    BGR frame DisCo reads, so the result is the same either way.
    """
    return np.stack([cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in frames])


def _check_pair(generated: np.ndarray, ground_truth: np.ndarray) -> None:
    for name, frames in (("generated", generated), ("ground truth", ground_truth)):
        if frames.dtype != np.uint8 or frames.ndim != 4 or frames.shape[-1] != 3:
            raise ValueError(f"{name} frames must be (T, H, W, 3) uint8, got {frames.dtype} {frames.shape}")
    if len(generated) != len(ground_truth):
        raise ValueError(f"{len(generated)} generated frames for {len(ground_truth)} ground-truth frames")
    if min(ground_truth.shape[1:3]) < SSIM_WINDOW:
        raise ValueError(
            f"frames must be at least {SSIM_WINDOW}x{SSIM_WINDOW} for SSIM, got {ground_truth.shape[1:3]}"
        )


def _box_mean(image: np.ndarray) -> np.ndarray:
    """7x7 mean with mirrored borders: ``scipy.ndimage.uniform_filter``'s 'reflect' mode, as scikit-image."""
    return cv2.boxFilter(
        image, cv2.CV_64F, (SSIM_WINDOW, SSIM_WINDOW), normalize=True, borderType=cv2.BORDER_REFLECT
    )


def ssim_maps(generated_grey: np.ndarray, ground_truth_grey: np.ndarray) -> np.ndarray:
    """``(T, H, W)`` SSIM maps of uint8 grey stacks with scikit-image's default settings.

    The 7x7 means come from OpenCV's float64 box filter instead of SciPy's; they differ from
    scikit-image's only in summation order (about 1e-16 on the mean SSIM), at a third of the cost.
    Frames are processed one at a time so the intermediates stay in cache.
    """
    n = SSIM_WINDOW**2
    cov_norm = n / (n - 1)  # sample covariance, scikit-image's default
    c1, c2 = (SSIM_K1 * DATA_RANGE) ** 2, (SSIM_K2 * DATA_RANGE) ** 2
    maps = np.empty(generated_grey.shape, dtype=np.float64)
    for t in range(len(generated_grey)):
        x = generated_grey[t].astype(np.float64)
        y = ground_truth_grey[t].astype(np.float64)
        ux, uy = _box_mean(x), _box_mean(y)
        vx = cov_norm * (_box_mean(x * x) - ux * ux)
        vy = cov_norm * (_box_mean(y * y) - uy * uy)
        vxy = cov_norm * (_box_mean(x * y) - ux * uy)
        maps[t] = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux**2 + uy**2 + c1) * (vx + vy + c2))
    return maps


def ssim_from_maps(maps: np.ndarray) -> np.ndarray:
    """Per-frame SSIM: the mean of each map without the 3-pixel border scikit-image crops."""
    pad = (SSIM_WINDOW - 1) // 2
    return np.array([frame[pad:-pad, pad:-pad].mean(dtype=np.float64) for frame in maps])


def ssim_frames(generated_grey: np.ndarray, ground_truth_grey: np.ndarray) -> np.ndarray:
    """Per-frame SSIM of ``(T, H, W)`` uint8 grey stacks (scikit-image's defaults)."""
    return ssim_from_maps(ssim_maps(generated_grey, ground_truth_grey))


def signed_difference(generated: np.ndarray, ground_truth: np.ndarray) -> np.ndarray:
    """``generated - ground_truth`` of uint8 frames as exact int16 (cheaper than float64 copies)."""
    return generated.astype(np.int16) - ground_truth.astype(np.int16)


def psnr_frames(generated: np.ndarray, ground_truth: np.ndarray) -> np.ndarray:
    """Per-frame PSNR in dB (MSE over H x W x 3; 100 for identical frames).

    The squared differences are summed exactly in integers; DisCo's float64 mean of the same integers is
    also exact, so both divide the same sum once.
    """
    diff = signed_difference(generated, ground_truth).reshape(len(generated), -1).astype(np.int32)
    mse = np.einsum("ij,ij->i", diff, diff, dtype=np.int64) / diff.shape[1]
    with np.errstate(divide="ignore"):
        psnr = 20 * np.log10(DATA_RANGE / np.sqrt(mse))
    return np.where(mse == 0, PSNR_IDENTICAL, psnr)


def l1_frames(generated: np.ndarray, ground_truth: np.ndarray) -> np.ndarray:
    """Per-frame DisCo L1: mean absolute difference (0-255 units) divided by H x W."""
    height, width = ground_truth.shape[1:3]
    diff = np.abs(signed_difference(generated, ground_truth)).reshape(len(generated), -1)
    return diff.sum(axis=1, dtype=np.int64) / diff.shape[1] / (height * width)


def disco_frame_metrics(generated: np.ndarray, ground_truth: np.ndarray) -> dict[str, np.ndarray]:
    """SSIM, PSNR and L1 for each frame pair of two ``(T, H, W, 3)`` uint8 videos, DisCo's recipe."""
    generated, ground_truth = np.asarray(generated), np.asarray(ground_truth)
    _check_pair(generated, ground_truth)
    generated = match_size(generated, *ground_truth.shape[1:3])
    return {
        "ssim": ssim_frames(to_grey(generated), to_grey(ground_truth)),
        "psnr": psnr_frames(generated, ground_truth),
        "l1": l1_frames(generated, ground_truth),
    }
