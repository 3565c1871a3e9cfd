"""Clip feature extractors for the Fréchet video metrics, and their ground-truth feature cache.

An extractor turns the target frames of one video into one feature vector per clip window. Its
``identity`` (network weights sha256 plus every preprocessing setting) keys the cache of ground-truth
features, together with the ground-truth video's sha256, so a second ``score`` run reuses them and a
change of weights or settings never reuses stale features.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from interhf_bench.io.files import atomic_path


class ClipFeatureExtractor(Protocol):
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


class FeatureCache:
    """``<root>/<extractor identity>/<video sha256>.npy``: ground-truth clip features."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, extractor: ClipFeatureExtractor, video_sha256: str) -> Path:
        return self.root / f"{extractor.name}-{extractor.identity}" / f"{video_sha256}.npy"

    def get_or_compute(
        self, extractor: ClipFeatureExtractor, video_sha256: str, frames: np.ndarray
    ) -> np.ndarray:
        path = self._path(extractor, video_sha256)
        if path.is_file():
            cached = np.load(path, allow_pickle=False)
            if cached.ndim == 2 and cached.shape[1] == extractor.dim:
                return cached
        features = extractor.features(frames)
        with atomic_path(path) as tmp, open(tmp, "wb") as handle:
            np.save(handle, features)
        return features

    def contains(self, extractor: ClipFeatureExtractor, video_sha256: str) -> bool:
        return self._path(extractor, video_sha256).is_file()
