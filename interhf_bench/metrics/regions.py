"""Interaction-aware frame metrics: DisCo's SSIM, PSNR and L1 restricted to hand and face regions.

InterHF is about hands touching faces, and whole-frame metrics are dominated by background and body.
These variants score only the pixels inside a region mask built from the ground-truth keypoints
(``interhf_bench.pose.masks``; boxes around confident points, enlarged), with the same preprocessing
as the DisCo metrics (generated frame resized to the ground-truth size, cv2 grey for SSIM):

* ``<region>_ssim``: the mean of the SSIM map (7x7 window, as DisCo's SSIM) over region pixels, the
  3-pixel border that scikit-image crops excluded;
* ``<region>_psnr``: PSNR of the MSE over the region's pixels and channels (100 if it is 0);
* ``<region>_l1``: mean absolute difference over the region's pixels and channels divided by H x W,
  DisCo's L1 normalisation, so it is on the same scale as the whole-frame L1.

Regions: ``hand`` (both hands), ``face`` and ``interaction`` (their union). A frame whose region is empty
(no confident keypoints) gives NaN for that frame and is left out of the means; the count of frames
that were scored is reported beside each value.
"""

from __future__ import annotations

import numpy as np

from interhf_bench.metrics.pixel import (
    DATA_RANGE,
    PSNR_IDENTICAL,
    SSIM_WINDOW,
    match_size,
    ssim_maps,
    to_grey,
)

REGIONS = ("hand", "face", "interaction")


def region_frame_metrics(
    generated: np.ndarray, ground_truth: np.ndarray, masks: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Per-frame ``<region>_{ssim,psnr,l1}`` for ``(T, H, W, 3)`` uint8 videos and ``(T, H, W)`` masks."""
    height, width = ground_truth.shape[1:3]
    generated = match_size(generated, height, width)
    maps = ssim_maps(to_grey(generated), to_grey(ground_truth))
    pad = (SSIM_WINDOW - 1) // 2
    inner = np.zeros((height, width), dtype=bool)
    inner[pad:-pad, pad:-pad] = True
    sq = ((generated.astype(np.float64) - ground_truth.astype(np.float64)) ** 2).sum(axis=-1)
    ab = np.abs(generated.astype(np.float64) - ground_truth.astype(np.float64)).sum(axis=-1)
    results: dict[str, np.ndarray] = {}
    for region, mask in masks.items():
        expected = (len(ground_truth), height, width)
        if mask.shape != expected or mask.dtype != np.bool_:
            raise ValueError(f"{region} mask must be bool {expected}, got {mask.dtype} {mask.shape}")
        pixels = mask.sum(axis=(1, 2)).astype(np.float64)
        ssim_pixels = (mask & inner).sum(axis=(1, 2)).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            ssim = np.where(mask & inner, maps, 0.0).sum(axis=(1, 2)) / ssim_pixels
            mse = np.where(mask, sq, 0.0).sum(axis=(1, 2)) / (3 * pixels)
            psnr = np.where(mse == 0, PSNR_IDENTICAL, 20 * np.log10(DATA_RANGE / np.sqrt(mse)))
            l1 = np.where(mask, ab, 0.0).sum(axis=(1, 2)) / (3 * pixels) / (height * width)
        results[f"{region}_ssim"] = np.where(ssim_pixels > 0, ssim, np.nan)
        results[f"{region}_psnr"] = np.where(pixels > 0, psnr, np.nan)
        results[f"{region}_l1"] = np.where(pixels > 0, l1, np.nan)
    return results


def region_masks(hand: np.ndarray, face: np.ndarray) -> dict[str, np.ndarray]:
    """The three scored regions from hand and face masks."""
    return {"hand": hand, "face": face, "interaction": hand | face}
