"""Hand/face masks at every resolution level of the UNet, where the region attention reads them.

Max-pooling, not bilinear or bicubic resizing, keeps a small hand visible at the coarsest levels. Each
level has its own token count ``h*w``, which is how a processor finds its mask.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def level_sizes(latent_size: tuple[int, int], num_levels: int) -> list[tuple[int, int]]:
    """Feature sizes of the UNet levels: each stride-2 downsampler (kernel 3, pad 1) halves, rounding up."""
    sizes = [latent_size]
    for _ in range(num_levels - 1):
        height, width = sizes[-1]
        sizes.append(((height + 1) // 2, (width + 1) // 2))
    return sizes


def masks_per_level(region_mask: torch.Tensor, sizes: list[tuple[int, int]]) -> dict[int, torch.Tensor]:
    """``(B, F, 1, H, W)`` (or ``(B, F, H, W)``) masks to ``{h*w: (B*F, h*w, 1)}`` for each level size."""
    if region_mask.ndim == 4:
        region_mask = region_mask.unsqueeze(2)
    flat = region_mask.flatten(0, 1).float()
    masks: dict[int, torch.Tensor] = {}
    for height, width in sizes:
        tokens = height * width
        if tokens in masks:
            raise ValueError(f"two UNet levels have {tokens} tokens; masks cannot be told apart at {sizes}")
        pooled = F.adaptive_max_pool2d(flat, (height, width))
        masks[tokens] = pooled.flatten(2).transpose(1, 2)
    return masks
