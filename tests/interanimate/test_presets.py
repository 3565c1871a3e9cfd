"""The full-size preset builds from the SVD img2vid-xt-1.1 config files (random weights, meta device)."""

from __future__ import annotations

import pytest
import torch

from interanimate.presets import build_components
from tests.conftest import SHARED

SVD_CONFIGS = SHARED / "data" / "svd-xt-1-1-configs"
# SVD's site widths in UNet order: down 2x320, 2x640, 2x1280; mid 1280; up 3x1280, 3x640, 3x320
SITE_WIDTHS = [320, 320, 640, 640, 1280, 1280, 1280, 1280, 1280, 1280, 640, 640, 640, 320, 320, 320]


def expected_interaction_parameters(d: int = 1024, k: int = 512, cross: int = 1024) -> int:
    """The new parts counted by hand: latents, one region block and one identity attention per site."""
    latents = 2 * k * d
    region = identity = 0
    for c in SITE_WIDTHS:
        codes = 2 * d * c  # P_s, P_t (no bias)
        attention = 2 * (4 * c * c + c)  # spatial and temporal: q, k, v (no bias), out (bias)
        frame_embedding = c * c + c
        mixer = (2 * c * c + c) + (c * c + c)
        out = c * c + c
        region += codes + attention + frame_embedding + mixer + out
        identity += 2 * cross * c + c * c + c  # id_to_k, id_to_v (no bias), id_out
    projection = (512 * 1024 + 1024) + (1024 * 4 * cross + 4 * cross) + 2 * cross
    return latents + region + identity + projection


@pytest.mark.skipif(not SVD_CONFIGS.is_dir(), reason=f"SVD config files not found at {SVD_CONFIGS}")
def test_full_size_preset_from_the_shipped_configs():
    with torch.device("meta"):
        components = build_components("svd-xt-1.1", source=SVD_CONFIGS, random_weights=True)
    model = components.model
    stock = sum(p.numel() for n, p in model.unet.named_parameters() if ".processor." not in n)
    assert stock == 1_524_623_082  # SVD img2vid-xt's UNet
    assert sum(p.numel() for p in model.pose_net.parameters()) == 205_557  # MimicMotion's PoseNet
    assert len(model.interaction_sites) == 16
    added = sum(p.numel() for p in model.parameters()) - stock - 205_557
    assert added == expected_interaction_parameters()
    assert model.config.num_latents == 512 and model.config.latent_dim == 1024
    assert components.scheduler.config.prediction_type == "v_prediction"


def test_unknown_preset_is_named():
    with pytest.raises(ValueError, match="unknown InterAnimate preset 'huge'"):
        build_components("huge")


def test_tiny_vae_output_layer_starts_as_a_pass_through():
    vae = build_components("tiny").vae
    frames = torch.randn(1, 3, 5, 8, 6)  # (batch, RGB, time, height, width), as the decoder calls it
    assert torch.equal(vae.decoder.time_conv_out(frames), frames)
