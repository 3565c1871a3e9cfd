"""One backend shared by several metrics: the last videos it read are not read again.

The hand pose metric and the interaction metrics both detect the generated frames of a video with the
same backend; wrapped in :class:`SharedBackend`, the second asks for the same frame array and gets the
first one's keypoints. Frames are recognised by identity (the very same array), never by content.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interhf_bench.pose.backends.base import PoseBackend


class SharedBackend(PoseBackend):
    """``backend`` with its last ``remember`` :meth:`video` results kept by frame array."""

    def __init__(self, backend: PoseBackend, remember: int = 2):
        self.backend = backend
        self.name = backend.name
        self.remember = remember
        self._recent: list[tuple[np.ndarray, np.ndarray]] = []

    @property
    def settings(self) -> dict[str, Any]:
        return self.backend.settings

    def image(self, frame: np.ndarray) -> np.ndarray:
        return self.backend.image(frame)

    def hands(self, frames: np.ndarray) -> np.ndarray:
        return self.backend.hands(frames)

    def video(self, frames: np.ndarray, *, progress: bool = False) -> np.ndarray:
        for seen, keypoints in self._recent:
            if seen is frames:
                return keypoints.copy()
        keypoints = self.backend.video(frames, progress=progress)
        self._recent = [*self._recent, (frames, keypoints)][-self.remember :]
        return keypoints.copy()
