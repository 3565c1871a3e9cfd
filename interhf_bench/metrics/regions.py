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

import cv2
import numpy as np

from interhf_bench.metrics.pixel import (
    SSIM_WINDOW,
    match_size,
    psnr_from_squared_error,
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
    Each frame is cut to the bounding box of its region before summing, and the sums of squared and
    absolute differences are OpenCV's exact integer-accumulated masked norms.
    """
    frames, height, width = ground_truth.shape[:3]
    generated = match_size(generated, height, width)
    if maps is None:
        maps = ssim_maps(to_grey(generated), to_grey(ground_truth))
    pad = (SSIM_WINDOW - 1) // 2
    results: dict[str, np.ndarray] = {}
    for region, mask in masks.items():
        if mask.shape != (frames, height, width) or mask.dtype != np.bool_:
            raise ValueError(
                f"{region} mask must be bool {(frames, height, width)}, got {mask.dtype} {mask.shape}"
            )
        scored = mask.view(np.uint8)
        ssim_scored = scored.copy()  # without the border scikit-image crops from the SSIM map
        ssim_scored[:, :pad] = ssim_scored[:, -pad:] = 0
        ssim_scored[:, :, :pad] = ssim_scored[:, :, -pad:] = 0
        sums = np.full((frames, 5), np.nan)  # pixels, squared, absolute, ssim pixels, ssim mean
        for t in range(frames):
            x, y, w, h = cv2.boundingRect(scored[t])
            if w == 0:
                continue
            box = (slice(y, y + h), slice(x, x + w))
            region_mask, inner = scored[t][box], ssim_scored[t][box]
            gen, gt = generated[t][box], ground_truth[t][box]
            sums[t, 0] = cv2.countNonZero(region_mask)
            sums[t, 1] = cv2.norm(gen, gt, cv2.NORM_L2SQR, mask=region_mask)
            sums[t, 2] = cv2.norm(gen, gt, cv2.NORM_L1, mask=region_mask)
            sums[t, 3] = cv2.countNonZero(inner)
            if sums[t, 3]:
                sums[t, 4] = cv2.mean(maps[t][box], mask=inner)[0]
        values = 3 * sums[:, 0]
        results[f"{region}_ssim"] = np.where(sums[:, 3] > 0, sums[:, 4], np.nan)
        results[f"{region}_psnr"] = np.where(values > 0, psnr_from_squared_error(sums[:, 1], values), np.nan)
        results[f"{region}_l1"] = sums[:, 2] / values / (height * width)
    return results


def region_masks(hand: np.ndarray, face: np.ndarray) -> dict[str, np.ndarray]:
    """The three scored regions from hand and face masks."""
    return {"hand": hand, "face": face, "interaction": hand | face}
