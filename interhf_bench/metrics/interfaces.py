"""What ``score`` asks of a metric: the four kinds of network metric, and what they are given.

Every metric implementation in this package fits one of these protocols; ``interhf_bench.scoring`` drives
them without knowing which network is behind each. An extractor's ``identity`` (its weights' sha256 plus
every preprocessing setting) keys the ground-truth feature cache, so a change of weights or settings never
reuses stale features.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np


@dataclass(frozen=True)
class ScoringContext:
    """The reference frame and the driving keypoints of the target frames, at the protocol's size, and
    the video's interaction class code."""

    video_id: str
    reference: np.ndarray  # (H, W, 3) uint8
    driving: np.ndarray  # (T, 133, 3) keypoints of the target frames
    interaction: str | None = None


class FrameModel(Protocol):
    """A per-frame network metric (LPIPS) and its region versions.

    ``per_frame_with_regions`` takes ``(T, H, W, 3)`` uint8 pairs of equal size and bool ``(T, H, W)``
    region masks and returns ``{name: (T,), "<region>_<name>": (T,) ...}`` (NaN for empty regions).
    """

    name: str

    @property
    def settings(self) -> dict[str, Any]: ...

    def per_frame_with_regions(
        self, generated: np.ndarray, ground_truth: np.ndarray, regions: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]: ...


class DetectorMetric(Protocol):
    """A metric that runs a detector on the generated frames (identity, hand pose).

    ``per_frame`` takes ``(T, H, W, 3)`` uint8 generated frames at the protocol's size and the video's
    :class:`ScoringContext`, and returns ``{name: (T,)}`` for every name in ``value_names`` (NaN where a
    frame has no value).
    """

    name: str
    value_names: tuple[str, ...]

    @property
    def settings(self) -> dict[str, Any]: ...

    def per_frame(self, generated: np.ndarray, context: ScoringContext) -> dict[str, np.ndarray]: ...


class PairedDetectorMetric(Protocol):
    """A metric that runs one detector on the ground-truth and on the generated frames and compares what
    it finds, so that the detector's own errors cancel (interaction fidelity).

    ``detections`` turns ``(T, H, W, 3)`` frames into one row of detections per frame; it is a
    :class:`ClipFeatureExtractor` so the ground truth's detections are cached like its features.
    ``compare`` takes the generated and the ground-truth detections and returns ``{name: values}`` for
    every name in ``value_names``: per-frame ``(T,)`` values, or one-element arrays for values that
    belong to the whole video (NaN where there is no value).
    """

    name: str
    value_names: tuple[str, ...]
    detections: ClipFeatureExtractor

    @property
    def settings(self) -> dict[str, Any]: ...

    def compare(
        self, generated: np.ndarray, ground_truth: np.ndarray, context: ScoringContext
    ) -> dict[str, np.ndarray]: ...


class ClipFeatureExtractor(Protocol):
    """Features for a Fréchet distance: one vector per frame (FID) or per clip window (FVD, FID-VID)."""

    name: str
    dim: int

    @property
    def identity(self) -> str: ...

    @property
    def settings(self) -> dict[str, Any]: ...

    def features(self, frames: np.ndarray) -> np.ndarray:
        """``(T, H, W, 3)`` uint8 target frames -> ``(clips, dim)`` float features."""
        ...


def settings_identity(weights_sha256: str, settings: dict[str, Any]) -> str:
    """A short stable id of an extractor: its weights and its settings."""
    text = json.dumps({"weights": weights_sha256, "settings": settings}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
