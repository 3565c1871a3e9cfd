"""The tiny preset's autoencoder phase: its temporal VAE has no pretrained weights, so it learns to
reconstruct the training frames before InterAnimate trains on its latents. The full-size preset uses
SVD's frozen VAE and skips this (``vae_steps: 0``).

Loss: L1 + MSE on pixels + a small KL term that keeps the posterior a distribution. ``deterministic``
decodes the posterior mean instead of a sample (a plain autoencoder; the training loop then encodes with
the mean too). The temporal
decoder decodes each clip with its own ``num_frames``. Afterwards ``scaling_factor`` is set to one over
the latents' standard deviation (the latent-diffusion recipe), so the scaled latents have the unit
variance the EDM preconditioning assumes (``sigma_data = 1``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import IO

import torch
import torch.nn.functional as F
from diffusers import AutoencoderKLTemporalDecoder
from tqdm.auto import tqdm

from interanimate.training.checkpoint import read_tensor_file
from interanimate.training.config import VaePhaseConfig
from interanimate.training.data import InteractionClips
from interanimate.training.log import drop_records_after
from interanimate.training.schedule import cosine_learning_rate
from interanimate.training.ssim_loss import ssim


def _draws(seed: int, step: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed * 1_000_003 + step)


def train_vae(
    vae: AutoencoderKLTemporalDecoder,
    clips: InteractionClips,
    config: VaePhaseConfig,
    *,
    state_path: Path,
    log_path: Path,
    progress: bool = True,
) -> None:
    """Train ``vae`` in place up to ``config.steps`` batches, resuming from ``state_path`` when it exists.

    Step ``n`` draws its clips, crop and posterior noise from ``(seed, n)`` alone, so a resumed phase
    continues exactly and a larger ``steps`` later extends the same run. ``clip_length`` takes that many
    consecutive frames of each clip: more videos per batch for the same cost (a from-scratch autoencoder
    learns far faster from diverse batches than from many frames of one video). ``mixed_precision: bf16``
    runs the forward pass under bfloat16 autocast, weights and optimiser stay float32. With
    ``min_learning_rate`` the rate follows a cosine from ``learning_rate`` down to it over ``steps``; the
    rate is a function of the step and ``steps`` alone, so a resumed phase needs no scheduler state.
    ``ssim_weight`` adds ``ssim_weight * (1 - SSIM)`` with the benchmark's SSIM recipe (``ssim_loss``).
    """
    vae.train()
    optimizer = torch.optim.AdamW(vae.parameters(), lr=config.learning_rate, weight_decay=0.0)
    done = _resume(vae, optimizer, state_path)
    drop_records_after(log_path, "vae", done)
    steps = config.steps
    bar = tqdm(range(done, steps), initial=done, total=steps, desc="vae", disable=not progress)
    with log_path.open("a") as log:
        for step in bar:
            for group in optimizer.param_groups:
                group["lr"] = cosine_learning_rate(
                    step, steps, config.learning_rate, config.min_learning_rate
                )
            generator = _draws(config.seed, step)
            pixels, num_frames = _batch_pixels(clips, config, step, generator, vae.device)
            losses = _reconstruction_losses(vae, pixels, num_frames, config, generator)
            if not torch.isfinite(losses["loss"]):
                raise FloatingPointError(
                    f"VAE phase: non-finite loss at step {step + 1}; the last good state is in {state_path} "
                    "(lower vae_learning_rate, or train in float32 with vae_mixed_precision: no)"
                )
            optimizer.zero_grad(set_to_none=True)
            losses["loss"].backward()
            optimizer.step()
            if (step + 1) % 25 == 0 or step == steps - 1:
                _log_step(log, bar, step + 1, losses, optimizer.param_groups[0]["lr"])
            if (step + 1) % config.save_every == 0 or step == steps - 1:
                _save_state(vae, optimizer, step + 1, state_path)
    vae.eval()
    vae.requires_grad_(False)


def _resume(vae: AutoencoderKLTemporalDecoder, optimizer: torch.optim.Optimizer, state_path: Path) -> int:
    """Load the saved phase state when there is one; returns the steps already done.

    Read as tensors and plain values only: a state file handed over with the run cannot run code.
    """
    if not state_path.is_file():
        return 0
    state = read_tensor_file(state_path)
    vae.load_state_dict(state["vae"])
    optimizer.load_state_dict(state["optimizer"])
    return int(state["step"])


def _save_state(
    vae: AutoencoderKLTemporalDecoder, optimizer: torch.optim.Optimizer, step: int, state_path: Path
) -> None:
    """Weights, optimiser state (tensors and numbers) and step, for ``read_tensor_file``; replaced whole."""
    state = {"vae": vae.state_dict(), "optimizer": optimizer.state_dict(), "step": step}
    torch.save(state, state_path.with_suffix(".tmp"))
    state_path.with_suffix(".tmp").replace(state_path)


def _batch_pixels(
    clips: InteractionClips,
    config: VaePhaseConfig,
    step: int,
    generator: torch.Generator,
    device: torch.device,
) -> tuple[torch.Tensor, int]:
    """Step ``step``'s clips as ``(B * frames, 3, H, W)`` pixels, and the frames per clip."""
    clips.epoch = step
    picks = torch.randint(len(clips), (config.batch_size,), generator=generator).tolist()
    frames = torch.stack([clips.clip_frames(index) for index in picks])
    if config.clip_length is not None:  # a run of consecutive frames (position 0 is the reference)
        start = 1 + int(torch.randint(frames.shape[1] - config.clip_length, (1,), generator=generator))
        frames = frames[:, start : start + config.clip_length]
    crop = config.crop
    if crop is not None:  # one random window per batch, the same in every frame of a clip
        top = int(torch.randint(frames.shape[-2] - crop + 1, (1,), generator=generator))
        left = int(torch.randint(frames.shape[-1] - crop + 1, (1,), generator=generator))
        frames = frames[..., top : top + crop, left : left + crop]
    return frames.flatten(0, 1).to(device), frames.shape[1]


