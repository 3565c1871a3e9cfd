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

from interhf_bench.pose.wholebody import LEFT_HAND, NUM_HAND_POINTS, NUM_KEYPOINTS, RIGHT_HAND


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

    def hands(self, frames: np.ndarray) -> np.ndarray:
        """``(T, 2, 21, 3)``: up to two hands per frame, in no particular order (absent: score 0).

        For close crops where the body and face do not matter (the hands at the face,
        :mod:`interhf_bench.pose.face_hands`); backends with a hand-only model override it.
        """
        keypoints = self.video(frames)
        return np.stack([keypoints[:, LEFT_HAND], keypoints[:, RIGHT_HAND]], axis=1)


def empty_hands(num_frames: int) -> np.ndarray:
    """All-absent ``(T, 2, 21, 3)`` hands."""
    return np.zeros((num_frames, 2, NUM_HAND_POINTS, 3), np.float32)


def check_frames(frames: np.ndarray) -> None:
    """``(T, H, W, 3)`` uint8, or a ``ValueError`` saying what is wrong."""
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError(f"frames must be (T, H, W, 3) uint8 RGB, got {frames.shape} {frames.dtype}")
