"""Time and space resampling of a raw video into the protocol's frames.

* Time: output frame ``i`` shows the raw frame nearest to ``start + i / fps`` seconds (nearest-frame
  resampling never blends two frames, so hands stay sharp).
* Space: a person-centred crop with the protocol's aspect ratio. The person box is the union over the
  clip of the confident keypoints (score > 0.3: body, face and hands), enlarged by ``margin``; the crop
  has the protocol's aspect ratio, covers that box, is centred on it, and is shifted (then, if it is
  still too large, shrunk about its centre) to lie inside the frame, so no pixel is invented. It is
  resized with area interpolation when shrinking and bicubic when enlarging.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from interhf_bench.io.frames import resize_frames

KEYPOINT_THRESHOLD = 0.3
DEFAULT_MARGIN = 1.2


class PrepareError(ValueError):
    """A raw video cannot become a protocol video; the message says why."""


def resample_indices(
    source_fps: float, source_frames: int, fps: float, count: int, start: float
) -> list[int]:
    """Raw frame indices of ``count`` frames at ``fps`` from ``start`` seconds (nearest in time)."""
    if not source_fps > 0:
        raise PrepareError(f"the video declares no usable frame rate ({source_fps})")
    indices = [math.floor((start + i / fps) * source_fps + 0.5) for i in range(count)]
    if indices[-1] >= source_frames:
        needed = start + (count - 1) / fps
        have = (source_frames - 1) / source_fps
        raise PrepareError(
            f"too short: {count} frames at {fps:g} fps from {start:g} s need {needed:.2f} s, the video has "
            f"{have:.2f} s ({source_frames} frames at {source_fps:g} fps)"
        )
    return indices


@dataclass(frozen=True)
class CropBox:
    """A crop in raw-frame pixels: top-left corner and size."""

    x0: float
    y0: float
    width: float
    height: float

    def pixel_bounds(self) -> tuple[int, int, int, int]:
        """``(left, top, right, bottom)`` rounded to whole pixels, the region actually cut."""
        return round(self.x0), round(self.y0), round(self.x0 + self.width), round(self.y0 + self.height)


def person_crop(
    keypoints: np.ndarray, frame_size: tuple[int, int], aspect: float, margin: float = DEFAULT_MARGIN
) -> CropBox:
    """The crop (``width / height == aspect``) around the person's keypoints over the clip."""
    height, width = frame_size
    confident = keypoints[..., 2] > KEYPOINT_THRESHOLD
    if not confident.any():
        raise PrepareError("no person found: the pose backend detected no keypoint in any frame")
    points = keypoints[..., :2][confident]
    (left, top), (right, bottom) = points.min(0), points.max(0)
    centre_x, centre_y = (left + right) / 2, (top + bottom) / 2
    crop_h = max(bottom - top, (right - left) / aspect, 1.0) * margin
    crop_h = min(crop_h, height, width / aspect)  # the largest crop of this aspect inside the frame
    crop_w = crop_h * aspect
    x0 = float(np.clip(centre_x - crop_w / 2, 0, width - crop_w))
    y0 = float(np.clip(centre_y - crop_h / 2, 0, height - crop_h))
    return CropBox(x0, y0, float(crop_w), float(crop_h))


def crop_frames(frames: np.ndarray, box: CropBox, size: tuple[int, int]) -> np.ndarray:
    """``(T, H, W, 3)`` frames cut to ``box`` and resized to ``size`` (height, width)."""
    left, top, right, bottom = box.pixel_bounds()
    return resize_frames(frames[:, top:bottom, left:right], *size)


def crop_keypoints(keypoints: np.ndarray, box: CropBox, size: tuple[int, int]) -> np.ndarray:
    """Keypoints mapped into the cropped, resized frame; points that leave the frame get score 0."""
    out_h, out_w = size
    left, top, right, bottom = box.pixel_bounds()
    mapped = keypoints.astype(np.float32).copy()
    mapped[..., 0] = (keypoints[..., 0] - left) * (out_w / (right - left))
    mapped[..., 1] = (keypoints[..., 1] - top) * (out_h / (bottom - top))
    outside = (
        (mapped[..., 0] < 0) | (mapped[..., 0] > out_w) | (mapped[..., 1] < 0) | (mapped[..., 1] > out_h)
    )
    mapped[..., 2] = np.where(outside, 0.0, mapped[..., 2])
    mapped[..., :2] = np.where(mapped[..., 2:3] > 0, mapped[..., :2], 0.0)
    return mapped
