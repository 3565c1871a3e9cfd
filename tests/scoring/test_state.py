"""Sharded scoring: states of two shards, merged (also through files), give the one-pass metrics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from interhf_bench.data.dataset import Dataset
from interhf_bench.scoring.metric_set import MetricSet
from interhf_bench.scoring.score import accumulate, build_metrics_file, score
from interhf_bench.scoring.state import ScoreState, ShardOverlapError
from tests.conftest import TINY
from tests.scoring.test_score import MeanColourPerWindow, write_predictions


@pytest.fixture
def predictions(tiny_dataset: Path, tmp_path: Path) -> Path:
    rng = np.random.default_rng(1)

    def noisy(frames: np.ndarray) -> np.ndarray:
        return np.clip(frames.astype(int) + rng.integers(-30, 31, frames.shape), 0, 255).astype(np.uint8)

    write_predictions(Dataset(tiny_dataset), tmp_path / "pred", noisy)
    (tmp_path / "pred" / "LH-NP_00.mp4").unlink()
    return tmp_path / "pred"


def test_merged_shards_equal_one_pass(tiny_dataset: Path, predictions: Path, tmp_path: Path) -> None:
    dataset = Dataset(tiny_dataset)
    metrics = MetricSet(extractors=[MeanColourPerWindow()])
    whole = score(dataset, TINY, predictions, metrics, progress=False)
    ids = [row.video_id for row in dataset]
    shards = [
        accumulate(dataset, TINY, predictions, metrics, video_ids=ids[rank::3], progress=False)
        for rank in range(3)
    ]
    for rank, shard in enumerate(shards[1:], start=1):  # one merged in memory, one through a file
        shard.save(tmp_path / f"shard{rank}.npz")
    merged = shards[0]
    merged.merge(shards[1])
    merged.merge(ScoreState.load(tmp_path / "shard2.npz"))
    sharded = build_metrics_file(merged, dataset, TINY, predictions, metrics)
    exclude = {"provenance", "overall", "per_class"}
    assert sharded.model_dump(exclude=exclude) == whole.model_dump(exclude=exclude)
    for name, value in whole.overall.items():
        if name == "toy":
            assert sharded.overall[name].value == pytest.approx(value.value, rel=1e-9)
        else:
            assert sharded.overall[name] == value  # frame metrics: bit-identical
    assert sharded.per_class["RL-FS"]["toy"].value == pytest.approx(whole.per_class["RL-FS"]["toy"].value)
    with pytest.raises(ShardOverlapError, match="already in this state"):
        merged.merge(shards[1])


def test_bad_state_file_and_unknown_videos(tiny_dataset: Path, predictions: Path, tmp_path: Path) -> None:
    (tmp_path / "junk.npz").write_bytes(b"junk")
    with pytest.raises(ValueError, match=r"junk\.npz: not a score state file"):
        ScoreState.load(tmp_path / "junk.npz")
    with pytest.raises(KeyError, match="NOPE_00"):
        accumulate(Dataset(tiny_dataset), TINY, predictions, video_ids=["NOPE_00"], progress=False)