def _reconstruction_losses(
    vae: AutoencoderKLTemporalDecoder,
    pixels: torch.Tensor,
    num_frames: int,
    config: VaePhaseConfig,
    generator: torch.Generator,
) -> dict[str, torch.Tensor]:
    """``loss`` = L1 + MSE + ``kl_weight`` KL (+ ``ssim_weight`` (1 - SSIM)), with its terms."""
    autocast_dtype = torch.bfloat16 if config.mixed_precision == "bf16" else None
    with torch.autocast(vae.device.type, dtype=autocast_dtype, enabled=autocast_dtype is not None):
        posterior = vae.encode(pixels).latent_dist
        latents = posterior.mode() if config.deterministic else posterior.sample(generator=generator)
        reconstruction = vae.decode(latents, num_frames=num_frames).sample.float()
    terms = {
        "l1": F.l1_loss(reconstruction, pixels),
        "mse": F.mse_loss(reconstruction, pixels),
        "kl": posterior.kl().mean(),
    }
    loss = terms["l1"] + terms["mse"] + config.kl_weight * terms["kl"]
    if config.ssim_weight:
        terms["ssim"] = ssim(reconstruction, pixels)
        loss = loss + config.ssim_weight * (1 - terms["ssim"])
    return {"loss": loss, **terms}


def _log_step(log: IO[str], bar: tqdm, step: int, losses: dict[str, torch.Tensor], rate: float) -> None:
    l1_value, mse_value, kl_value = losses["l1"].item(), losses["mse"].item(), losses["kl"].item()
    psnr = 10 * math.log10(4.0 / max(mse_value, 1e-10))  # pixels span [-1, 1]: peak-to-peak 2
    bar.set_postfix(l1=f"{l1_value:.4f}", psnr=f"{psnr:.1f}")
    record = {"phase": "vae", "step": step, "l1": l1_value, "mse": mse_value, "kl": kl_value, "lr": rate}
    if "ssim" in losses:
        record["ssim"] = losses["ssim"].item()
    log.write(json.dumps({**record, "psnr": psnr}) + "\n")
    log.flush()


@torch.no_grad()
def calibrate_scaling_factor(
    vae: AutoencoderKLTemporalDecoder, clips: InteractionClips, *, seed: int, num_clips: int = 16
) -> float:
    """Set ``vae.config.scaling_factor`` to 1 / std of the latents of ``num_clips`` clips; returns it."""
    generator = _draws(seed, -1)
    picks = torch.randint(len(clips), (num_clips,), generator=generator).tolist()
    latents = [vae.encode(clips.clip_frames(index).to(vae.device)).latent_dist.mode() for index in picks]
    factor = float(1.0 / torch.cat(latents).float().std())
    vae.register_to_config(scaling_factor=factor)
    return factor
