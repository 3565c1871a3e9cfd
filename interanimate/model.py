"""InterAnimate: SVD's spatio-temporal UNet + PoseNet + Region-aware Interaction System + ID Preserver.

One diffusers model (``save_pretrained`` / ``from_pretrained``) that owns the stock
``UNetSpatioTemporalConditionModel`` and the new parts. Nothing of diffusers is copied: the pose features
enter through a forward hook on ``conv_in`` (MimicMotion adds them right there), RIS and ID through
attention processors, and both read an :class:`InteractionContext` the wrapper fills before each call.
Attribute names ``unet`` and ``pose_net`` match MimicMotion's checkpoint, which therefore loads by name.
"""

from __future__ import annotations

from typing import Any

import torch
from diffusers import UNetSpatioTemporalConditionModel
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn

from interanimate.context import InteractionContext
from interanimate.id_preserver import IdProjection
from interanimate.masks import level_sizes, masks_per_level
from interanimate.memory import own_memory
from interanimate.pose_net import PoseNet
from interanimate.processor import attach_interaction_processors
from interanimate.quantize import orthogonality_loss, perplexity

# The switches of the paper's Table 2 ablation (docs/interanimate.md#ablation-switches).
ABLATION_SWITCHES = ("use_ris", "use_soft_quant", "lambda_ortho", "use_id")


