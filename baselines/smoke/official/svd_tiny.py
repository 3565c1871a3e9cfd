"""Small random Stable Video Diffusion parts (UNet config, VAE, CLIP image encoder, scheduler, feature
extractor) in the diffusers layout the SVD-based baselines load, for the CPU smoke test.

Shared by the MimicMotion and StableAnimator weight scripts, copied beside them; it runs in the method's
environment (diffusers, transformers, torch). The shapes keep what the official code hard-codes: a VAE
that downsamples by 8 (the PoseNet's three stride-2 convolutions), 4 latent channels, the UNet's 8 input
channels and its ``3 x addition_time_embed_dim`` time ids, channel counts divisible by 32 (GroupNorm).
"""

from pathlib import Path

import torch
from diffusers import AutoencoderKLTemporalDecoder, EulerDiscreteScheduler
from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

WIDTH = 32  # channels of every block
CROSS_ATTENTION = 32  # the image encoder's projection = the UNet's cross-attention width
TIME_EMBED = 8
UNET_CONFIG = {
    "sample_size": 96, "in_channels": 8, "out_channels": 4, "num_frames": 25,
    "down_block_types": ["CrossAttnDownBlockSpatioTemporal", "DownBlockSpatioTemporal"],
    "up_block_types": ["UpBlockSpatioTemporal", "CrossAttnUpBlockSpatioTemporal"],
    "block_out_channels": [WIDTH, 2 * WIDTH], "addition_time_embed_dim": TIME_EMBED,
    "projection_class_embeddings_input_dim": 3 * TIME_EMBED, "layers_per_block": 1,
    "cross_attention_dim": CROSS_ATTENTION, "transformer_layers_per_block": 1, "num_attention_heads": [2, 4],
}  # fmt: skip
SCHEDULER = {  # SVD-xt's scheduler_config.json
    "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085,
    "interpolation_type": "linear", "num_train_timesteps": 1000, "prediction_type": "v_prediction",
    "rescale_betas_zero_snr": False, "sigma_max": 700.0, "sigma_min": 0.002, "steps_offset": 1,
    "timestep_spacing": "leading", "timestep_type": "continuous", "use_karras_sigmas": True,
}  # fmt: skip


def write_svd(
    folder, unet_class, *, variant=None, unet_weights=True, cross_attention=CROSS_ATTENTION, unet_config=None
):
    """Every part the SVD loaders open, under ``folder``; ``variant="fp16"`` saves fp16 ``.fp16`` files.
    ``cross_attention`` is the UNet's cross-attention width and the image encoder's projection;
    ``unet_config`` overrides entries of the small UNet's config (where official code fixes the widths)."""
    folder = Path(folder)
    torch.manual_seed(0)
    unet = unet_class.from_config(
        {**UNET_CONFIG, "cross_attention_dim": cross_attention, **(unet_config or {})}
    )
    unet.save_pretrained(folder / "unet", variant=variant) if unet_weights else unet.save_config(
        folder / "unet"
    )
    vae = AutoencoderKLTemporalDecoder(
        block_out_channels=[WIDTH] * 4, down_block_types=["DownEncoderBlock2D"] * 4, layers_per_block=1
    )
    encoder = CLIPVisionModelWithProjection(CLIPVisionConfig(
        hidden_size=32, intermediate_size=37, num_hidden_layers=1, num_attention_heads=2, image_size=224,
        patch_size=32, projection_dim=cross_attention,
    ))  # fmt: skip
    if variant == "fp16":
        vae, encoder = vae.half(), encoder.half()
    vae.save_pretrained(folder / "vae", variant=variant)
    encoder.save_pretrained(folder / "image_encoder", variant=variant)
    EulerDiscreteScheduler(**SCHEDULER).save_pretrained(folder / "scheduler")
    CLIPImageProcessor().save_pretrained(folder / "feature_extractor")
    return unet
