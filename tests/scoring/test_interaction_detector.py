"""Interaction fidelity with the offline detector (MediaPipe) on the embedded synthetic set: the ground
truth at the top of every value, ``copy-reference`` at the bottom, ``pose-warp`` between, and the
classifier naming the ground truth's class."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import pytest

from interhf_bench.adapters.api import Adapter
from interhf_bench.adapters.pose_warp import PoseWarp
from interhf_bench.adapters.reference import CopyReference, GroundTruth
from interhf_bench.data.dataset import Dataset
from interhf_bench.io.video import write_video
from interhf_bench.metrics.interaction import InteractionFidelity
from interhf_bench.metrics.interaction_values import VALUE_NAMES
from interhf_bench.protocol import INTERHF_MINI_V1
from interhf_bench.results.metric_ranges import metrics_file_problems
from interhf_bench.results.metrics_file import MetricsFile
from interhf_bench.runner.cases import build_case
from interhf_bench.scoring.feature_cache import FeatureCache
from interhf_bench.scoring.metric_set import MetricSet
from interhf_bench.scoring.score import score

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        find_spec("mediapipe") is None,
        reason="needs MediaPipe: pip install --no-deps -r requirements/mediapipe.txt",
    ),
]

ERRORS = ("contact_onset_error", "contact_offset_error")
RECOGNITION = ("recognition", "recognition_gt")
SHARES = tuple(name for name in VALUE_NAMES if name not in (*ERRORS, *RECOGNITION))


def generate(dataset: Dataset, adapter: Adapter, out: Path) -> Path:
    for row in dataset:
        case = build_case(dataset, row, INTERHF_MINI_V1, 0, with_ground_truth=adapter.meta.uses_ground_truth)
        write_video(out / f"{row.video_id}.mp4", adapter.generate(case), INTERHF_MINI_V1.fps)
    return out


@pytest.fixture(scope="module")
def results(mini_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, MetricsFile]:
    """metrics.json of the three sanity methods, one detector and one ground-truth cache for all."""
    from interhf_bench.pose.backends import get_pose_backend

    dataset = Dataset(mini_dataset)
    root = tmp_path_factory.mktemp("interaction-detector")
    metrics = MetricSet(paired_metrics=[InteractionFidelity(get_pose_backend("mediapipe"))])
    cache = FeatureCache(root / "features")
    adapters = {"ground-truth": GroundTruth(), "copy-reference": CopyReference(), "pose-warp": PoseWarp()}
    scored = {}
    for name, adapter in adapters.items():
        pred = generate(dataset, adapter, root / name)
        scored[name] = score(dataset, INTERHF_MINI_V1, pred, metrics, cache=cache, progress=False)
    return scored


def values(result: MetricsFile) -> dict[str, float | None]:
    return {name: result.overall[name].value for name in VALUE_NAMES}


def test_the_ground_truth_is_at_the_top_of_every_interaction_value(results: dict[str, MetricsFile]) -> None:
    truth = values(results["ground-truth"])
    assert all(truth[name] == 1.0 for name in SHARES), truth  # timing F1 and location among them
    assert truth["contact_onset_error"] == truth["contact_offset_error"] == 0.0
    assert truth["recognition"] == truth["recognition_gt"]  # the classifier's ceiling
    assert all(metrics_file_problems(result) == [] for result in results.values())


def test_the_classifier_recognises_the_ground_truth(results: dict[str, MetricsFile]) -> None:
    ceilings = {values(result)["recognition_gt"] for result in results.values()}
    assert len(ceilings) == 1 and ceilings.pop() >= 0.9  # type: ignore[operator]


def test_copy_reference_is_at_the_bottom(results: dict[str, MetricsFile]) -> None:
    still = values(results["copy-reference"])
    assert still["contact_f1"] <= 0.1  # type: ignore[operator]
    assert all(still[name] <= 0.1 for name in (*SHARES, "recognition")), still  # type: ignore[operator]
    assert still["contact_onset_error"] is None  # it never touches


def test_pose_warp_lies_between(results: dict[str, MetricsFile]) -> None:
    truth, warp, still = (values(results[name]) for name in ("ground-truth", "pose-warp", "copy-reference"))
    for name in (*SHARES, "recognition"):
        assert still[name] <= warp[name] <= truth[name], name  # type: ignore[operator]
    assert still["contact_f1"] < warp["contact_f1"] < truth["contact_f1"]  # type: ignore[operator]
    for name in ERRORS:
        assert warp[name] is None or warp[name] >= truth[name], name  # type: ignore[operator]
