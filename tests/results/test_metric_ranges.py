"""The range table knows every metric ``score`` writes, and nothing a metrics.json cannot hold."""

from __future__ import annotations

import math

import numpy as np
import pytest

from interhf_bench.results.metric_ranges import METRIC_RANGES, metric_range, value_problem


def names_score_writes() -> set[str]:
    from interhf_bench.metrics.fid_inception import FIDExtractor
    from interhf_bench.metrics.hand_fidelity import compare_hands
    from interhf_bench.metrics.identity_similarity import IdentitySimilarity
    from interhf_bench.metrics.interaction import InteractionFidelity
    from interhf_bench.metrics.lpips_vgg import LPIPSMetric
    from interhf_bench.metrics.regions import REGIONS
    from interhf_bench.metrics.video_features import FIDVIDExtractor, FVDExtractor
    from interhf_bench.scoring.score import FRAME_METRICS, REGION_METRICS

    hands = compare_hands(np.zeros((1, 133, 3)), np.zeros((1, 133, 3)))
    return {
        *FRAME_METRICS,
        *REGION_METRICS,
        LPIPSMetric.name,
        *(f"{region}_{LPIPSMetric.name}" for region in REGIONS),
        FIDExtractor.name,
        FVDExtractor.name,
        FIDVIDExtractor.name,
        *IdentitySimilarity.value_names,
        *InteractionFidelity.value_names,
        *hands,
    }


def test_every_metric_score_writes_has_a_range() -> None:
    names = names_score_writes()
    assert {name for name in names if metric_range(name) is None} == set()
    assert set(METRIC_RANGES) <= names  # no range for a metric that does not exist


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("ssim", 1.0 + 1e-12, None),
        ("ssim", -0.02, None),  # a noisy region can be anti-correlated
        ("fid", -1e-4, None),  # the square root's noise for identical feature sets
        ("hand_pck@0.3", 0.5, None),
        ("psnr", None, None),  # missing is allowed
        ("fid", -1.0, "fid = -1.0 is outside its range [0, inf]"),
        ("psnr", math.inf, "psnr = inf is outside its range [0, inf]"),
        ("identity_no_face", math.nan, "identity_no_face = nan is outside its range [0, 1]"),
        ("ssim", True, "ssim = True is not a number"),
        ("hand_pck@x", 0.5, "unknown metric 'hand_pck@x'"),
    ],
)
def test_value_problems(name: str, value: object, problem: str | None) -> None:
    assert value_problem(name, value) == problem
