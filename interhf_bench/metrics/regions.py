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
    signed_difference,
    ssim_maps,
    to_grey,
)

REGIONS = ("hand", "face", "interaction")


def region_frame_metrics(
    generated: np.ndarray,
    ground_truth: np.ndarray,
    masks: dict[str, np.ndarray],
    *,
    maps: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Per-frame ``<region>_{ssim,psnr,l1}`` for ``(T, H, W, 3)`` uint8 videos and ``(T, H, W)`` masks.

    ``maps`` are the SSIM maps of the pair when the caller has them already (they are the costly part).
    """
    height, width = ground_truth.shape[1:3]
    generated = match_size(generated, height, width)
    if maps is None:
        maps = ssim_maps(to_grey(generated), to_grey(ground_truth))
    pad = (SSIM_WINDOW - 1) // 2
    inner = np.zeros((height, width), dtype=bool)
    inner[pad:-pad, pad:-pad] = True
    diff = signed_difference(generated, ground_truth)
    results: dict[str, np.ndarray] = {}
    for region, mask in masks.items():
        expected = (len(ground_truth), height, width)
        if mask.shape != expected or mask.dtype != np.bool_:
            raise ValueError(f"{region} mask must be bool {expected}, got {mask.dtype} {mask.shape}")
        window = _bounding_window(mask)  # only the part of the frame the region ever covers is summed
        mask, region_maps = mask[window], maps[window]
        region_diff = diff[window].astype(np.int32)
        region_sq = np.einsum("thwc,thwc->thw", region_diff, region_diff)
        region_ab = np.abs(region_diff).sum(axis=-1)
        region_inner = mask & inner[window[1:]]
        pixels = mask.sum(axis=(1, 2)).astype(np.float64)
        ssim_pixels = region_inner.sum(axis=(1, 2)).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            ssim = np.where(region_inner, region_maps, 0.0).sum(axis=(1, 2)) / ssim_pixels
            mse = np.where(mask, region_sq, 0).sum(axis=(1, 2), dtype=np.int64) / (3 * pixels)
            psnr = np.where(mse == 0, PSNR_IDENTICAL, 20 * np.log10(DATA_RANGE / np.sqrt(mse)))
            l1 = (
                np.where(mask, region_ab, 0).sum(axis=(1, 2), dtype=np.int64)
                / (3 * pixels)
                / (height * width)
            )
        results[f"{region}_ssim"] = np.where(ssim_pixels > 0, ssim, np.nan)
        results[f"{region}_psnr"] = np.where(pixels > 0, psnr, np.nan)
        results[f"{region}_l1"] = np.where(pixels > 0, l1, np.nan)
    return results


def _bounding_window(mask: np.ndarray) -> tuple[slice, slice, slice]:
    """Slices of ``(T, H, W)`` covering every True pixel of the mask in any frame."""
    covered = mask.any(axis=0)
    rows, cols = np.flatnonzero(covered.any(axis=1)), np.flatnonzero(covered.any(axis=0))
    if rows.size == 0:
        return slice(None), slice(0, 0), slice(0, 0)
    return slice(None), slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)


def region_masks(hand: np.ndarray, face: np.ndarray) -> dict[str, np.ndarray]:
    """The three scored regions from hand and face masks."""
    return {"hand": hand, "face": face, "interaction": hand | face}