class InterAnimateModel(ModelMixin, ConfigMixin):
    """``forward`` predicts the UNet output for ``(B, F, 8, h, w)`` latents with pose, mask and identity."""

    _supports_gradient_checkpointing = True

    @register_to_config
    def __init__(
        self,
        unet_config: dict[str, Any],
        use_ris: bool = True,
        use_soft_quant: bool = True,
        lambda_ortho: float = 0.1,
        use_id: bool = True,
        num_latents: int = 512,
        latent_dim: int = 1024,
        sq_tau: float = 0.5,
        temporal_frame_pe: bool = True,
        id_embedding_dim: int = 512,
        id_hidden_dim: int = 1024,
        id_num_tokens: int = 4,
        lambda_id: float = 1.0,
        pose_downsample: int = 8,
        out_norm_groups: int | None = None,
    ):
        super().__init__()
        self.unet = UNetSpatioTemporalConditionModel.from_config(unet_config)
        if out_norm_groups is not None:
            self.unet.conv_norm_out = output_norm(self.unet, out_norm_groups)
        self.pose_net = PoseNet(
            latent_channels=self.unet.config.block_out_channels[0], downsample=pose_downsample
        )
        self.context = InteractionContext()
        if use_ris:
            self.spatial_latents = nn.Parameter(torch.randn(num_latents, latent_dim) * latent_dim**-0.5)
            self.temporal_latents = nn.Parameter(torch.randn(num_latents, latent_dim) * latent_dim**-0.5)
        if use_id:
            cross_dim = self.unet.config.cross_attention_dim
            self.id_projection = IdProjection(id_embedding_dim, id_hidden_dim, cross_dim, id_num_tokens)
        self.interaction_sites = attach_interaction_processors(
            self.unet,
            self.context,
            use_ris=use_ris,
            use_id=use_id,
            latent_dim=latent_dim,
            use_soft_quant=use_soft_quant,
            tau=sq_tau,
            frame_embedding=temporal_frame_pe,
            lambda_id=lambda_id,
        )
        self.unet.conv_in.register_forward_hook(self._add_pose_features)

    @classmethod
    def from_pretrained(cls, *args: Any, **kwargs: Any) -> InterAnimateModel:
        """diffusers' loader, with the weights copied out of the safetensors mapping (see ``own_memory``)."""
        model = super().from_pretrained(*args, **kwargs)
        own_memory(model)
        return model

    def _add_pose_features(self, module: nn.Module, inputs: Any, output: torch.Tensor) -> torch.Tensor:
        features = self.context.pose_features
        return output if features is None else output + features.to(output.dtype)

    def load_unet_state(self, state_dict: dict[str, torch.Tensor]) -> None:
        """Load a plain SVD UNet's weights; the new parts keep their (zero-output) initialisation."""
        missing, unexpected = self.unet.load_state_dict(state_dict, strict=False)
        if unexpected:
            raise ValueError(f"SVD UNet weights have keys this UNet lacks: {unexpected[:5]}")
        stock_missing = [key for key in missing if ".processor." not in key]
        if stock_missing:
            raise ValueError(f"SVD UNet weights lack keys: {stock_missing[:5]}")

    def load_mimicmotion_state(self, state_dict: dict[str, torch.Tensor]) -> list[str]:
        """Load MimicMotion's checkpoint (``unet.*``, ``pose_net.*`` keys) by name; returns keys it lacked.

        Its VAE and CLIP keys, if present, are ignored (they are SVD's, loaded with the preset). A key of
        ours that the checkpoint lacks outside the new InterAnimate parts means it is not MimicMotion's.
        """
        ours = {key: value for key, value in state_dict.items() if key.startswith(("unet.", "pose_net."))}
        if not ours:
            raise ValueError("no unet.* or pose_net.* keys: not a MimicMotion checkpoint")
        missing, unexpected = self.load_state_dict(ours, strict=False)
        if unexpected:
            raise ValueError(f"MimicMotion keys this model lacks: {unexpected[:5]}")
        stock = [key for key in missing if not _is_interaction_parameter(key)]
        if stock:
            raise ValueError(f"MimicMotion checkpoint lacks keys: {stock[:5]}")
        return missing

    def interaction_parameter_names(self) -> list[str]:
        """The parameters InterAnimate adds to SVD + PoseNet (what the ablation switches remove)."""
        return [name for name, _ in self.named_parameters() if _is_interaction_parameter(name)]

    def forward(
        self,
        sample: torch.Tensor,
        timestep: torch.Tensor | float,
        encoder_hidden_states: torch.Tensor,
        added_time_ids: torch.Tensor,
        pose_images: torch.Tensor | None = None,
        region_mask: torch.Tensor | None = None,
        identity: torch.Tensor | None = None,
        pose_keep: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """``pose_images`` ``(B, F, 3, H, W)`` in [-1, 1] (None: no pose, as in the unconditional branch);
        ``region_mask`` ``(B, F, 1, H, W)`` hand-or-face mask; ``identity`` ``(B, id_embedding_dim)``;
        ``pose_keep`` ``(B,)`` 0/1 drops the pose of single samples (training's conditioning dropout)."""
        num_frames = sample.shape[1]
        context = self.context
        context.num_frames = num_frames
        context.code_usage = []
        context.pose_features = None
        if pose_images is not None:
            features = self.pose_net(pose_images)
            if pose_keep is not None:
                features = features * pose_keep.to(features.dtype).repeat_interleave(num_frames).view(
                    -1, 1, 1, 1
                )
            context.pose_features = features
        context.masks = {}
        if self.config.use_ris:
            if region_mask is None:
                raise ValueError("InterAnimate with use_ris needs region_mask (B, F, 1, H, W)")
            sizes = level_sizes(tuple(sample.shape[-2:]), len(self.unet.config.down_block_types))
            context.masks = masks_per_level(region_mask.to(sample.device), sizes)
            context.spatial_latents = self.spatial_latents
            context.temporal_latents = self.temporal_latents
        context.id_tokens = None
        if self.config.use_id and identity is not None:
            context.id_tokens = self.id_projection(identity.to(sample.dtype))
        return self.unet(sample, timestep, encoder_hidden_states, added_time_ids, return_dict=False)[0]

    def orthogonality(self) -> torch.Tensor:
        """``Ortho(L_s) + Ortho(L_t)``: logged for every variant with RIS, weighted by ``lambda_ortho``."""
        if not self.config.use_ris:
            return torch.zeros((), device=self.device)
        return orthogonality_loss(self.spatial_latents) + orthogonality_loss(self.temporal_latents)

    def code_perplexity(self) -> float | None:
        """Soft-quantization usage of the last forward pass (None without soft quantization)."""
        if not self.context.code_usage:
            return None
        return float(perplexity(torch.stack(self.context.code_usage)))


def output_norm(unet: UNetSpatioTemporalConditionModel, groups: int) -> nn.GroupNorm:
    """The UNet's last normalisation with ``groups`` groups instead of diffusers' fixed 32.

    With 32 channels at the first level (the tiny preset), 32 groups normalise each channel on its own:
    every frame's per-channel mean is removed just before ``conv_out``, so the UNet can hardly set the
    output's overall colour (the tiny checkpoint's colours drift towards an average background). Fewer
    groups keep the differences between channels. The affine weights keep
    their shape, so a checkpoint trained with 32 groups loads into either.
    """
    channels = unet.config.block_out_channels[0]
    if groups < 1 or channels % groups:
        raise ValueError(
            f"out_norm_groups must divide the UNet's {channels} first-level channels, got {groups}"
        )
    return nn.GroupNorm(num_groups=groups, num_channels=channels, eps=1e-5)


def _is_interaction_parameter(name: str) -> bool:
    return name.startswith(("spatial_latents", "temporal_latents", "id_projection.")) or ".processor." in name
