"""The hands at the face, found again on a close crop around it.

A hand on the face is small in a frame that shows the upper body, and a pose model reading the whole
frame often misses it, most of all where the hand has the colour of the face: on the synthetic training
videos, the contact rule recovers 51 % of the contact frames from MediaPipe's whole-frame hands alone
and 85 % with the crop's hands as well (docs/metrics.md). So the backend's hand model runs a second
time, on one crop per video (the same box in every frame, so a tracking model can track): the box
around every frame's face landmarks, grown by :data:`CROP_MARGIN` times its size on each side, scaled
so its longer side is :data:`CROP_SIZE` pixels. The hands come back in the frame's pixel coordinates.
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np

from interhf_bench.pose.backends.base import PoseBackend, empty_hands
from interhf_bench.pose.wholebody import FACE

CROP_MARGIN: Final = 0.9
CROP_SIZE: Final = 256
FACE_SCORE: Final = 0.3


def face_box(keypoints: np.ndarray) -> tuple[int, int, int, int] | None:
    """``(x0, y0, x1, y1)`` around the confident face landmarks of all frames, ``None`` without any."""
    face = keypoints[:, FACE]
    points = face[face[..., 2] > FACE_SCORE, :2]
    if len(points) == 0:
        return None
    (x0, y0), (x1, y1) = points.min(0), points.max(0)
    return int(np.floor(x0)), int(np.floor(y0)), int(np.ceil(x1)), int(np.ceil(y1))


def crop_box(box: tuple[int, int, int, int], height: int, width: int) -> tuple[int, int, int, int]:
    """The face box grown by :data:`CROP_MARGIN` on each side and clipped to the frame."""
    x0, y0, x1, y1 = box
    grow_x, grow_y = CROP_MARGIN * (x1 - x0), CROP_MARGIN * (y1 - y0)
    return (
        max(int(x0 - grow_x), 0),
        max(int(y0 - grow_y), 0),
        min(int(x1 + grow_x) + 1, width),
        min(int(y1 + grow_y) + 1, height),
    )


def hands_at_face(backend: PoseBackend, frames: np.ndarray, keypoints: np.ndarray) -> np.ndarray:
    """``(T, 2, 21, 3)`` hands the backend finds on the crop around the face of ``keypoints``
    (the backend's own ``(T, 133, 3)`` on ``frames``), in frame pixels; none without a face."""
    box = face_box(keypoints)
    if box is None:
        return empty_hands(len(frames))
    x0, y0, x1, y1 = crop_box(box, *frames.shape[1:3])
    if x1 - x0 < 2 or y1 - y0 < 2:
        return empty_hands(len(frames))
    scale = CROP_SIZE / max(x1 - x0, y1 - y0)
    size = (round((x1 - x0) * scale), round((y1 - y0) * scale))
    crops = np.stack([cv2.resize(f[y0:y1, x0:x1], size, interpolation=cv2.INTER_CUBIC) for f in frames])
    hands = backend.hands(crops)
    hands[..., 0] = hands[..., 0] * (x1 - x0) / size[0] + x0
    hands[..., 1] = hands[..., 1] * (y1 - y0) / size[1] + y0
    return hands
