"""The VAE's SSIM loss against the reference implementation the benchmark's SSIM uses (skimage)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from skimage.metrics import structural_similarity

from interanimate.training.ssim_loss import ssim


def _grey_frames(seed: int) -> np.ndarray:
    """Integer grey levels, so OpenCV's rounding in the benchmark's grey conversion changes nothing."""
    rng = np.random.default_rng(seed)
    smooth = rng.integers(0, 256, (2, 6, 5)).repeat(8, axis=1).repeat(8, axis=2)
    return np.clip(smooth + rng.integers(-20, 21, smooth.shape), 0, 255).astype(np.float64)


def _as_rgb_unit(grey: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(grey / 127.5 - 1).float()[:, None].repeat(1, 3, 1, 1)


def test_ssim_matches_skimage_defaults_on_grey_frames():
    a, b = _grey_frames(0), _grey_frames(1)
    expected = np.mean([structural_similarity(x, y, data_range=255) for x, y in zip(a, b, strict=True)])
    assert float(ssim(_as_rgb_unit(a), _as_rgb_unit(b))) == pytest.approx(expected, abs=1e-5)
    assert float(ssim(_as_rgb_unit(a), _as_rgb_unit(a))) == pytest.approx(1.0, abs=1e-6)


def test_ssim_loss_has_gradients_towards_the_target():
    target = _as_rgb_unit(_grey_frames(2))
    generated = target + 0.2 * torch.randn(target.shape, generator=torch.Generator().manual_seed(0))
    generated.requires_grad_(True)
    (1 - ssim(generated, target)).backward()
    step = generated.detach() - 0.5 * generated.grad / generated.grad.abs().max()
    assert float(ssim(step, target)) > float(ssim(generated.detach(), target))
