"""Interaction fidelity through ``score``: per class, intervals, the cache, and when it is unavailable.

A stand-in detector returns the generator's own keypoints of every frame it recognises (the synthetic
set's frames, by content), so these tests check the wiring quickly; the real detector's numbers are in
``test_interaction_detector.py``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from interhf_bench.data.dataset import Dataset
from interhf_bench.io.video import write_video
from interhf_bench.metrics.interaction import InteractionFidelity
from interhf_bench.pose.backends.base import PoseBackend, empty_hands, empty_keypoints
from interhf_bench.protocol import INTERHF_MINI_V1
from interhf_bench.results.metric_ranges import metrics_file_problems
from interhf_bench.scoring.feature_cache import FeatureCache
from interhf_bench.scoring.metric_set import MetricSet, build_metric_set
from interhf_bench.scoring.score import score


def digest(frame: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(frame).tobytes()).hexdigest()


class GeneratorKeypoints(PoseBackend):
    """The generator's keypoints of each frame of ``dataset``; nothing for any other frame."""

    name = "generator-keypoints"

    def __init__(self, dataset: Dataset):
        self.table = {}
        for row in dataset:
            for frame, keypoints in zip(
                dataset.frames(row.video_id), dataset.keypoints(row.video_id), strict=True
            ):
                self.table[digest(frame)] = keypoints
        self.calls = 0

    @property
    def settings(self) -> dict[str, str]:
        return {"backend": self.name}

    def image(self, frame: np.ndarray) -> np.ndarray:
        return self.table.get(digest(frame), empty_keypoints())

    def video(self, frames: np.ndarray, *, progress: bool = False) -> np.ndarray:
        self.calls += 1
        return super().video(frames)

    def hands(self, frames: np.ndarray) -> np.ndarray:
        return empty_hands(len(frames))


@pytest.fixture(scope="module")
def runs(mini_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``ground-truth`` and ``copy-reference`` predictions for every test video."""
    dataset = Dataset(mini_dataset)
    targets = list(INTERHF_MINI_V1.target_frames)
    root = tmp_path_factory.mktemp("interaction-runs")
    for row in dataset:
        frames = dataset.frames(row.video_id)
        write_video(root / "ground-truth" / f"{row.video_id}.mp4", frames[targets], INTERHF_MINI_V1.fps)
        still = np.repeat(frames[:1], len(targets), axis=0)
        write_video(root / "copy-reference" / f"{row.video_id}.mp4", still, INTERHF_MINI_V1.fps)
    return {name: root / name for name in ("ground-truth", "copy-reference")}


def interaction_score(
    mini_dataset: Path, pred: Path, backend: PoseBackend, cache: FeatureCache | None = None
):
    dataset = Dataset(mini_dataset)
    metrics = MetricSet(paired_metrics=[InteractionFidelity(backend)])
    return score(dataset, INTERHF_MINI_V1, pred, metrics, cache=cache, progress=False)


def test_ground_truth_tops_and_copy_reference_bottoms_every_interaction_value(
    mini_dataset: Path, runs: dict[str, Path], tmp_path: Path
) -> None:
    backend = GeneratorKeypoints(Dataset(mini_dataset))
    cache = FeatureCache(tmp_path / "features")
    truth = interaction_score(mini_dataset, runs["ground-truth"], backend, cache)
    assert backend.calls == 36  # the ground truth's frames once; the identical predictions reuse them
    still = interaction_score(mini_dataset, runs["copy-reference"], backend, cache)
    assert backend.calls == 72  # the ground truth's detections came from the cache
    assert metrics_file_problems(truth) == [] and metrics_file_problems(still) == []
    for name in ("contact_f1", "contact_location", "contact_hand", "contact_fingers", "recognition"):
        assert truth.overall[name].value == 1.0 and still.overall[name].value == 0.0
    assert truth.overall["contact_direction"].value == 1.0 and still.overall["contact_direction"].value == 0.0
    assert (
        truth.overall["contact_onset_error"].value == 0.0
        and still.overall["contact_onset_error"].value is None
    )
    assert truth.overall["recognition_gt"].value == still.overall["recognition_gt"].value == 1.0
    assert truth.overall["contact_f1"].n == 36 and truth.overall["contact_location"].n > 36 * 10
    assert truth.overall["contact_fingers"].n == still.overall["contact_fingers"].n > 0


def test_per_class_values_with_intervals_and_only_where_they_apply(
    mini_dataset: Path, runs: dict[str, Path]
) -> None:
    result = interaction_score(
        mini_dataset, runs["copy-reference"], GeneratorKeypoints(Dataset(mini_dataset))
    )
    poke, swipe, pinch = (result.per_class[code] for code in ("LC-TF", "RL-FS", "RH-NP"))
    assert poke["contact_fingers"].value == 0.0 and pinch["contact_fingers"].value is None
    assert swipe["contact_direction"].value == 0.0 and poke["contact_direction"].value is None
    assert pinch["recognition_gt"].ci95 == (1.0, 1.0) and pinch["contact_f1"].n == 2
    assert result.settings["interaction"]["detector"] == {"backend": "generator-keypoints"}
    assert result.per_video["LC-TF_00"]["contact_f1"] == 0.0


def test_without_a_hand_detector_interaction_is_unavailable_with_the_reason() -> None:
    metrics = build_metric_set(INTERHF_MINI_V1, pose_backend=None)
    assert "--hand-detector none" in metrics.unavailable["interaction"] and not metrics.paired_metrics
