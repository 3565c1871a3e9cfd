"""FID-VID extractor: windows of the once-preprocessed stack equal per-window DisCo preprocessing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from interhf_bench.metrics.networks.resnet3d import resnet3d50
from interhf_bench.metrics.video_features import FIDVIDExtractor
from interhf_bench.metrics.video_preprocess import fidvid_clip_tensor
from interhf_bench.weights.registry import get_weight
from interhf_bench.weights.store import ResolvedWeight


@pytest.mark.parametrize("disco_layout", [True, False], ids=["batch-1-contiguous", "default"])
def test_fid_vid_features_per_window(tmp_path: Path, monkeypatch, disco_layout: bool) -> None:
    """With DisCo's batch of 1 and default layout the features are bit-equal to one window at a time;
    with the default batches and channels-last layout they differ only by float32 summation order."""
    from interhf_bench.metrics import video_features

    if disco_layout:
        monkeypatch.setattr(video_features, "CLIP_BATCH", {"cpu": 1})
        monkeypatch.setattr(video_features, "CLIP_LAYOUT", "contiguous_format")
    torch.manual_seed(0)
    model = resnet3d50().eval()
    checkpoint = {
        "arch": "resnet-50",
        "state_dict": {f"module.{k}": v for k, v in model.state_dict().items()},
    }
    path = tmp_path / "resnet-50-kinetics.pth"
    torch.save(checkpoint, path)
    weights = ResolvedWeight(get_weight("resnet3d50-kinetics"), path, "0" * 64, verified=False)
    extractor = FIDVIDExtractor(weights, clip_length=16, stride=8)
    frames = np.random.default_rng(0).integers(0, 256, (32, 40, 24, 3), dtype=np.uint8)
    features = extractor.features(frames)
    assert features.shape == (3, 2048)
    with torch.no_grad():
        for row, start in zip(features, (0, 8, 16), strict=True):
            expected = model.features(fidvid_clip_tensor(frames[start : start + 16])[None])[0].numpy()
            if disco_layout:
                np.testing.assert_array_equal(row, expected)
            else:
                np.testing.assert_allclose(row, expected, rtol=0, atol=1e-5 * np.abs(expected).max())
    assert extractor.settings["weights_verified"] is False and extractor.identity
