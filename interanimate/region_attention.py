"""The Region Attention Block of the Region-aware Interaction System (RIS).

Spatial branch: each token (``(B*F, h*w, C)``) is soft-quantized against this site's projection of the
spatial interaction latents and attends to them. Temporal branch: the same tokens regrouped per pixel
(``(B*h*w, F, C)``) plus a frame-index embedding, quantized against and attending to the temporal latents.
A Mixer fuses both; a zero-initialised output projection and the hand/face mask make the block a no-op
at initialisation and outside the interaction regions.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from diffusers.models.embeddings import get_timestep_embedding
from torch import nn

from interanimate.context import InteractionContext
from interanimate.quantize import soft_quantize


def attention_heads(channels: int, head_dim: int = 64) -> int:
    """SVD's head width (64) where the channels allow it, one head otherwise."""
    return max(1, channels // head_dim)


class LatentCrossAttention(nn.Module):
    """Multi-head attention from ``(N, S, C)`` queries to one shared ``(K, C)`` set of keys and values.

    The latents are projected once per call and broadcast over the batch, instead of being repeated for
    each of the ``B*h*w`` temporal sequences as ``nn.MultiheadAttention`` would.
    """

    def __init__(self, channels: int):
        super().__init__()
        self.heads = attention_heads(channels)
        self.to_q = nn.Linear(channels, channels, bias=False)
        self.to_k = nn.Linear(channels, channels, bias=False)
        self.to_v = nn.Linear(channels, channels, bias=False)
        self.to_out = nn.Linear(channels, channels)

    def forward(self, queries: torch.Tensor, latents: torch.Tensor) -> torch.Tensor:
        batch, length, channels = queries.shape
        head_dim = channels // self.heads
        q = self.to_q(queries).view(batch, length, self.heads, head_dim).transpose(1, 2)
        k = self.to_k(latents).view(1, -1, self.heads, head_dim).transpose(1, 2).expand(batch, -1, -1, -1)
        v = self.to_v(latents).view(1, -1, self.heads, head_dim).transpose(1, 2).expand(batch, -1, -1, -1)
        attended = F.scaled_dot_product_attention(q, k.to(q.dtype), v.to(q.dtype))
        return self.to_out(attended.transpose(1, 2).reshape(batch, length, channels))


class RegionAttentionBlock(nn.Module):
    """``RAB(h) = M * W_out(Mixer(S(h), T(h)))`` for one attention site of width ``channels``."""

    def __init__(
        self, channels: int, latent_dim: int, *, use_soft_quant: bool, tau: float, frame_embedding: bool
    ):
        super().__init__()
        self.use_soft_quant = use_soft_quant
        self.tau = tau
        self.spatial_codes = nn.Linear(latent_dim, channels, bias=False)
        self.temporal_codes = nn.Linear(latent_dim, channels, bias=False)
        self.spatial_attention = LatentCrossAttention(channels)
        self.temporal_attention = LatentCrossAttention(channels)
        self.frame_embedding = nn.Linear(channels, channels) if frame_embedding else None
        self.mixer = nn.Sequential(
            nn.Linear(2 * channels, channels), nn.GELU(), nn.Linear(channels, channels)
        )
        self.proj_out = nn.Linear(channels, channels)
        nn.init.zeros_(self.proj_out.weight)
        nn.init.zeros_(self.proj_out.bias)

    def _query(
        self, features: torch.Tensor, codes: torch.Tensor, context: InteractionContext
    ) -> torch.Tensor:
        if not self.use_soft_quant:
            return features
        quantized, assignment = soft_quantize(features, codes, self.tau)
        context.code_usage.append(assignment.detach().reshape(-1, assignment.shape[-1]).mean(dim=0))
        return quantized

    def _frame_positions(self, num_frames: int, like: torch.Tensor) -> torch.Tensor:
        frames = torch.arange(num_frames, device=like.device)
        sinusoid = get_timestep_embedding(
            frames, like.shape[-1], flip_sin_to_cos=True, downscale_freq_shift=0
        )
        return self.frame_embedding(sinusoid.to(like.dtype))  # (F, C)

    def forward(self, hidden_states: torch.Tensor, context: InteractionContext) -> torch.Tensor:
        if context.spatial_latents is None or context.temporal_latents is None:
            raise RuntimeError("the interaction latents are missing from the context")
        frames_total, tokens, channels = hidden_states.shape
        num_frames = context.num_frames
        batch = frames_total // num_frames
        spatial_codes = self.spatial_codes(context.spatial_latents.to(hidden_states.dtype))
        temporal_codes = self.temporal_codes(context.temporal_latents.to(hidden_states.dtype))

        spatial_query = self._query(hidden_states, spatial_codes, context)
        spatial = self.spatial_attention(spatial_query, spatial_codes)

        per_pixel = hidden_states.view(batch, num_frames, tokens, channels).permute(0, 2, 1, 3)
        per_pixel = per_pixel.reshape(batch * tokens, num_frames, channels)
        if self.frame_embedding is not None:
            per_pixel = per_pixel + self._frame_positions(num_frames, per_pixel)
        temporal_query = self._query(per_pixel, temporal_codes, context)
        temporal = self.temporal_attention(temporal_query, temporal_codes)
        temporal = temporal.view(batch, tokens, num_frames, channels).permute(0, 2, 1, 3)
        temporal = temporal.reshape(frames_total, tokens, channels)

        mixed = self.mixer(torch.cat([spatial, temporal], dim=-1))
        return context.mask_for(tokens).to(hidden_states.dtype) * self.proj_out(mixed)
