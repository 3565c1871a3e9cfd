"""Conditioning shared by training and inference, so both see exactly the same inputs.

CLIP: anti-aliased resize to the encoder's size and CLIP normalisation of the [-1, 1] reference (SVD's
recipe), one ``image_embeds`` token. Reference latents: the VAE's distribution mode of the
noise-augmented reference, unscaled (SVD's convention). ``added_time_ids`` = (fps - 1, motion bucket,
noise augmentation), as SVD's pipeline passes them.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from diffusers import AutoencoderKLTemporalDecoder
from transformers import CLIPVisionModelWithProjection
from transformers.image_utils import OPENAI_CLIP_MEAN, OPENAI_CLIP_STD


def to_unit_range(frames: np.ndarray) -> torch.Tensor:
    """``(..., H, W, 3)`` uint8 to ``(..., 3, H, W)`` float in [-1, 1], the range every network here reads."""
    tensor = torch.from_numpy(np.ascontiguousarray(frames)).float() / 127.5 - 1
    return tensor.movedim(-1, -3)


def clip_embedding(image_encoder: CLIPVisionModelWithProjection, reference: torch.Tensor) -> torch.Tensor:
    """``(B, 3, H, W)`` in [-1, 1] to ``(B, 1, D)``."""
    size = image_encoder.config.image_size
    pixels = F.interpolate(
        reference.float(), size=(size, size), mode="bicubic", antialias=True, align_corners=False
    )
    pixels = (pixels.clamp(-1, 1) + 1) / 2
    mean = torch.tensor(OPENAI_CLIP_MEAN, device=pixels.device).view(1, 3, 1, 1)
    std = torch.tensor(OPENAI_CLIP_STD, device=pixels.device).view(1, 3, 1, 1)
    pixels = ((pixels - mean) / std).to(image_encoder.dtype)
    return image_encoder(pixels).image_embeds.unsqueeze(1)


def reference_latents(
    vae: AutoencoderKLTemporalDecoder,
    reference: torch.Tensor,
    noise_aug_strength: float,
    generator: torch.Generator,
) -> torch.Tensor:
    """``(B, C, h, w)`` unscaled latents of ``reference + noise_aug_strength * noise``."""
    noise = torch.randn(reference.shape, generator=generator).to(reference.device, reference.dtype)
    noisy = (reference + noise_aug_strength * noise).to(vae.dtype)
    return vae.encode(noisy).latent_dist.mode()


def added_time_ids(
    fps: int,
    motion_bucket_id: int,
    noise_aug_strength: float,
    batch: int,
    device: torch.device | str,
    dtype: torch.dtype,
) -> torch.Tensor:
    return torch.tensor([[fps - 1, motion_bucket_id, noise_aug_strength]] * batch, device=device, dtype=dtype)


def conditioning_keep(draw: torch.Tensor, p: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(keep_clip, keep_reference, keep_pose)``, 0/1 floats shaped like ``draw`` (uniform in [0, 1)).

    SVD-Xtend's scheme (docs/interanimate.md#conditioning-dropout): CLIP and the identity are dropped for
    ``draw < 2p``, the reference latents for ``p <= draw < 3p``. Both are dropped only in
    ``p <= draw < 2p``, so that is where the pose is dropped too: the one band in which the model sees the
    unconditional branch of classifier-free guidance exactly (no CLIP, no reference, no pose, no
    identity). Dropping the pose for ``draw < p`` instead would never show the model that input, since
    the reference is kept there.
    """
    keep_clip = (draw >= 2 * p).float()
    keep_reference = 1 - ((draw >= p) & (draw < 3 * p)).float()
    keep_pose = 1 - ((draw >= p) & (draw < 2 * p)).float()
    return keep_clip, keep_reference, keep_pose
