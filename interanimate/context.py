"""The side channel between the InterAnimate wrapper and its attention processors.

diffusers' ``TransformerSpatioTemporalModel`` calls its spatial blocks without ``cross_attention_kwargs``,
so masks, identity tokens and the frame count cannot travel as arguments. The wrapper fills one
``InteractionContext`` before each UNet call and every processor reads it. It is overwritten, never
cleared, after a forward pass: gradient checkpointing re-runs the processors during backward.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch


@dataclass
class InteractionContext:
    """What the processors need for one UNet call."""

    num_frames: int = 0
    # sequence length h*w of a resolution level -> (B*F, h*w, 1) hand-or-face mask at that level
    masks: dict[int, torch.Tensor] = field(default_factory=dict)
    id_tokens: torch.Tensor | None = None  # (B, tokens, cross_attention_dim)
    spatial_latents: torch.Tensor | None = None  # (K, d)
    temporal_latents: torch.Tensor | None = None  # (K, d)
    pose_features: torch.Tensor | None = None  # (B*F, C0, h, w), added after conv_in
    code_usage: list[torch.Tensor] = field(default_factory=list)  # detached mean assignments, for logging

    def mask_for(self, sequence_length: int) -> torch.Tensor:
        try:
            return self.masks[sequence_length]
        except KeyError:
            known = sorted(self.masks)
            raise RuntimeError(
                f"no region mask for a level with {sequence_length} tokens (masks exist for {known}); "
                "pass region_mask to InterAnimateModel.forward"
            ) from None
