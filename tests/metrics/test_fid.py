"""FID features: our in-memory path equals pytorch-fid's own folder-of-PNGs path (random weights)."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import cv2
import numpy as np
import pytest
import torch

from interhf_bench.metrics.fid_inception import FIDExtractor
from interhf_bench.weights.registry import get_weight
from interhf_bench.weights.store import ResolvedWeight


@pytest.fixture(scope="module")
def random_fid_state() -> dict[str, torch.Tensor]:
    """A state dict of pytorch-fid's FID Inception architecture with random weights (no download)."""
    from pytorch_fid import inception

    torch.manual_seed(0)
    with (
        mock.patch.object(inception, "load_state_dict_from_url", lambda *a, **k: {}),
        mock.patch.object(torch.nn.Module, "load_state_dict", lambda self, *a, **k: None),
    ):
        network = inception.fid_inception_v3()
    return network.state_dict()


def test_features_equal_pytorch_fid_on_png_files(random_fid_state, tmp_path: Path) -> None:
    from pytorch_fid.fid_score import calculate_activation_statistics
    from pytorch_fid.inception import InceptionV3

    path = tmp_path / "inception.pth"
    torch.save(random_fid_state, path)
    extractor = FIDExtractor(ResolvedWeight(get_weight("inception-fid"), path, "0" * 64, verified=False))
    frames = np.random.default_rng(0).integers(0, 256, (5, 80, 48, 3), dtype=np.uint8)
    files = []
    for i, frame in enumerate(frames):
        files.append(str(tmp_path / f"{i}.png"))
        cv2.imwrite(files[-1], cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    ours = extractor.features(frames)
    assert ours.shape == (5, 2048)
    with mock.patch("pytorch_fid.inception.load_state_dict_from_url", lambda *a, **k: random_fid_state):
        reference_model = InceptionV3([3]).eval()
    mu, sigma = calculate_activation_statistics(
        files, reference_model, batch_size=50, dims=2048, device="cpu"
    )
    np.testing.assert_allclose(ours.mean(axis=0), mu, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(np.cov(ours, rowvar=False), sigma, rtol=1e-3, atol=1e-7)
