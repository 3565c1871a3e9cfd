"""Fréchet distance against pytorch-fid; mergeable statistics against one-pass NumPy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from interhf_bench.metrics.frechet import FeatureStatistics, frechet_distance, frechet_from_statistics


def reference_distance(mu1, sigma1, mu2, sigma2) -> float:
    from pytorch_fid.fid_score import calculate_frechet_distance

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SciPy's deprecation of the `disp` argument pytorch-fid passes
        return float(calculate_frechet_distance(mu1, sigma1, mu2, sigma2))


@pytest.mark.parametrize(("n", "dim"), [(500, 64), (40, 64), (400, 200)])
def test_equals_pytorch_fid(n: int, dim: int) -> None:
    rng = np.random.default_rng(dim + n)
    a = rng.normal(size=(n, dim)) @ rng.normal(size=(dim, dim)) * 0.3
    b = rng.normal(0.2, 1.1, size=(n, dim)) @ rng.normal(size=(dim, dim)) * 0.3
    stats = [(x.mean(axis=0), np.cov(x, rowvar=False)) for x in (a, b)]
    ours = frechet_distance(*stats[0], *stats[1])
    assert ours == pytest.approx(reference_distance(*stats[0], *stats[1]), rel=1e-6)


def test_zero_for_identical_and_closed_form_for_shift() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 16))
    mu, sigma = x.mean(axis=0), np.cov(x, rowvar=False)
    assert abs(frechet_distance(mu, sigma, mu, sigma)) < 1e-8
    assert frechet_distance(mu + 2.0, sigma, mu, sigma) == pytest.approx(16 * 4.0, abs=1e-6)


def test_statistics_equal_numpy_and_merge_exactly() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(5.0, 3.0, size=(1000, 32))
    whole = FeatureStatistics(32)
    whole.update(x)
    shards = [FeatureStatistics(32) for _ in range(3)]
    for shard, part in zip(shards, np.array_split(x, [17, 600]), strict=True):
        shard.update(part)
    merged = FeatureStatistics(32)
    for shard in reversed(shards):
        merged.merge(shard)
    for stats in (whole, merged):
        assert stats.count == 1000
        np.testing.assert_allclose(stats.mean, x.mean(axis=0), rtol=1e-13)
        np.testing.assert_allclose(stats.covariance, np.cov(x, rowvar=False), rtol=1e-11, atol=1e-12)
    assert frechet_from_statistics(merged, whole) == pytest.approx(0.0, abs=1e-8)


def test_bad_inputs() -> None:
    stats = FeatureStatistics(4)
    with pytest.raises(ValueError, match=r"shape \(N, 4\)"):
        stats.update(np.zeros((3, 5)))
    stats.update(np.zeros((1, 4)))
    with pytest.raises(ValueError, match="at least 2 samples"):
        _ = stats.covariance
    with pytest.raises(ValueError, match="mismatched statistics"):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(4), np.eye(4))
