"""The ground-truth feature cache: a second ``score`` run reuses the features of the ground truth.

Entries are keyed by the extractor's ``identity`` (weights sha256 plus every preprocessing setting) and
the ground-truth video's sha256, so a change of weights, settings or video never reuses stale features.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from interhf_bench.io.files import atomic_path
from interhf_bench.metrics.interfaces import ClipFeatureExtractor


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
