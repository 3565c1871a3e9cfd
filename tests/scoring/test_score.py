"""``score``: numbers equal the recipe, missing and broken predictions are recorded, cache reuse."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from interhf_bench.cli import main
from interhf_bench.data.dataset import Dataset
from interhf_bench.io.video import write_video
from interhf_bench.metrics.frechet import frechet_distance
from interhf_bench.metrics.interfaces import settings_identity
from interhf_bench.metrics.pixel import disco_frame_metrics
from interhf_bench.scoring.feature_cache import FeatureCache
from interhf_bench.scoring.metric_set import MetricSet
from interhf_bench.scoring.score import score
from tests.conftest import TINY


def write_predictions(dataset: Dataset, out: Path, transform=lambda frames: frames) -> None:
    targets = list(TINY.target_frames)
    for row in dataset:
        write_video(out / f"{row.video_id}.mp4", transform(dataset.frames(row.video_id, targets)), TINY.fps)


class MeanColourPerWindow:
    """A cheap stand-in extractor: the mean colour of each 2-frame window."""

    name = "toy"
    dim = 3

    def __init__(self) -> None:
        self.calls = 0

    @property
    def identity(self) -> str:
        return settings_identity("0" * 64, self.settings)

    @property
    def settings(self) -> dict[str, object]:
        return {"window": 2}

    def features(self, frames: np.ndarray) -> np.ndarray:
        self.calls += 1
        return np.stack([frames[i : i + 2].reshape(-1, 3).mean(axis=0) for i in range(len(frames) - 1)])


def test_perfect_predictions_missing_and_broken_ones(tiny_dataset: Path, tmp_path: Path) -> None:
    dataset = Dataset(tiny_dataset)
    pred = tmp_path / "videos"
    write_predictions(dataset, pred)
    (pred / "LH-NP_00.mp4").unlink()
    write_video(pred / "RL-FS_01.mp4", np.zeros((7, TINY.height, TINY.width, 3), np.uint8), TINY.fps)
    result = score(dataset, TINY, pred, progress=False)
    assert (result.n_expected, result.n_evaluated) == (36, 34)
    assert result.missing == ["LH-NP_00"]
    assert "7 frames, the protocol's target frames are 3" in result.failed["RL-FS_01"]
    assert result.overall["psnr"].value == 100.0 and result.overall["l1"].value == 0.0
    assert result.overall["ssim"].value == pytest.approx(1.0, abs=1e-12)
    assert result.overall["psnr"].n == 34 * 3
    assert result.overall["hand_psnr"].value is None  # the tiny dataset's hand masks are empty
    assert result.overall["face_psnr"].value == 100.0
    assert len(result.per_class) == 18 and result.per_class["LH-NP"]["psnr"].n == 3


def test_values_equal_the_recipe_over_all_frames(tiny_dataset: Path, tmp_path: Path) -> None:
    dataset = Dataset(tiny_dataset)
    rng = np.random.default_rng(0)

    def noisy(frames: np.ndarray) -> np.ndarray:
        return np.clip(frames.astype(int) + rng.integers(-30, 31, frames.shape), 0, 255).astype(np.uint8)

    write_predictions(dataset, tmp_path / "pred", noisy)
    result = score(dataset, TINY, tmp_path / "pred", progress=False)
    targets = list(TINY.target_frames)
    from interhf_bench.io.video import read_video

    per_frame = {"ssim": [], "psnr": [], "l1": []}
    for row in dataset:
        values = disco_frame_metrics(
            read_video(tmp_path / "pred" / f"{row.video_id}.mp4"), dataset.frames(row.video_id, targets)
        )
        for name in per_frame:
            per_frame[name].extend(values[name])
    for name, values in per_frame.items():
        assert result.overall[name].value == pytest.approx(np.mean(values), rel=1e-12)
        low, high = result.overall[name].ci95
        assert low <= result.overall[name].value <= high


def test_worker_threads_do_not_change_the_result(tiny_dataset: Path, tmp_path: Path) -> None:
    dataset = Dataset(tiny_dataset)
    write_predictions(dataset, tmp_path / "pred", lambda frames: (frames // 3 + 40).astype(np.uint8))
    (tmp_path / "pred" / "LH-NP_00.mp4").unlink()
    (tmp_path / "pred" / "RL-FS_01.mp4").write_bytes(b"not a video")
    serial, threaded = (
        score(dataset, TINY, tmp_path / "pred", progress=False, workers=workers).model_dump(
            exclude={"provenance"}
        )
        for workers in (1, 3)
    )
    assert serial == threaded
    assert serial["missing"] == ["LH-NP_00"] and list(serial["failed"]) == ["RL-FS_01"]


def test_frechet_metric_plumbing_and_ground_truth_cache(tiny_dataset: Path, tmp_path: Path) -> None:
    dataset = Dataset(tiny_dataset)
    write_predictions(dataset, tmp_path / "pred", lambda frames: (frames // 2).astype(np.uint8))
    extractor = MeanColourPerWindow()
    cache = FeatureCache(tmp_path / "cache")
    first = score(
        dataset, TINY, tmp_path / "pred", MetricSet(extractors=[extractor]), cache=cache, progress=False
    )
    assert extractor.calls == 2 * 36
    targets = list(TINY.target_frames)
    generated = np.concatenate(
        [extractor.features(dataset.frames(r.video_id, targets) // 2) for r in dataset]
    )
    reference = np.concatenate([extractor.features(dataset.frames(r.video_id, targets)) for r in dataset])
    stats = [(x.mean(axis=0), np.cov(x, rowvar=False)) for x in (generated, reference)]
    assert first.overall["toy"].value == pytest.approx(frechet_distance(*stats[0], *stats[1]), rel=1e-9)
    assert first.overall["toy"].n == 36 * 2
    assert first.settings["toy"]["identity"] == extractor.identity
    extractor.calls = 0
    second = score(
        dataset, TINY, tmp_path / "pred", MetricSet(extractors=[extractor]), cache=cache, progress=False
    )
    assert extractor.calls == 36  # ground-truth features came from the cache
    assert second.overall["toy"].value == first.overall["toy"].value


def test_cli_score_on_the_synthetic_set(mini_dataset: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("INTERHF_BENCH_WEIGHTS", str(tmp_path / "no-weights"))
    dataset = Dataset(mini_dataset)
    from interhf_bench.protocol import INTERHF_MINI_V1

    pred = tmp_path / "run" / "videos"
    for row in dataset.rows[:5]:
        frames = dataset.frames(row.video_id, list(INTERHF_MINI_V1.target_frames))
        write_video(pred / f"{row.video_id}.mp4", frames, INTERHF_MINI_V1.fps)
    assert main(["score", "--data", str(mini_dataset), "--pred", str(pred), "--no-progress"]) == 0
    out = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert (out["n_expected"], out["n_evaluated"]) == (36, 5)
    assert out["overall"]["psnr"]["value"] == 100.0
    assert out["overall"]["hand_psnr"]["value"] == 100.0
    assert "not found" in out["unavailable"]["fvd"] and "weights download" in out["unavailable"]["fvd"]
    assert "5/36 videos scored" in capsys.readouterr().out


def test_lpips_and_region_lpips_in_the_results(tiny_dataset: Path, tmp_path: Path) -> None:
    import torch
    import torchvision

    from interhf_bench.metrics.lpips_vgg import LPIPSMetric
    from interhf_bench.weights.registry import get_weight
    from interhf_bench.weights.store import ResolvedWeight

    torch.manual_seed(0)
    torch.save(torchvision.models.vgg16(weights=None).state_dict(), tmp_path / "vgg.pth")
    lpips = LPIPSMetric(ResolvedWeight(get_weight("vgg16-imagenet"), tmp_path / "vgg.pth", "0" * 64, False))
    dataset = Dataset(tiny_dataset)
    write_predictions(dataset, tmp_path / "pred", lambda frames: (255 - frames).astype(np.uint8))
    result = score(dataset, TINY, tmp_path / "pred", MetricSet(frame_models=[lpips]), progress=False)
    assert result.overall["lpips"].value > 0 and result.overall["lpips"].n == 36 * 3
    assert result.overall["face_lpips"].value > 0
    assert result.overall["hand_lpips"].value is None  # the tiny dataset's hand masks are empty
    assert result.overall["interaction_lpips"].value == result.overall["face_lpips"].value
    assert "regions" in result.settings["lpips"]
