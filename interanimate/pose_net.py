"""MimicMotion-style pose encoder: rendered pose images to a residual on the UNet's first feature map.

The layer layout and parameter names (``conv_layers.<i>``, ``final_proj``, ``scale``) follow MimicMotion's
PoseNet so its released checkpoint (``pose_net.*`` keys of ``MimicMotion_1-1.pth``) loads by name. The
output projection starts at zero, so an untrained PoseNet leaves the UNet unchanged.
"""

from __future__ import annotations

import math

import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn

# (in, out, kernel, stride) of the eight convolutions, each followed by SiLU: three stride-2 steps give
# the VAE's 1/8 latent grid.
_CONVOLUTIONS: tuple[tuple[int, int, int, int], ...] = (
    (3, 3, 3, 1),
    (3, 16, 4, 2),
    (16, 16, 3, 1),
    (16, 32, 4, 2),
    (32, 32, 3, 1),
    (32, 64, 4, 2),
    (64, 64, 3, 1),
    (64, 128, 3, 1),
)


def convolutions(downsample: int) -> tuple[tuple[int, int, int, int], ...]:
    """The layout for a VAE that downsamples by ``downsample`` (8: MimicMotion's, 4 or 2: smaller VAEs).

    The last stride-2 steps a smaller factor does not need become stride-1 3x3 convolutions, so the layer
    names stay MimicMotion's; only factor 8 has its checkpoint's shapes.
    """
    strided = [index for index, layer in enumerate(_CONVOLUTIONS) if layer[3] == 2]
    if downsample not in (2, 4, 8):
        raise ValueError(f"PoseNet downsample must be 2, 4 or 8 (the VAE's factor), got {downsample}")
    keep = int(math.log2(downsample))
    layout = list(_CONVOLUTIONS)
    for index in strided[keep:]:
        in_channels, out_channels, _, _ = layout[index]
        layout[index] = (in_channels, out_channels, 3, 1)
    return tuple(layout)


class PoseNet(ModelMixin, ConfigMixin):
    """``(N, 3, H, W)`` pose images in [-1, 1] to ``(N, latent_channels, H/d, W/d)`` residual features,
    ``d = downsample`` (the VAE's factor)."""

    @register_to_config
    def __init__(self, latent_channels: int = 320, downsample: int = 8):
        super().__init__()
        layers: list[nn.Module] = []
        for in_channels, out_channels, kernel, stride in convolutions(downsample):
            layers += [nn.Conv2d(in_channels, out_channels, kernel, stride=stride, padding=1), nn.SiLU()]
        self.conv_layers = nn.Sequential(*layers)
        self.final_proj = nn.Conv2d(128, latent_channels, kernel_size=1)
        self.scale = nn.Parameter(torch.full((1,), 2.0))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """He-normal convolutions with zero bias; a zero output projection (no effect before training)."""
        for layer in self.conv_layers:
            if isinstance(layer, nn.Conv2d):
                fan_in = layer.kernel_size[0] * layer.kernel_size[1] * layer.in_channels
                nn.init.normal_(layer.weight, std=math.sqrt(2.0 / fan_in))
                nn.init.zeros_(layer.bias)
        nn.init.zeros_(self.final_proj.weight)
        nn.init.zeros_(self.final_proj.bias)

    def forward(self, pose_images: torch.Tensor) -> torch.Tensor:
        if pose_images.ndim == 5:  # (B, F, 3, H, W): frames share the encoder
            pose_images = pose_images.flatten(0, 1)
        return self.final_proj(self.conv_layers(pose_images)) * self.scale
