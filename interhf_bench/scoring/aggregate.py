"""Pooled means over frames with bootstrap confidence intervals over videos.

DisCo reports the mean over all frames of all videos. Each video contributes the sum of its frame
values and the number of frames that had a value, so the pooled mean is exactly DisCo's number (and
frames without a value, e.g. an empty hand region, are left out rather than counted as 0). Intervals
resample whole videos, because frames of one video are not independent.
"""

from __future__ import annotations

import numpy as np

BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0


def video_sums(per_frame: np.ndarray) -> tuple[float, int]:
    """(sum of finite values, number of finite values) of one video's per-frame metric."""
    finite = np.isfinite(per_frame)
    return float(per_frame[finite].sum()), int(finite.sum())


def pooled_mean_with_ci(
    sums: np.ndarray, counts: np.ndarray, *, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED
) -> tuple[float | None, tuple[float, float] | None, int]:
    """Pooled mean of per-video (sum, count), its 95 % percentile bootstrap interval and the count."""
    total = int(counts.sum())
    if total == 0:
        return None, None, 0
    value = float(sums.sum() / total)
    if len(sums) < 2:
        return value, None, total
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(sums), size=(resamples, len(sums)))
    picked_counts = counts[picks].sum(axis=1)
    valid = picked_counts > 0
    means = sums[picks].sum(axis=1)[valid] / picked_counts[valid]
    low, high = np.percentile(means, [2.5, 97.5])
    return value, (float(low), float(high)), total
