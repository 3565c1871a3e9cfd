"""Resizing frame stacks, one rule everywhere: area interpolation when shrinking, bicubic otherwise."""

from __future__ import annotations

import cv2
import numpy as np


def resize_frames(frames: np.ndarray, height: int, width: int) -> np.ndarray:
    """``(T, H, W, 3)`` frames resized to ``height x width`` (unchanged when already that size).

    Area interpolation averages whole source pixels when both sides shrink (no aliasing of thin hands
    and pose lines); bicubic is used when either side grows.
    """
    if frames.shape[1:3] == (height, width):
        return frames
    shrinking = frames.shape[1] > height and frames.shape[2] > width
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    return np.stack([cv2.resize(frame, (width, height), interpolation=interpolation) for frame in frames])
