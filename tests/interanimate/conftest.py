"""Tiny InterAnimate inputs shared by the model, pipeline and training tests."""

from __future__ import annotations

import pytest
import torch

from interanimate.presets import TINY_UNET, TINY_VAE_FACTOR, tiny_components


def model_inputs(batch: int = 1, frames: int = 3, size: int = 64, seed: int = 0) -> dict[str, torch.Tensor]:
    """Random ``forward`` arguments for the tiny preset: latents on its VAE's grid, a mask over part."""
    generator = torch.Generator().manual_seed(seed)
    latent = size // TINY_VAE_FACTOR
    mask = torch.zeros(batch, frames, 1, size, size)
    mask[..., size // 4 : size // 2, size // 8 : size // 2] = 1
    return {
        "sample": torch.randn(batch, frames, TINY_UNET["in_channels"], latent, latent, generator=generator),
        "timestep": torch.full((batch,), 0.3),
        "encoder_hidden_states": torch.randn(batch, 1, 32, generator=generator),
        "added_time_ids": torch.tensor([[6.0, 127.0, 0.02]] * batch),
        "pose_images": torch.rand(batch, frames, 3, size, size, generator=generator) * 2 - 1,
        "region_mask": mask,
        "identity": torch.randn(batch, 512, generator=generator),
    }


@pytest.fixture
def tiny():
    return tiny_components(seed=0)
