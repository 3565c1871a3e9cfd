"""Hand pose fidelity: do the generated hands do what the driving pose says?

A pose backend detects the hands on every generated frame (resized to the protocol's size, like the
pixel metrics), and each hand is compared joint by joint with the driving keypoints of that frame:

* a driving hand counts when at least ``MIN_POINTS`` of its 21 joints score above 0.3 (the masks' rule);
  its size is the longer side of the box around those joints;
* ``hand_detected``: per frame, the share of driving hands for which the generated frame has the same
  hand (same side, ``MIN_POINTS`` joints detected);
* ``hand_error``: mean distance between generated and driving joints (joints valid in both), divided by
  the driving hand's size, averaged over the frame's detected hands;
* ``hand_pck@0.1`` / ``hand_pck@0.2``: share of the driving joints whose generated joint lies within 0.1
  or 0.2 hand sizes; a joint the generated frame lacks counts as a miss, so PCK reflects detection too.

Frames without a driving hand have no values. The backend and its model hashes are recorded in the
settings: numbers from different backends are not comparable.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from interhf_bench.metrics.interfaces import ScoringContext
from interhf_bench.pose.backends.base import PoseBackend
from interhf_bench.pose.wholebody import LEFT_HAND, RIGHT_HAND

SCORE_THRESHOLD: Final = 0.3
MIN_POINTS: Final = 3
PCK_THRESHOLDS: Final = (0.1, 0.2)


def pck_name(threshold: float) -> str:
    return f"hand_pck@{threshold:g}"


def compare_hands(
    detected: np.ndarray, driving: np.ndarray, thresholds: tuple[float, ...] = PCK_THRESHOLDS
) -> dict[str, np.ndarray]:
    """Per-frame hand values of detected ``(T, 133, 3)`` against driving ``(T, 133, 3)`` keypoints."""
    frames = len(driving)
    names = ("hand_detected", "hand_error", *(pck_name(t) for t in thresholds))
    sums = {name: np.zeros(frames) for name in names}
    counts = {name: np.zeros(frames) for name in names}
    for side in (LEFT_HAND, RIGHT_HAND):
        for index in range(frames):
            want, got = driving[index, side], detected[index, side]
            valid = want[:, 2] > SCORE_THRESHOLD
            if valid.sum() < MIN_POINTS:
                continue
            extent = want[valid, :2].max(0) - want[valid, :2].min(0)
            size = max(float(extent.max()), 1.0)
            found = got[:, 2] > SCORE_THRESHOLD
            detected_hand = found.sum() >= MIN_POINTS
            sums["hand_detected"][index] += float(detected_hand)
            counts["hand_detected"][index] += 1
            both = valid & found if detected_hand else np.zeros_like(valid)
            error = np.linalg.norm(got[:, :2] - want[:, :2], axis=1) / size
            if both.any():
                sums["hand_error"][index] += float(error[both].mean())
                counts["hand_error"][index] += 1
            for threshold in thresholds:
                hits = both & (error <= threshold)
                sums[pck_name(threshold)][index] += hits.sum() / valid.sum()
                counts[pck_name(threshold)][index] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        return {name: np.where(counts[name] > 0, sums[name] / counts[name], np.nan) for name in names}


class HandPoseFidelity:
    """Hands detected on the generated frames against the driving hand keypoints."""

    name = "hand_pose"

    def __init__(self, backend: PoseBackend, thresholds: tuple[float, ...] = PCK_THRESHOLDS):
        self.backend = backend
        self.thresholds = thresholds
        self.value_names = ("hand_detected", "hand_error", *(pck_name(t) for t in thresholds))

    @property
    def settings(self) -> dict[str, Any]:
        return {
            "detector": self.backend.settings,
            "joint_threshold": SCORE_THRESHOLD,
            "min_points": MIN_POINTS,
            "hand_size": "longer side of the driving hand's joint box",
            "error": "mean joint distance / hand size, joints valid in both",
            "pck_thresholds": list(self.thresholds),
            "pck": "share of driving joints within threshold x hand size; missing joints are misses",
        }

    def per_frame(self, generated: np.ndarray, context: ScoringContext) -> dict[str, np.ndarray]:
        return compare_hands(self.backend.video(generated), context.driving, self.thresholds)
