"""DisCo's frame metrics SSIM, PSNR and L1, reproduced exactly and computed for whole videos at once.

The recipe (Wangt-CN/DisCo @ c4fa48a, ``tool/metrics/ssim_l1_lpips_psnr.py``; details in
docs/metrics.md), per generated/ground-truth frame pair:

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
values is DisCo's number. SSIM is computed from exact integer window sums (see :func:`ssim_map`).
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


class _SsimWorkspace:
    """Reusable float64 buffers for one frame size: fresh multi-megabyte temporaries per frame cost more
    in page faults than the arithmetic itself."""

    def __init__(self, height: int, width: int) -> None:
        self.sums = np.empty((5, height, width), dtype=np.float64)
        self.product = np.empty((height, width), dtype=np.float64)
        self.grey16 = np.empty((3, height, width), dtype=np.uint16)


def _window_sum(image: np.ndarray, out: np.ndarray) -> None:
    """Exact 7x7 sums with mirrored borders (``scipy.ndimage.uniform_filter``'s 'reflect' mode)."""
    cv2.boxFilter(
        image,
        cv2.CV_64F,
        (SSIM_WINDOW, SSIM_WINDOW),
        dst=out,
        normalize=False,
        borderType=cv2.BORDER_REFLECT,
    )


def _ssim_map_into(x: np.ndarray, y: np.ndarray, out: np.ndarray, work: _SsimWorkspace) -> None:
    """SSIM map of uint8 grey frames ``x``, ``y`` written into ``out`` (see :func:`ssim_map`)."""
    n = SSIM_WINDOW**2
    c1 = (SSIM_K1 * DATA_RANGE) ** 2 * n * n
    c2 = (SSIM_K2 * DATA_RANGE) ** 2 * n * (n - 1)
    x16, y16, square = work.grey16
    sx, sy, sxx, syy, sxy = work.sums
    np.copyto(x16, x)
    np.copyto(y16, y)
    _window_sum(x, sx)
    _window_sum(y, sy)
    _window_sum(np.multiply(x16, x16, out=square), sxx)
    _window_sum(np.multiply(y16, y16, out=square), syy)
    _window_sum(np.multiply(x16, y16, out=square), sxy)
    sx_sy = np.multiply(sx, sy, out=work.product)
    # second factor of the numerator: 2 (n Sxy - Sx Sy) + C2 n (n - 1)
    sxy *= n
    sxy -= sx_sy
    sxy *= 2
    sxy += c2
    # first factor of the numerator: 2 Sx Sy + C1 n²
    sx_sy *= 2
    sx_sy += c1
    numerator = np.multiply(sx_sy, sxy, out=sx_sy)
    squares = np.multiply(sx, sx, out=sx)
    squares += np.multiply(sy, sy, out=sy)
    # second factor of the denominator: n (Sxx + Syy) - Sx² - Sy² + C2 n (n - 1)
    sxx += syy
    sxx *= n
    sxx -= squares
    sxx += c2
    squares += c1
    squares *= sxx
    np.divide(numerator, squares, out=out)


def ssim_map(generated_grey: np.ndarray, ground_truth_grey: np.ndarray) -> np.ndarray:
    """``(H, W)`` float64 SSIM map of two uint8 grey frames with scikit-image's default settings.

    scikit-image takes float64 7x7 means of x, y, x², y², xy and combines them. Here the five window
    sums are exact (integers summed by OpenCV's box filter), and SSIM is the same formula written on
    sums: with n = 49, S the window sums and the sample covariance,

        SSIM = (2 SxSy + C1 n²)(2 (n Sxy - SxSy) + C2 n(n-1))
               / ((Sx² + Sy² + C1 n²)(n (Sxx + Syy) - Sx² - Sy² + C2 n(n-1))).

    Every product of sums is an integer below 2**53, so float64 holds it exactly and the only rounding
    is in the constant additions and the last multiply and divide: the map agrees with scikit-image's
    to about 1e-14 (scikit-image's own float64 rounding), at a fraction of the cost.
    """
    out = np.empty(ground_truth_grey.shape, dtype=np.float64)
    _ssim_map_into(generated_grey, ground_truth_grey, out, _SsimWorkspace(*out.shape))
    return out


def ssim_maps(generated_grey: np.ndarray, ground_truth_grey: np.ndarray) -> np.ndarray:
    """``(T, H, W)`` SSIM maps of ``(T, H, W)`` uint8 grey stacks (see :func:`ssim_map`)."""
    maps = np.empty(ground_truth_grey.shape, dtype=np.float64)
    work = _SsimWorkspace(*maps.shape[1:])
    for x, y, out in zip(generated_grey, ground_truth_grey, maps, strict=True):
        _ssim_map_into(x, y, out, work)
    return maps


def ssim_from_maps(maps: np.ndarray) -> np.ndarray:
    """Per-frame SSIM: the mean of each map without the 3-pixel border scikit-image crops."""
    pad = (SSIM_WINDOW - 1) // 2
    return np.array([frame[pad:-pad, pad:-pad].mean(dtype=np.float64) for frame in maps])


def ssim_frames(generated_grey: np.ndarray, ground_truth_grey: np.ndarray) -> np.ndarray:
    """Per-frame SSIM of ``(T, H, W)`` uint8 grey stacks (scikit-image's defaults)."""
    return ssim_from_maps(ssim_maps(generated_grey, ground_truth_grey))


def psnr_from_squared_error(squared_error_sum: np.ndarray, values: np.ndarray) -> np.ndarray:
    """PSNR in dB from the sum of squared 0-255 differences over ``values`` numbers; 100 if the sum is 0."""
    mse = np.asarray(squared_error_sum, dtype=np.float64) / values
    with np.errstate(divide="ignore", invalid="ignore"):
        psnr = 20 * np.log10(DATA_RANGE / np.sqrt(mse))
    return np.where(mse == 0, PSNR_IDENTICAL, psnr)


def squared_error_sums(generated: np.ndarray, ground_truth: np.ndarray) -> np.ndarray:
    """Per-frame exact sum of squared differences over H x W x 3 (OpenCV's integer-accumulated norm)."""
    return np.array([cv2.norm(g, t, cv2.NORM_L2SQR) for g, t in zip(generated, ground_truth, strict=True)])


def absolute_error_sums(generated: np.ndarray, ground_truth: np.ndarray) -> np.ndarray:
    """Per-frame exact sum of absolute differences over H x W x 3."""
    return np.array([cv2.norm(g, t, cv2.NORM_L1) for g, t in zip(generated, ground_truth, strict=True)])


def psnr_frames(generated: np.ndarray, ground_truth: np.ndarray) -> np.ndarray:
    """Per-frame PSNR in dB (MSE over H x W x 3; 100 for identical frames).

    The squared differences are summed exactly; DisCo's float64 mean of the same integers is also
    exact, so both divide the same sum once.
    """
    return psnr_from_squared_error(squared_error_sums(generated, ground_truth), ground_truth[0].size)


def l1_frames(generated: np.ndarray, ground_truth: np.ndarray) -> np.ndarray:
    """Per-frame DisCo L1: mean absolute difference (0-255 units) divided by H x W."""
    height, width = ground_truth.shape[1:3]
    return absolute_error_sums(generated, ground_truth) / ground_truth[0].size / (height * width)


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
