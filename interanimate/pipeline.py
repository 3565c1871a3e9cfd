"""Inference: reference image + driving poses + masks + identity to frames (spec section 3.11).

MimicMotion's sampler on InterAnimate: Euler (SVD's scheduler) over all frames at once, the UNet run on
overlapping windows anchored on the reference frame and fused with triangular weights, classifier-free
guidance whose unconditional branch has no CLIP embedding, no reference latents, no pose and a zero
identity (RIS stays on: it is part of the model), and the temporal VAE decoding in chunks. All noise comes
from one CPU generator seeded by the caller, so a seed gives the same frames on any device.
"""

from __future__ import annotations

import json
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

    # -- conditioning ----------------------------------------------------------------------------------
    def decode(self, latents: torch.Tensor, chunk_size: int) -> torch.Tensor:
        """``(F, C, h, w)`` latents to ``(F, 3, H, W)`` in [-1, 1], the temporal decoder run per chunk."""
        latents = latents / self.vae.config.scaling_factor
        frames = []
        for start in range(0, latents.shape[0], chunk_size):
            chunk = latents[start : start + chunk_size].to(self.vae.dtype)
            frames.append(self.vae.decode(chunk, num_frames=chunk.shape[0]).sample.float())
        return torch.cat(frames)

    # -- sampling --------------------------------------------------------------------------------------
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

        The unconditional branch has no CLIP embedding, no reference latents, a zero identity and its
        pose dropped (``pose_keep`` 0, the same zeros as no pose at all); batching it with the conditional
        branch runs the network once per window instead of twice.
        """
        clip, time_ids, id_cond, id_uncond = conditions
        if not use_guidance:
            return self.model(
                torch.cat([noisy, reference], dim=2), timestep, clip, time_ids, poses, masks, id_cond
            ), None
        both = self.model(
            torch.cat(
                [torch.cat([noisy, reference], dim=2), torch.cat([noisy, torch.zeros_like(reference)], dim=2)]
            ),
            timestep,
            torch.cat([clip, torch.zeros_like(clip)]),
            time_ids.repeat(2, 1),
            poses.repeat(2, 1, 1, 1, 1),
            masks.repeat(2, 1, 1, 1, 1),
            None if id_cond is None else torch.cat([id_cond, id_uncond]),
            torch.tensor([1.0, 0.0], device=noisy.device),
        )
        cond, uncond = both.chunk(2)
        return cond, uncond

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
        device, dtype = self.model.device, self.model.dtype
        num_frames = pose_images.shape[0]
        if region_masks.shape[0] != num_frames:
            raise ValueError(f"{region_masks.shape[0]} masks for {num_frames} pose images")
        generator = torch.Generator("cpu").manual_seed(seed)
        reference_pixels = to_unit_range(reference)[None].to(device, dtype)
        clip = clip_embedding(self.image_encoder, reference_pixels).to(dtype)
        reference = reference_latents(self.vae, reference_pixels, noise_aug_strength, generator).to(dtype)
        reference = reference.unsqueeze(1).expand(-1, num_frames, -1, -1, -1)
        poses = to_unit_range(pose_images)[None].to(device, dtype)
        masks = torch.from_numpy(np.ascontiguousarray(region_masks))[None, :, None].to(device, dtype)
        time_ids = added_time_ids(fps, motion_bucket_id, noise_aug_strength, 1, device, dtype)
        id_cond = id_uncond = None
        if self.model.config.use_id:
            vector = (
                np.zeros(self.model.config.id_embedding_dim, np.float32) if identity is None else identity
            )
            id_cond = torch.as_tensor(vector, dtype=dtype, device=device)[None]
            id_uncond = torch.zeros_like(id_cond)
        guidance = torch.linspace(
            min_guidance_scale, max_guidance_scale, num_frames, device=device, dtype=dtype
        )
        guidance = guidance.view(1, num_frames, 1, 1, 1)
        use_guidance = max_guidance_scale > 1

        self.scheduler.set_timesteps(num_inference_steps, device=device)
        window_len = min(tile_size, num_frames)
        latent_shape = (1, window_len, self.vae.config.latent_channels, *reference.shape[-2:])
        noise = torch.randn(latent_shape, generator=generator)
        repeats = -(-num_frames // window_len)
        latents = (
            noise.repeat(1, repeats, 1, 1, 1)[:, :num_frames].to(device, dtype)
            * self.scheduler.init_noise_sigma
        )
        windows = sampling_windows(num_frames, tile_size, tile_overlap)
        weights = triangular_weights(window_len).to(device, dtype).view(1, -1, 1, 1, 1)

        for timestep in self.progress_bar(self.scheduler.timesteps) if progress else self.scheduler.timesteps:
            model_input = self.scheduler.scale_model_input(latents, timestep)
            cond_sum = torch.zeros_like(latents)
            uncond_sum = torch.zeros_like(latents)
            weight_sum = torch.zeros((1, num_frames, 1, 1, 1), device=device, dtype=dtype)
            for window in windows:
                index = torch.tensor(window, device=device)
                cond, uncond = self._window_prediction(
                    model_input[:, index],
                    reference[:, index],
                    poses[:, index],
                    masks[:, index],
                    timestep,
                    (clip, time_ids, id_cond, id_uncond),
                    use_guidance,
                )
                cond_sum[:, index] += weights * cond
                if uncond is not None:
                    uncond_sum[:, index] += weights * uncond
                weight_sum[:, index] += weights
            prediction = cond_sum / weight_sum
            if use_guidance:
                unconditional = uncond_sum / weight_sum
                prediction = unconditional + guidance * (prediction - unconditional)
            latents = self.scheduler.step(prediction, timestep, latents, generator=generator).prev_sample

        frames = self.decode(latents[0], decode_chunk_size)[1:]  # frame 0 is the reference pose's frame
        frames = ((frames.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
        return frames.permute(0, 2, 3, 1).cpu().numpy()
