"""``score`` reads only what it can trust: verified ground truth, clean decodes, the protocol's size."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from interhf_bench.data.dataset import Dataset
from interhf_bench.data.manifest import DatasetError, load_manifest, write_manifest
from interhf_bench.io import digests as digests_module
from interhf_bench.io.files import sha256_file
from interhf_bench.io.video import write_video
from interhf_bench.metrics.interfaces import settings_identity
from interhf_bench.scoring.feature_cache import FeatureCache
from interhf_bench.scoring.metric_set import MetricSet
from interhf_bench.scoring.score import score
from tests.conftest import TINY
from tests.io.test_video import flip_bytes_in_the_middle
from tests.scoring.test_score import write_predictions


class MeanColour:
    """A stand-in extractor built like the real ones: its identity covers its weights' sha256."""

    name = "toy"
    dim = 3

    def __init__(self, weights_sha256: str) -> None:
        self.weights_sha256 = weights_sha256
        self.calls = 0

    @property
    def settings(self) -> dict[str, object]:
        return {"weights_sha256": self.weights_sha256}

    @property
    def identity(self) -> str:
        return settings_identity(self.weights_sha256, self.settings)

    def features(self, frames: np.ndarray) -> np.ndarray:
        self.calls += 1
        return frames.reshape(len(frames), -1, 3).mean(axis=1)


def set_manifest_hash(root: Path, video_id: str, **changes: object) -> None:
    rows = [
        r.model_copy(update=changes) if r.video_id == video_id else r
        for r in load_manifest(root / "manifest.jsonl")
    ]
    write_manifest(root / "manifest.jsonl", rows)


def test_swapped_ground_truth_stops_scoring(tiny_dataset: Path, tmp_path: Path) -> None:
    dataset = Dataset(tiny_dataset)
    write_predictions(dataset, tmp_path / "pred")
    first, second = (dataset.path(dataset.row(v).path) for v in ("RL-FS_00", "RL-FS_01"))
    shutil.copyfile(first, tmp_path / "spare.mp4")
    shutil.copyfile(second, first)
    shutil.copyfile(tmp_path / "spare.mp4", second)
    with pytest.raises(DatasetError) as error:
        score(dataset, TINY, tmp_path / "pred", progress=False)
    message = str(error.value)
    assert f"{first}: video RL-FS_00, sha256: sha256 mismatch: {dataset.manifest_path}" in message
    assert f"says {dataset.row('RL-FS_00').sha256}, the file has {dataset.row('RL-FS_01').sha256}" in message


def test_another_videos_pose_file_stops_scoring(tiny_dataset: Path, tmp_path: Path) -> None:
    dataset = Dataset(tiny_dataset)
    write_predictions(dataset, tmp_path / "pred")
    victim, other = dataset.row("LH-NP_00"), dataset.row("LH-NP_01")
    shutil.copyfile(dataset.path(other.pose_path), dataset.path(victim.pose_path))
    with pytest.raises(DatasetError, match="video LH-NP_00, pose_sha256: sha256 mismatch"):
        score(dataset, TINY, tmp_path / "pred", progress=False)


def test_a_warm_score_does_not_rehash(
    tiny_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = Dataset(tiny_dataset)
    write_predictions(dataset, tmp_path / "pred")
    calls: list[str] = []

    def counting(path: str | os.PathLike[str]) -> str:
        calls.append(str(path))
        return sha256_file(path)

    monkeypatch.setattr(digests_module, "sha256_file", counting)
    score(dataset, TINY, tmp_path / "pred", progress=False)
    assert len(calls) == 36 * 3
    calls.clear()
    score(Dataset(tiny_dataset), TINY, tmp_path / "pred", progress=False)
    assert calls == []


def test_bit_flipped_prediction_fails_with_the_decoder_error(tiny_dataset: Path, tmp_path: Path) -> None:
    dataset = Dataset(tiny_dataset)
    pred = tmp_path / "pred"
    write_predictions(dataset, pred)
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 256, (TINY.num_target_frames, TINY.height, TINY.width, 3), dtype=np.uint8)
    flipped = flip_bytes_in_the_middle(write_video(tmp_path / "LH-NP_00.mp4", frames, TINY.fps))
    os.replace(flipped, pred / "LH-NP_00.mp4")
    result = score(dataset, TINY, pred, progress=False)
    assert result.n_evaluated == 35
    reason = result.failed["LH-NP_00"]
    assert reason.startswith(f"{pred / 'LH-NP_00.mp4'}: truncated or corrupt: decoder error after")
    assert "[h264] " in reason


