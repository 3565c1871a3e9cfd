"""Model presets: ``svd-xt-1.1`` (the paper's size) and ``tiny`` (a laptop CPU, same code paths).

A preset gives the InterAnimate model configuration and the frozen SVD components (temporal VAE, CLIP
image encoder, Euler scheduler). ``svd-xt-1.1`` loads them from a local diffusers SVD folder or a hub id;
with ``random_weights`` it builds them from the folder's config files alone (no weights downloaded).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from diffusers import AutoencoderKLTemporalDecoder, EulerDiscreteScheduler, UNetSpatioTemporalConditionModel
from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

from interanimate.model import InterAnimateModel

SVD_XT_1_1 = "stabilityai/stable-video-diffusion-img2vid-xt-1-1"
PRESETS = ("svd-xt-1.1", "tiny")

# SVD's scheduler: v-prediction on EDM sigmas in [0.002, 700] with Karras spacing (scheduler_config.json).
SVD_SCHEDULER = {
    "beta_start": 0.00085,
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "num_train_timesteps": 1000,
    "prediction_type": "v_prediction",
    "interpolation_type": "linear",
    "sigma_min": 0.002,
    "sigma_max": 700.0,
    "steps_offset": 1,
    "timestep_spacing": "leading",
    "timestep_type": "continuous",
    "use_karras_sigmas": True,
}

# SVD's UNet layout at CPU size, with the interaction latents and ID widths scaled down alike.
TINY_UNET = {
    "in_channels": 32,  # noisy latents + reference latents, 16 channels each (TINY_VAE)
    "out_channels": 16,
    "block_out_channels": [32, 64, 64, 64],
    "num_attention_heads": [2, 2, 2, 2],
    "layers_per_block": 1,
    "cross_attention_dim": 32,
    "addition_time_embed_dim": 8,
    "projection_class_embeddings_input_dim": 24,
    "num_frames": 16,
}
TINY_VAE = {
    # Three levels, a 1/4 latent grid (40x24 for a 160x96 frame): at 1/8 a VAE this small loses the
    # faces' and hands' detail, and its round trip caps what any denoiser on its latents can reach.
    "down_block_types": ["DownEncoderBlock2D"] * 3,
    # 64, not 32, at full resolution: diffusers fixes GroupNorm at 32 groups, so 32 channels would be
    # one channel per group, an instance norm before the output convolution that leaves the decoder
    # almost no way to set a frame's overall colour.
    "block_out_channels": [64, 64, 64],
    "layers_per_block": 1,
    # 16 channels: the 4 of SVD's VAE cannot carry a frame once the VAE is this small and briefly
    # trained; 16 costs the UNet almost nothing (only conv_in and conv_out widen).
    "latent_channels": 16,
}
TINY_VAE_FACTOR = 2 ** (len(TINY_VAE["block_out_channels"]) - 1)
TINY_INTERACTION = {
    "num_latents": 16,
    "latent_dim": 32,
    "id_hidden_dim": 64,
    "id_num_tokens": 2,
    "pose_downsample": TINY_VAE_FACTOR,  # PoseNet's output must land on the VAE's latent grid
}
TINY_CLIP = {
    "hidden_size": 32,
    "intermediate_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
    "image_size": 32,
    "patch_size": 8,
    "projection_dim": 32,
}


@dataclass
class Components:
    """Everything a pipeline or the trainer needs besides data."""

    model: InterAnimateModel
    vae: AutoencoderKLTemporalDecoder
    image_encoder: CLIPVisionModelWithProjection
    scheduler: EulerDiscreteScheduler


@torch.no_grad()
def pass_through_time_conv_out(vae: AutoencoderKLTemporalDecoder) -> None:
    """Start the decoder's last layer, a 3-tap temporal convolution over RGB, as the identity.

    Randomly initialised it mixes colours across neighbouring frames, which a from-scratch autoencoder
    must first unlearn.
    """
    conv = vae.decoder.time_conv_out
    conv.weight.zero_()
    conv.bias.zero_()
    centre = conv.kernel_size[0] // 2
    for channel in range(conv.out_channels):
        conv.weight[channel, channel, centre] = 1.0


def tiny_components(seed: int = 0, **switches: Any) -> Components:
    """Randomly initialised tiny components (deterministic in ``seed``)."""
    torch.manual_seed(seed)
    model = InterAnimateModel(
        unet_config=TINY_UNET,
        **{**TINY_INTERACTION, "id_embedding_dim": 512, **switches},
    )
    vae = AutoencoderKLTemporalDecoder(**TINY_VAE)
    pass_through_time_conv_out(vae)
    image_encoder = CLIPVisionModelWithProjection(CLIPVisionConfig(**TINY_CLIP))
    return Components(model, vae, image_encoder, EulerDiscreteScheduler(**SVD_SCHEDULER))


def svd_components(
    source: str | Path = SVD_XT_1_1, *, random_weights: bool = False, **switches: Any
) -> Components:
    """The full-size model on SVD img2vid-xt-1.1 (``source``: local diffusers folder or hub id).

    With ``random_weights`` only the config files are read and every network is randomly initialised
    (for tests and memory checks without the 9 GB of weights).
    """
    source = str(source)
    unet_config = UNetSpatioTemporalConditionModel.load_config(source, subfolder="unet")
    model = InterAnimateModel(unet_config=dict(unet_config), **switches)
    if random_weights:
        vae = AutoencoderKLTemporalDecoder.from_config(
            AutoencoderKLTemporalDecoder.load_config(source, subfolder="vae")
        )
        clip_config = CLIPVisionConfig.from_pretrained(source, subfolder="image_encoder")
        image_encoder = CLIPVisionModelWithProjection(clip_config)
    else:
        unet = UNetSpatioTemporalConditionModel.from_pretrained(source, subfolder="unet")
        model.load_unet_state(unet.state_dict())
        vae = AutoencoderKLTemporalDecoder.from_pretrained(source, subfolder="vae")
        image_encoder = CLIPVisionModelWithProjection.from_pretrained(source, subfolder="image_encoder")
    with torch.device("cpu"):  # its sigma tables are data, also when the networks are built on "meta"
        scheduler = EulerDiscreteScheduler.from_pretrained(source, subfolder="scheduler")
    return Components(model, vae, image_encoder, scheduler)


def build_components(
    preset: str,
    *,
    source: str | Path | None = None,
    random_weights: bool = False,
    seed: int = 0,
    **switches: Any,
) -> Components:
    """Components of a named preset."""
    if preset == "tiny":
        return tiny_components(seed, **switches)
    if preset == "svd-xt-1.1":
        torch.manual_seed(seed)
        return svd_components(source or SVD_XT_1_1, random_weights=random_weights, **switches)
    raise ValueError(f"unknown InterAnimate preset {preset!r}; choose one of {', '.join(PRESETS)}")
