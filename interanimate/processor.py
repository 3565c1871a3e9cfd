"""The attention processor that attaches RIS and the ID Preserver to SVD's spatial cross-attentions.

It computes the stock CLIP cross-attention with diffusers' own ``AttnProcessor2_0`` and adds, in parallel,
``lambda_id * ID(h)`` and ``RAB(h)``; ``BasicTransformerBlock`` then adds the sum to the hidden states.
Temporal blocks and self-attentions keep the stock processor, so SVD's temporal path is untouched.
Being an ``nn.Module``, the processor's parameters live in the UNet's ``state_dict``.
"""

from __future__ import annotations

import torch
from diffusers import UNetSpatioTemporalConditionModel
from diffusers.models.attention_processor import Attention, AttnProcessor2_0
from torch import nn

from interanimate.context import InteractionContext
from interanimate.id_preserver import IdAttention
from interanimate.region_attention import RegionAttentionBlock


class InterAnimateAttnProcessor(nn.Module):
    """CLIP attention + ID attention + region attention block, for one spatial ``attn2`` site."""

    def __init__(
        self,
        context: InteractionContext,
        region_block: RegionAttentionBlock | None,
        id_attention: IdAttention | None,
        lambda_id: float,
    ):
        super().__init__()
        self.context = context
        self.region_block = region_block
        self.id_attention = id_attention
        self.lambda_id = lambda_id
        self.stock = AttnProcessor2_0()

    def forward(
        self,
        attn: Attention,
        hidden_states: torch.Tensor,
        encoder_hidden_states: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        temb: torch.Tensor | None = None,
        **kwargs: object,
    ) -> torch.Tensor:
        output = self.stock(attn, hidden_states, encoder_hidden_states, attention_mask, temb)
        if self.id_attention is not None and self.context.id_tokens is not None:
            output = output + self.lambda_id * self.id_attention(attn, hidden_states, self.context.id_tokens)
        if self.region_block is not None:
            output = output + self.region_block(hidden_states, self.context)
        return output


def is_spatial_cross_attention(name: str) -> bool:
    """``...transformer_blocks.0.attn2.processor`` of the 16 spatial blocks, not the temporal ones."""
    return name.endswith("attn2.processor") and ".transformer_blocks." in name and "temporal" not in name


def attach_interaction_processors(
    unet: UNetSpatioTemporalConditionModel,
    context: InteractionContext,
    *,
    use_ris: bool,
    use_id: bool,
    latent_dim: int,
    use_soft_quant: bool,
    tau: float,
    frame_embedding: bool,
    lambda_id: float,
) -> list[str]:
    """Install the processors; returns the names of the sites that got one."""
    processors: dict[str, object] = {}
    sites: list[str] = []
    modules = dict(unet.named_modules())
    for name in unet.attn_processors:
        if not is_spatial_cross_attention(name) or not (use_ris or use_id):
            processors[name] = AttnProcessor2_0()
            continue
        attn = modules[name.removesuffix(".processor")]
        channels = attn.to_q.in_features
        region = (
            RegionAttentionBlock(
                channels, latent_dim, use_soft_quant=use_soft_quant, tau=tau, frame_embedding=frame_embedding
            )
            if use_ris
            else None
        )
        identity = IdAttention(attn) if use_id else None
        processors[name] = InterAnimateAttnProcessor(context, region, identity, lambda_id)
        sites.append(name.removesuffix(".processor"))
    unet.set_attn_processor(processors)
    return sites
