"""The interface every pose backend implements: frames in, COCO-WholeBody ``(T, 133, 3)`` out.

A backend detects one person per frame (the largest, the subject of a benchmark video) and returns
pixel coordinates in the frame it was given with a score in ``[0, 1]``; a point it does not detect or
cannot express in the 133-point layout has score 0. ``settings`` says what produced the keypoints
(backend, model files and their sha256), and ``data prepare`` records it in the manifest's dataset
description so a dataset's keypoints can always be traced to the detector that made them.
"""

from __future__ import annotations

import abc
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from interhf_bench.pose.wholebody import NUM_KEYPOINTS


class PoseBackendError(RuntimeError):
    """A backend cannot run (its package or weights are missing); the message says how to fix it."""


def empty_keypoints(num_frames: int | None = None) -> np.ndarray:
    """All-absent keypoints: ``(133, 3)`` or ``(T, 133, 3)`` zeros."""
    shape = (NUM_KEYPOINTS, 3) if num_frames is None else (num_frames, NUM_KEYPOINTS, 3)
    return np.zeros(shape, np.float32)


class PoseBackend(abc.ABC):
    """Whole-body keypoints of the main person in RGB frames."""

    name: str

    @property
    @abc.abstractmethod
    def settings(self) -> dict[str, Any]:
        """What produced the keypoints: backend name, models, their sha256, thresholds."""

    @abc.abstractmethod
    def image(self, frame: np.ndarray) -> np.ndarray:
        """``(133, 3)`` keypoints of one ``(H, W, 3)`` uint8 RGB image, detected on its own."""

    def video(self, frames: np.ndarray, *, progress: bool = False) -> np.ndarray:
        """``(T, 133, 3)`` keypoints of consecutive frames (backends may track between frames)."""
        check_frames(frames)
        bar = tqdm(frames, desc=f"pose ({self.name})", unit="frame", disable=not progress, leave=False)
        return np.stack([self.image(frame) for frame in bar]).astype(np.float32)


def check_frames(frames: np.ndarray) -> None:
    """``(T, H, W, 3)`` uint8, or a ``ValueError`` saying what is wrong."""
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError(f"frames must be (T, H, W, 3) uint8 RGB, got {frames.shape} {frames.dtype}")
