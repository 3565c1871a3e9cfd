"""The tiny preset's autoencoder phase: its temporal VAE has no pretrained weights, so it learns to
reconstruct the training frames before InterAnimate trains on its latents. The full-size preset uses
SVD's frozen VAE and skips this (``vae_steps: 0``).

Loss: L1 + MSE on pixels + a small KL term keeping the latents near N(0, I) (scaled by the VAE's
``scaling_factor`` as in SVD). The temporal decoder decodes each clip with its own ``num_frames``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import torch
import torch.nn.functional as F
from diffusers import AutoencoderKLTemporalDecoder
from tqdm.auto import tqdm


def train_vae(
    vae: AutoencoderKLTemporalDecoder,
    batches: Iterator[dict[str, torch.Tensor]],
    *,
    steps: int,
    learning_rate: float,
    kl_weight: float,
    seed: int,
    crop: int | None,
    log_path: Path,
    progress: bool = True,
) -> None:
    """Train ``vae`` in place for ``steps`` batches of clips (``frames`` ``(B, T, 3, H, W)``)."""
    vae.train()
    optimizer = torch.optim.AdamW(vae.parameters(), lr=learning_rate, weight_decay=0.0)
    generator = torch.Generator().manual_seed(seed)
    bar = tqdm(range(steps), desc="vae", disable=not progress)
    with log_path.open("a") as log:
        for step in bar:
            frames = next(batches)["frames"]
            clip_length = frames.shape[1]
            if crop is not None:  # one random window per batch, the same in every frame of a clip
                top = int(torch.randint(frames.shape[-2] - crop + 1, (1,), generator=generator))
                left = int(torch.randint(frames.shape[-1] - crop + 1, (1,), generator=generator))
                frames = frames[..., top : top + crop, left : left + crop]
            pixels = frames.flatten(0, 1).to(vae.device)
            posterior = vae.encode(pixels).latent_dist
            latents = posterior.sample(generator=generator)
            reconstruction = vae.decode(latents, num_frames=clip_length).sample
            l1 = F.l1_loss(reconstruction, pixels)
            mse = F.mse_loss(reconstruction, pixels)
            kl = posterior.kl().mean()
            loss = l1 + mse + kl_weight * kl
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if step % 25 == 0 or step == steps - 1:
                l1_value, mse_value, kl_value = l1.item(), mse.item(), kl.item()
                psnr = 10 * math.log10(4.0 / max(mse_value, 1e-10))  # pixels span [-1, 1]: peak-to-peak 2
                bar.set_postfix(l1=f"{l1_value:.4f}", psnr=f"{psnr:.1f}")
                record = {
                    "phase": "vae",
                    "step": step + 1,
                    "l1": l1_value,
                    "mse": mse_value,
                    "kl": kl_value,
                    "psnr": psnr,
                }
                log.write(json.dumps(record) + "\n")
                log.flush()
    vae.eval()
    vae.requires_grad_(False)
