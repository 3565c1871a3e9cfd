"""``pose-warp``: the reference frame warped by the keypoint motion, an honest non-learned baseline.

For each target frame, the keypoints confident in both the reference pose and that frame's pose say
where each point of the reference went. A thin-plate spline (SciPy's ``RBFInterpolator``, smoothed so
near-duplicate points cannot make it singular) interpolates the backward displacement, target position
-> reference position, from those points plus anchors along the frame border that do not move (the
camera is static, so the background should stay put). The spline is evaluated on a coarse grid, resized
to full resolution, and the reference is resampled there with ``cv2.remap``. With fewer than
``min_points`` shared confident points the frame falls back to the mean translation of the points it has,
or to the reference itself when it has none.

It moves pixels and never invents them: occluded regions stretch, hands that were out of view stay out
of view. That is what makes it a useful floor: a learned method should beat it on every metric.
"""

from __future__ import annotations

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from scipy.interpolate import RBFInterpolator

from interhf_bench.adapters.api import Adapter, AdapterMeta, Case


class PoseWarpSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score_threshold: float = Field(0.3, ge=0, le=1, description="keypoint confidence to use a point")
    smoothing: float = Field(1.0, ge=0, description="thin-plate spline smoothing (pixels², per point)")
    grid_step: int = Field(8, ge=1, description="the spline is evaluated every grid_step pixels")
    border_anchors: int = Field(4, ge=0, description="fixed anchors per frame edge (0: none)")
    min_points: int = Field(3, ge=3, description="fewer shared points: mean translation instead")


class PoseWarp(Adapter):
    meta = AdapterMeta(
        name="pose-warp",
        display_name="Pose warp",
        description="the reference warped by a thin-plate spline through the keypoint motion",
        kind="reference",
        license="Apache-2.0",
    )
    Settings = PoseWarpSettings

    def generate(self, case: Case) -> np.ndarray:
        settings: PoseWarpSettings = self.settings  # type: ignore[assignment]
        frames = np.empty((case.num_frames, case.height, case.width, 3), dtype=np.uint8)
        for t, pose in enumerate(case.poses):
            map_x, map_y = backward_map(case.reference_pose, pose, case.height, case.width, settings)
            frames[t] = cv2.remap(
                case.reference, map_x, map_y, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
            )
        return frames


def shared_points(
    reference_pose: np.ndarray, pose: np.ndarray, threshold: float, height: int, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """``(target xy, reference xy)`` of the points confident in both poses and inside the frame."""
    confident = (reference_pose[:, 2] > threshold) & (pose[:, 2] > threshold)
    for points in (reference_pose, pose):
        confident &= (points[:, 0] >= 0) & (points[:, 0] <= width - 1)
        confident &= (points[:, 1] >= 0) & (points[:, 1] <= height - 1)
    target, source = pose[confident, :2].astype(np.float64), reference_pose[confident, :2].astype(np.float64)
    _, first = np.unique(np.round(target, 1), axis=0, return_index=True)  # one source per target position
    keep = np.sort(first)
    return target[keep], source[keep]


def border_points(height: int, width: int, per_edge: int) -> np.ndarray:
    """``per_edge`` evenly spaced points on each edge of the frame (corners included once)."""
    if per_edge == 0:
        return np.zeros((0, 2))
    xs = np.linspace(0, width - 1, per_edge + 1)
    ys = np.linspace(0, height - 1, per_edge + 1)
    edges = [
        np.stack([xs, np.zeros_like(xs)], 1),
        np.stack([xs, np.full_like(xs, height - 1)], 1),
        np.stack([np.zeros_like(ys), ys], 1)[1:-1],
        np.stack([np.full_like(ys, width - 1), ys], 1)[1:-1],
    ]
    return np.concatenate(edges)


def backward_map(
    reference_pose: np.ndarray, pose: np.ndarray, height: int, width: int, settings: PoseWarpSettings
) -> tuple[np.ndarray, np.ndarray]:
    """float32 ``(map_x, map_y)``: for each output pixel, where to read the reference."""
    target, source = shared_points(reference_pose, pose, settings.score_threshold, height, width)
    grid_y, grid_x = np.mgrid[0:height, 0:width].astype(np.float32)
    if len(target) < settings.min_points:
        shift = (source - target).mean(axis=0) if len(target) else np.zeros(2)
        return grid_x + np.float32(shift[0]), grid_y + np.float32(shift[1])
    anchors = border_points(height, width, settings.border_anchors)
    anchors = anchors[np.min(np.linalg.norm(anchors[:, None] - target[None], axis=2), axis=1) > 1.0]
    known = np.concatenate([target, anchors])
    displacement = np.concatenate([source - target, np.zeros_like(anchors)])
    spline = RBFInterpolator(known, displacement, kernel="thin_plate_spline", smoothing=settings.smoothing)
    cy, cx = np.meshgrid(
        _resize_samples(height, settings.grid_step), _resize_samples(width, settings.grid_step), indexing="ij"
    )
    coarse = spline(np.stack([cx.ravel(), cy.ravel()], 1)).reshape(*cx.shape, 2).astype(np.float32)
    dense = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_LINEAR)
    return grid_x + dense[..., 0], grid_y + dense[..., 1]


def _resize_samples(size: int, step: int) -> np.ndarray:
    """Pixel positions that ``cv2.resize`` (INTER_LINEAR) reads a ``ceil(size/step)`` grid at."""
    count = -(-size // step)
    return (np.arange(count) + 0.5) * size / count - 0.5
