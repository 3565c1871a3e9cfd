"""What the detector-based metrics see of a test video besides the generated frames."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ScoringContext:
    """The reference frame and the driving keypoints of the target frames, at the protocol's size."""

    video_id: str
    reference: np.ndarray  # (H, W, 3) uint8
    driving: np.ndarray  # (T, 133, 3) keypoints of the target frames
