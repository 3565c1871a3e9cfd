"""FVD with the shipped I3D on real video: 0 on identical inputs, growing with blur strength."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from interhf_bench.io.video import read_video
from interhf_bench.metrics.frechet import FeatureStatistics, frechet_from_statistics
from interhf_bench.metrics.video_features import FVDExtractor
from interhf_bench.protocol import INTERHF_V1
from interhf_bench.scoring.metric_set import build_metric_set
from interhf_bench.weights.registry import get_weight
from interhf_bench.weights.store import resolve
from tests.conftest import MEDIA, SHARED

WEIGHTS = Path(os.environ.get("INTERHF_BENCH_WEIGHTS", SHARED / "weights"))
pytestmark = pytest.mark.skipif(
    not (WEIGHTS / "i3d" / "i3d-kinetics-400.ckpt").is_file()
    or not (MEDIA / "liveportrait" / "s20.mp4").is_file(),
    reason="the shared I3D checkpoint or the shared real video is not present",
)


@pytest.fixture(scope="module")
def extractor() -> FVDExtractor:
    return FVDExtractor(resolve(get_weight("i3d-kinetics-400-flax"), root=WEIGHTS), clip_length=16, stride=4)


@pytest.fixture(scope="module")
def clip_frames() -> np.ndarray:
    frames = read_video(MEDIA / "liveportrait" / "s20.mp4", range(0, 96, 2))
    return np.stack([cv2.resize(f, (384, 640), interpolation=cv2.INTER_AREA) for f in frames])


def fvd(extractor: FVDExtractor, generated: np.ndarray, reference: np.ndarray) -> float:
    stats = []
    for frames in (generated, reference):
        s = FeatureStatistics(extractor.dim)
        s.update(extractor.features(frames))
        stats.append(s)
    return frechet_from_statistics(*stats)


def test_fvd_is_zero_on_identical_videos_and_grows_with_blur(
    extractor: FVDExtractor, clip_frames: np.ndarray
) -> None:
    features = extractor.features(clip_frames)
    assert features.shape == ((48 - 16) // 4 + 1, 400) and np.isfinite(features).all()
    assert abs(fvd(extractor, clip_frames, clip_frames)) < 1e-3
    values = []
    for sigma in (1.0, 3.0, 8.0):
        blurred = np.stack([cv2.GaussianBlur(f, (0, 0), sigma) for f in clip_frames])
        values.append(fvd(extractor, blurred, clip_frames))
    assert all(np.isfinite(values))
    assert values[0] < values[1] < values[2], values


def test_metric_set_reports_what_is_unavailable_without_weights(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("INTERHF_BENCH_WEIGHTS", str(tmp_path))
    metrics = build_metric_set(INTERHF_V1)
    assert metrics.extractors == [] and metrics.frame_models == []
    fvd_reason, lpips_reason = metrics.unavailable["fvd"], metrics.unavailable["lpips"]
    assert "i3d-kinetics-400-flax" in fvd_reason and "interhf-bench weights download" in fvd_reason
    assert "vgg16-imagenet" in lpips_reason and "inception-fid" in metrics.unavailable["fid"]
    assert "resnet3d50-kinetics" in metrics.unavailable["fid_vid"]
    monkeypatch.setenv("INTERHF_BENCH_WEIGHTS", str(WEIGHTS))
    metrics = build_metric_set(INTERHF_V1)
    assert [e.name for e in metrics.extractors] == ["fvd"] and "fvd" not in metrics.unavailable
    assert metrics.extractors[0].settings["weights_verified"] is True


def test_fvd_preprocessing_once_per_frame_equals_the_disco_recipe_per_clip() -> None:
    from interhf_bench.metrics.video_preprocess import fvd_clip_tensor
    from tests.metrics.test_i3d import disco_clip

    path = MEDIA / "liveportrait" / "s20.mp4"
    stack = fvd_clip_tensor(read_video(path, range(20)))
    np.testing.assert_array_equal(stack[:, 4:20].numpy(), disco_clip(path, 4)[0].numpy())
