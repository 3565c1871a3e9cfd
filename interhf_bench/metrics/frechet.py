"""Fréchet distance between Gaussian fits of features (FID, FID-VID, FVD), as pytorch-fid computes it.

Feature statistics are accumulated as (count, mean, centred sum of outer products) in float64 and
merged with Chan et al.'s pairwise formula, so a dataset split into shards (batches, GPUs, nodes)
gives the same mean and covariance as one pass, without the cancellation of raw sums of squares.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import linalg

SQRTM_EPS = 1e-6
IMAGINARY_ATOL = 1e-3


@dataclass
class FeatureStatistics:
    """Mergeable Gaussian fit of ``(N, D)`` features: ``mean`` and unbiased ``covariance`` (ddof 1)."""

    dim: int
    count: int = 0
    mean: np.ndarray = field(init=False)
    scatter: np.ndarray = field(init=False)  # sum of (x - mean)(x - mean)^T

    def __post_init__(self) -> None:
        self.mean = np.zeros(self.dim, dtype=np.float64)
        self.scatter = np.zeros((self.dim, self.dim), dtype=np.float64)

    def update(self, features: np.ndarray) -> None:
        """Add a batch of ``(N, D)`` features."""
        features = np.asarray(features, dtype=np.float64)
        if features.ndim != 2 or features.shape[1] != self.dim:
            raise ValueError(f"features must have shape (N, {self.dim}), got {features.shape}")
        if len(features) == 0:
            return
        batch = FeatureStatistics(self.dim)
        batch.count = len(features)
        batch.mean = features.mean(axis=0)
        centred = features - batch.mean
        batch.scatter = centred.T @ centred
        self.merge(batch)

    def merge(self, other: FeatureStatistics) -> None:
        """Fold another shard's statistics into these (exact up to float64 rounding)."""
        if other.dim != self.dim:
            raise ValueError(f"cannot merge {other.dim}-d statistics into {self.dim}-d ones")
        if other.count == 0:
            return
        total = self.count + other.count
        delta = other.mean - self.mean
        self.scatter = (
            self.scatter + other.scatter + np.outer(delta, delta) * (self.count * other.count / total)
        )
        self.mean = self.mean + delta * (other.count / total)
        self.count = total

    @property
    def covariance(self) -> np.ndarray:
        if self.count < 2:
            raise ValueError(f"a covariance needs at least 2 samples, have {self.count}")
        return self.scatter / (self.count - 1)


def frechet_distance(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> float:
    """pytorch-fid's ``calculate_frechet_distance``, without SciPy's removed ``disp`` argument.

    ``|mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr(sqrtm(S1 S2))``; if the square root is not finite, both
    covariances get ``1e-6 I`` added; an imaginary diagonal part above 1e-3 is an error, a smaller one is
    dropped.
    """
    mu1, mu2 = np.atleast_1d(mu1), np.atleast_1d(mu2)
    sigma1, sigma2 = np.atleast_2d(sigma1), np.atleast_2d(sigma2)
    if mu1.shape != mu2.shape or sigma1.shape != sigma2.shape:
        raise ValueError(
            f"mismatched statistics: means {mu1.shape} {mu2.shape}, covariances {sigma1.shape} {sigma2.shape}"
        )
    diff = mu1 - mu2
    covmean = linalg.sqrtm(sigma1.dot(sigma2))
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * SQRTM_EPS
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=IMAGINARY_ATOL):
            largest = np.max(np.abs(covmean.imag))
            raise ValueError(f"Fréchet distance: imaginary component {largest:.3g} in the matrix square root")
        covmean = covmean.real
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean))


def frechet_from_statistics(generated: FeatureStatistics, reference: FeatureStatistics) -> float:
    return frechet_distance(generated.mean, generated.covariance, reference.mean, reference.covariance)
