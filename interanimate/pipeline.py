"""Inference: reference image + driving poses + masks + identity to frames (docs/interanimate.md#inference).

MimicMotion's sampler on InterAnimate: Euler (SVD's scheduler) over all frames at once, the UNet run on
overlapping windows anchored on the reference frame and fused with triangular weights, classifier-free
guidance whose unconditional branch has no CLIP embedding, no reference latents, no pose and a zero
identity (RIS stays on: it is part of the model), and the temporal VAE decoding in chunks. All noise comes
from one CPU generator seeded by the caller, so a seed gives the same frames on any device.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from diffusers import AutoencoderKLTemporalDecoder, DiffusionPipeline, EulerDiscreteScheduler
from transformers import CLIPVisionModelWithProjection

from interanimate.conditioning import added_time_ids, clip_embedding, reference_latents, to_unit_range
from interanimate.memory import own_memory
from interanimate.model import InterAnimateModel
from interanimate.presets import Components
from interanimate.tiling import sampling_windows, triangular_weights

CHECKPOINT_INFO = "interanimate.json"


class InterAnimatePipeline(DiffusionPipeline):
    """``__call__`` animates one reference image along a pose sequence."""

    def __init__(
        self,
        model: InterAnimateModel,
        vae: AutoencoderKLTemporalDecoder,
        image_encoder: CLIPVisionModelWithProjection,
        scheduler: EulerDiscreteScheduler,
    ):
        super().__init__()
        for network in (model, vae, image_encoder):
            network.eval()  # inference only; training builds its own modules
        self.register_modules(model=model, vae=vae, image_encoder=image_encoder, scheduler=scheduler)

    @classmethod
    def from_components(cls, components: Components) -> InterAnimatePipeline:
        return cls(components.model, components.vae, components.image_encoder, components.scheduler)

    # -- checkpoints -----------------------------------------------------------------------------------
    def save_checkpoint(self, directory: str | Path, info: dict | None = None) -> None:
        """One sub-folder per component plus ``interanimate.json`` (what trained it)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(directory / "model")
        self.vae.save_pretrained(directory / "vae")
        self.image_encoder.save_pretrained(directory / "image_encoder")
        self.scheduler.save_pretrained(directory / "scheduler")
        (directory / CHECKPOINT_INFO).write_text(json.dumps(info or {}, indent=2, sort_keys=True) + "\n")

    @classmethod
    def from_checkpoint(
        cls, directory: str | Path, torch_dtype: torch.dtype = torch.float32
    ) -> InterAnimatePipeline:
        directory = Path(directory)
        missing = [
            name for name in ("model", "vae", "image_encoder", "scheduler") if not (directory / name).is_dir()
        ]
        if missing:
            raise FileNotFoundError(
                f"{directory} is not an InterAnimate checkpoint: no {', '.join(missing)} folder"
            )
        networks = (
            InterAnimateModel.from_pretrained(directory / "model", torch_dtype=torch_dtype),
            AutoencoderKLTemporalDecoder.from_pretrained(directory / "vae", torch_dtype=torch_dtype),
            CLIPVisionModelWithProjection.from_pretrained(directory / "image_encoder", dtype=torch_dtype),
        )
        for network in networks:
            own_memory(network)
        return cls(*networks, EulerDiscreteScheduler.from_pretrained(directory / "scheduler"))

    # -- decoding --------------------------------------------------------------------------------------
    def decode(self, latents: torch.Tensor, chunk_size: int) -> torch.Tensor:
        """``(F, C, h, w)`` latents to ``(F, 3, H, W)`` in [-1, 1], the temporal decoder run per chunk."""
        latents = latents / self.vae.config.scaling_factor
        frames = []
        for start in range(0, latents.shape[0], chunk_size):
            chunk = latents[start : start + chunk_size].to(self.vae.dtype)
            frames.append(self.vae.decode(chunk, num_frames=chunk.shape[0]).sample.float())
        return torch.cat(frames)

    # -- sampling --------------------------------------------------------------------------------------
    @torch.no_grad()
    def __call__(
        self,
        reference: np.ndarray,
        pose_images: np.ndarray,
        region_masks: np.ndarray,
        identity: np.ndarray | None = None,
        *,
        seed: int = 0,
        num_inference_steps: int = 25,
        tile_size: int = 16,
        tile_overlap: int = 4,
        min_guidance_scale: float = 2.0,
        max_guidance_scale: float = 2.0,
        fps: int = 7,
        motion_bucket_id: int = 127,
        noise_aug_strength: float = 0.02,
        decode_chunk_size: int = 8,
        progress: bool = False,
    ) -> np.ndarray:
        """Frames ``(T, H, W, 3)`` uint8 for ``pose_images`` ``(T + 1, H, W, 3)`` uint8 whose frame 0 is the
        reference pose; ``region_masks`` ``(T + 1, H, W)`` bool; ``identity`` a 512-d embedding or None."""
        self.check_inputs(pose_images, region_masks)
        num_frames = pose_images.shape[0]
        windows = sampling_windows(num_frames, tile_size, tile_overlap)
        generator = torch.Generator("cpu").manual_seed(seed)  # every draw, in a fixed order
        conditions = self.encode_conditions(
            reference,
            pose_images,
            region_masks,
            identity,
            generator,
            fps=fps,
            motion_bucket_id=motion_bucket_id,
            noise_aug_strength=noise_aug_strength,
        )
        guidance = self.guidance_scales(min_guidance_scale, max_guidance_scale, num_frames)
        self.scheduler.set_timesteps(num_inference_steps, device=self.model.device)
        latents = self.prepare_latents(num_frames, len(windows[0]), conditions.reference, generator)
        latents = self.denoise(latents, conditions, guidance, windows, generator, progress)
        return self.decode_frames(latents, decode_chunk_size)

    @staticmethod
    def check_inputs(pose_images: np.ndarray, region_masks: np.ndarray) -> None:
        if region_masks.shape[0] != pose_images.shape[0]:
            raise ValueError(f"{region_masks.shape[0]} masks for {pose_images.shape[0]} pose images")

    def encode_conditions(
        self,
        reference: np.ndarray,
        pose_images: np.ndarray,
        region_masks: np.ndarray,
        identity: np.ndarray | None,
        generator: torch.Generator,
        *,
        fps: int,
        motion_bucket_id: int,
        noise_aug_strength: float,
    ) -> Conditions:
        """The conditional branch's inputs, each with a batch dimension of 1 and all frames.

        The reference latents are encoded from the noise-augmented reference (draws from ``generator``);
        without an ``identity`` the ID Preserver reads a zero embedding.
        """
        device, dtype = self.model.device, self.model.dtype
        num_frames = pose_images.shape[0]
        reference_pixels = to_unit_range(reference)[None].to(device, dtype)
        clip = clip_embedding(self.image_encoder, reference_pixels).to(dtype)
        latents = reference_latents(self.vae, reference_pixels, noise_aug_strength, generator).to(dtype)
        id_cond = None
        if self.model.config.use_id:
            vector = (
                np.zeros(self.model.config.id_embedding_dim, np.float32) if identity is None else identity
            )
            id_cond = torch.as_tensor(vector, dtype=dtype, device=device)[None]
        return Conditions(
            reference=latents.unsqueeze(1).expand(-1, num_frames, -1, -1, -1),
            poses=to_unit_range(pose_images)[None].to(device, dtype),
            masks=torch.from_numpy(np.ascontiguousarray(region_masks))[None, :, None].to(device, dtype),
            clip=clip,
            time_ids=added_time_ids(fps, motion_bucket_id, noise_aug_strength, 1, device, dtype),
            identity=id_cond,
        )

    def guidance_scales(self, minimum: float, maximum: float, num_frames: int) -> torch.Tensor | None:
        """Per-frame guidance ``(1, F, 1, 1, 1)`` rising linearly from ``minimum`` to ``maximum``; None when
        ``maximum`` is at most 1, and then only the conditional branch runs."""
        if maximum <= 1:
            return None
        device, dtype = self.model.device, self.model.dtype
        scales = torch.linspace(minimum, maximum, num_frames, device=device, dtype=dtype)
        return scales.view(1, num_frames, 1, 1, 1)

    def prepare_latents(
        self, num_frames: int, window_len: int, reference: torch.Tensor, generator: torch.Generator
    ) -> torch.Tensor:
        """Initial noise ``(1, F, C, h, w)``: one window of noise repeated along time, as MimicMotion does,
        scaled to the scheduler's first noise level."""
        latent_shape = (1, window_len, self.vae.config.latent_channels, *reference.shape[-2:])
        noise = torch.randn(latent_shape, generator=generator)
        repeats = -(-num_frames // window_len)
        noise = noise.repeat(1, repeats, 1, 1, 1)[:, :num_frames].to(self.model.device, self.model.dtype)
        return noise * self.scheduler.init_noise_sigma

    def denoise(
        self,
        latents: torch.Tensor,
        conditions: Conditions,
        guidance: torch.Tensor | None,
        windows: list[list[int]],
        generator: torch.Generator,
        progress: bool = False,
    ) -> torch.Tensor:
        """Euler over all frames: at each step the windows' predictions are fused, then guided."""
        weights = triangular_weights(len(windows[0])).to(self.model.device, self.model.dtype)
        weights = weights.view(1, -1, 1, 1, 1)
        timesteps = self.scheduler.timesteps
        for timestep in self.progress_bar(timesteps) if progress else timesteps:
            model_input = self.scheduler.scale_model_input(latents, timestep)
            prediction = self._fused_prediction(model_input, timestep, conditions, windows, weights, guidance)
            latents = self.scheduler.step(prediction, timestep, latents, generator=generator).prev_sample
        return latents

    def _fused_prediction(
        self,
        model_input: torch.Tensor,
        timestep: torch.Tensor,
        conditions: Conditions,
        windows: list[list[int]],
        weights: torch.Tensor,
        guidance: torch.Tensor | None,
    ) -> torch.Tensor:
        """The guided prediction for all frames: each branch's windows fused with ``weights``."""
        device, dtype = self.model.device, self.model.dtype
        cond_sum = torch.zeros_like(model_input)
        uncond_sum = torch.zeros_like(model_input)
        weight_sum = torch.zeros((1, model_input.shape[1], 1, 1, 1), device=device, dtype=dtype)
        branches = conditions.branches()
        for window in windows:
            index = torch.tensor(window, device=device)
            cond, uncond = self._window_prediction(
                model_input[:, index],
                conditions.reference[:, index],
                conditions.poses[:, index],
                conditions.masks[:, index],
                timestep,
                branches,
                guidance is not None,
            )
            cond_sum[:, index] += weights * cond
            if uncond is not None:
                uncond_sum[:, index] += weights * uncond
            weight_sum[:, index] += weights
        prediction = cond_sum / weight_sum
        if guidance is None:
            return prediction
        unconditional = uncond_sum / weight_sum
        return unconditional + guidance * (prediction - unconditional)

    def _window_prediction(
        self,
        noisy: torch.Tensor,
        reference: torch.Tensor,
        poses: torch.Tensor,
        masks: torch.Tensor,
        timestep: torch.Tensor,
        conditions: tuple[torch.Tensor, torch.Tensor, torch.Tensor | None, torch.Tensor | None],
        use_guidance: bool,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The conditional and (with guidance) unconditional predictions of one window, in one batch.

        ``conditions`` is ``(clip, time_ids, identity, unconditional identity)``. The unconditional
        branch has no CLIP embedding, no reference latents, the unconditional (zero) identity and its
        pose dropped (``pose_keep`` 0, the same zeros as no pose at all); batching it with the
        conditional branch runs the network once per window instead of twice.
        """
        clip, time_ids, id_cond, id_uncond = conditions
        sample = torch.cat([noisy, reference], dim=2)
        identity, pose_keep = id_cond, None
        if use_guidance:
            sample = torch.cat([sample, torch.cat([noisy, torch.zeros_like(reference)], dim=2)])
            clip = torch.cat([clip, torch.zeros_like(clip)])
            time_ids = time_ids.repeat(2, 1)
            poses = poses.repeat(2, 1, 1, 1, 1)
            masks = masks.repeat(2, 1, 1, 1, 1)
            identity = None if id_cond is None else torch.cat([id_cond, id_uncond])
            pose_keep = torch.tensor([1.0, 0.0], device=noisy.device)
        prediction = self.model(sample, timestep, clip, time_ids, poses, masks, identity, pose_keep)
        if not use_guidance:
            return prediction, None
        cond, uncond = prediction.chunk(2)
        return cond, uncond

    def decode_frames(self, latents: torch.Tensor, chunk_size: int) -> np.ndarray:
        """``(1, F, C, h, w)`` latents to ``(F - 1, H, W, 3)`` uint8 frames, the reference pose's frame 0
        dropped."""
        frames = self.decode(latents[0], chunk_size)[1:]
        frames = ((frames.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
        return frames.permute(0, 2, 3, 1).cpu().numpy()


@dataclass(frozen=True)
class Conditions:
    """The conditional branch's inputs for all ``F`` frames (batch 1); windows index along dim 1."""

    reference: torch.Tensor  # (1, F, C, h, w) reference latents, the same in every frame
    poses: torch.Tensor  # (1, F, 3, H, W) in [-1, 1]
    masks: torch.Tensor  # (1, F, 1, H, W) hand-or-face mask
    clip: torch.Tensor  # (1, 1, D) CLIP image embedding
    time_ids: torch.Tensor  # (1, 3)
    identity: torch.Tensor | None  # (1, id_embedding_dim), None without the ID Preserver

    def branches(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
        """``(clip, time_ids, identity, unconditional identity)`` as ``_window_prediction`` reads them."""
        unconditional = None if self.identity is None else torch.zeros_like(self.identity)
        return self.clip, self.time_ids, self.identity, unconditional
