"""The ground-truth feature cache: a second ``score`` run reuses the features of the ground truth.

Entries are keyed by the extractor's ``identity`` (a hash of its weights' sha256 and every preprocessing
setting) and the ground-truth video's sha256 as verified against the file
(:class:`~interhf_bench.data.verify.VerifiedFile`, never a hash merely written in the manifest), so a
change of weights, settings or video never reuses stale features. An entry that cannot be read or has
the wrong shape is computed again.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from interhf_bench.data.verify import VerifiedFile
from interhf_bench.io.files import atomic_path
from interhf_bench.metrics.interfaces import ClipFeatureExtractor


class FeatureCache:
    """``<root>/<extractor identity>/<video sha256>.npy``: ground-truth clip features."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, extractor: ClipFeatureExtractor, video_sha256: str) -> Path:
        return self.root / f"{extractor.name}-{extractor.identity}" / f"{video_sha256}.npy"

    def get_or_compute(
        self, extractor: ClipFeatureExtractor, video: VerifiedFile, frames: np.ndarray
    ) -> np.ndarray:
        """The features of ``frames`` (the target frames of ``video``), from the cache when present."""
        path = self._path(extractor, video.sha256)
        cached = _load(path, extractor.dim)
        if cached is not None:
            return cached
        features = extractor.features(frames)
        with atomic_path(path) as tmp, open(tmp, "wb") as handle:
            np.save(handle, features)
        return features

    def contains(self, extractor: ClipFeatureExtractor, video: VerifiedFile) -> bool:
        return self._path(extractor, video.sha256).is_file()


def _load(path: Path, dim: int) -> np.ndarray | None:
    """A cached ``(clips, dim)`` array, or ``None`` when absent, unreadable or of another shape."""
    try:
        cached = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    return cached if cached.ndim == 2 and cached.shape[1] == dim else None
