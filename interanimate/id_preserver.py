"""The ID Preserver: an ArcFace embedding to tokens, attended in parallel with CLIP.

The projection is IP-Adapter-FaceID's MLP (512 -> hidden -> tokens x cross_dim, LayerNorm). Each spatial
cross-attention site gets its own key/value projections, initialised from that site's CLIP ``to_k`` /
``to_v`` (as IP-Adapter and StableAnimator do), reuses the site's query, and ends in a zero-initialised
output projection so the block starts as a no-op.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from diffusers.models.attention_processor import Attention
from torch import nn


class IdProjection(nn.Module):
    """``(B, embedding_dim)`` identity embeddings to ``(B, num_tokens, cross_attention_dim)`` tokens."""

    def __init__(self, embedding_dim: int, hidden_dim: int, cross_attention_dim: int, num_tokens: int):
        super().__init__()
        self.num_tokens = num_tokens
        self.cross_attention_dim = cross_attention_dim
        self.proj = nn.Sequential(
            nn.Linear(embedding_dim, hidden_dim),
            nn.GELU(),
            nn.Linear(hidden_dim, cross_attention_dim * num_tokens),
        )
        self.norm = nn.LayerNorm(cross_attention_dim)

    def forward(self, embedding: torch.Tensor) -> torch.Tensor:
        tokens = self.proj(embedding).view(-1, self.num_tokens, self.cross_attention_dim)
        return self.norm(tokens)


class IdAttention(nn.Module):
    """Cross-attention from a site's queries to the identity tokens, zero at initialisation."""

    def __init__(self, attn: Attention):
        super().__init__()
        inner_dim = attn.to_k.out_features
        self.heads = attn.heads
        self.id_to_k = nn.Linear(attn.to_k.in_features, inner_dim, bias=False)
        self.id_to_v = nn.Linear(attn.to_v.in_features, inner_dim, bias=False)
        with torch.no_grad():
            self.id_to_k.weight.copy_(attn.to_k.weight)
            self.id_to_v.weight.copy_(attn.to_v.weight)
        self.id_out = nn.Linear(inner_dim, attn.to_out[0].out_features)
        nn.init.zeros_(self.id_out.weight)
        nn.init.zeros_(self.id_out.bias)

    def forward(self, attn: Attention, hidden_states: torch.Tensor, id_tokens: torch.Tensor) -> torch.Tensor:
        """``hidden_states`` ``(B*F, S, C)``; ``id_tokens`` ``(B, tokens, cross_dim)``, one per video."""
        frames_total, length, _ = hidden_states.shape
        per_frame = id_tokens.repeat_interleave(frames_total // id_tokens.shape[0], dim=0).to(
            hidden_states.dtype
        )
        query = attn.to_q(hidden_states)
        head_dim = query.shape[-1] // self.heads
        q = query.view(frames_total, length, self.heads, head_dim).transpose(1, 2)
        k = self.id_to_k(per_frame).view(frames_total, -1, self.heads, head_dim).transpose(1, 2)
        v = self.id_to_v(per_frame).view(frames_total, -1, self.heads, head_dim).transpose(1, 2)
        attended = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(frames_total, length, -1)
        return self.id_out(attended)