def test_wrong_size_prediction_fails_as_such(tiny_dataset: Path, tmp_path: Path) -> None:
    dataset = Dataset(tiny_dataset)
    pred = tmp_path / "pred"
    write_predictions(dataset, pred)
    larger = np.zeros((TINY.num_target_frames, TINY.height + 2, TINY.width + 4, 3), np.uint8)
    write_video(pred / "RH-EB_01.mp4", larger, TINY.fps)
    result = score(dataset, TINY, pred, progress=False)
    assert result.n_evaluated == 35
    assert result.failed["RH-EB_01"] == (
        f"{pred / 'RH-EB_01.mp4'}: frames are 26x20, the protocol's size is 24x16 (HxW); "
        "generate at the protocol's size"
    )
    assert result.overall["psnr"].value == 100.0  # the others are scored as before


def test_wrong_size_ground_truth_is_a_dataset_error(tiny_dataset: Path, tmp_path: Path) -> None:
    dataset = Dataset(tiny_dataset)
    write_predictions(dataset, tmp_path / "pred")
    frames = np.zeros((TINY.num_frames, TINY.height * 2, TINY.width * 2, 3), np.uint8)
    video = write_video(dataset.path(dataset.row("LC-SF_01").path), frames, TINY.fps)
    set_manifest_hash(tiny_dataset, "LC-SF_01", sha256=sha256_file(video))
    with pytest.raises(
        DatasetError,
        match=r"LC-SF_01.mp4: video LC-SF_01, path: frames are 48x32, the protocol's size is 24x16",
    ):
        score(Dataset(tiny_dataset), TINY, tmp_path / "pred", progress=False)


def test_bit_flipped_ground_truth_is_a_dataset_error(tiny_dataset: Path, tmp_path: Path) -> None:
    """Even when the manifest's hash was made from the damaged file, decoding it is an error."""
    dataset = Dataset(tiny_dataset)
    write_predictions(dataset, tmp_path / "pred")
    path = dataset.path(dataset.row("LC-SF_00").path)
    frames = np.random.default_rng(0).integers(
        0, 256, (TINY.num_frames, TINY.height, TINY.width, 3), np.uint8
    )
    os.replace(flip_bytes_in_the_middle(write_video(path, frames, TINY.fps), count=256), path)
    set_manifest_hash(tiny_dataset, "LC-SF_00", sha256=sha256_file(path))
    with pytest.raises(DatasetError, match=r"video LC-SF_00, path: truncated or corrupt: decoder error"):
        score(Dataset(tiny_dataset), TINY, tmp_path / "pred", progress=False)


def test_feature_cache_key_is_the_verified_file_hash_and_the_weights_hash(
    tiny_dataset: Path, tmp_path: Path
) -> None:
    dataset = Dataset(tiny_dataset)
    write_predictions(dataset, tmp_path / "pred")
    cache = FeatureCache(tmp_path / "features")
    old, new = MeanColour("a" * 64), MeanColour("b" * 64)
    for extractor in (old, new):
        score(
            dataset, TINY, tmp_path / "pred", MetricSet(extractors=[extractor]), cache=cache, progress=False
        )
    assert old.calls == new.calls == 2 * 36  # other weights: no ground-truth features reused
    folders = sorted(path.name for path in (tmp_path / "features").iterdir())
    assert folders == sorted(f"toy-{e.identity}" for e in (old, new))
    assert sorted(p.stem for p in (tmp_path / "features" / folders[0]).iterdir()) == sorted(
        r.sha256 for r in dataset
    )

    row = dataset.row("LH-NP_01")
    frames = np.full((TINY.num_frames, TINY.height, TINY.width, 3), 7, np.uint8)
    video = write_video(dataset.path(row.path), frames, TINY.fps)
    set_manifest_hash(tiny_dataset, row.video_id, sha256=sha256_file(video))
    new.calls = 0
    result = score(
        Dataset(tiny_dataset),
        TINY,
        tmp_path / "pred",
        MetricSet(extractors=[new]),
        cache=cache,
        progress=False,
    )
    assert new.calls == 36 + 1  # every prediction, and the one ground truth whose file changed
    assert (tmp_path / "features" / f"toy-{new.identity}" / f"{sha256_file(video)}.npy").is_file()
    assert result.overall["toy"].value is not None


def test_real_extractor_identity_covers_the_weights_hash(tmp_path: Path) -> None:
    from interhf_bench.metrics.fid_inception import FIDExtractor
    from interhf_bench.weights.registry import get_weight
    from interhf_bench.weights.store import ResolvedWeight

    def identity(sha256: str) -> str:
        extractor = FIDExtractor.__new__(FIDExtractor)  # the identity needs no network
        extractor.weights = ResolvedWeight(get_weight("inception-fid"), tmp_path / "w.pth", sha256, True)
        return extractor.identity

    assert identity("0" * 64) != identity("1" * 64)
