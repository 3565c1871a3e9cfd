"""The tiny preset's training steps in float32 against bfloat16 autocast, on the CPU that trains it.

On CPUs with bf16 instructions (AVX512-BF16, AMX) autocast runs convolutions in bfloat16 while weights
and optimiser stay float32. Whether that pays differs by phase, so ``tiny.yaml`` chooses per phase
(``vae_mixed_precision``, ``mixed_precision``). This measures one step of each phase both ways in the same
process, so the ratio is the portable number:

- the autoencoder phase: the tiny temporal VAE encoding and decoding ``vae_batch_size`` clips of
  ``vae_clip_length`` frames, with the backward pass;
- the InterAnimate phase: the model's forward and backward on ``batch_size`` clips of ``clip_length``
  latent frames (the frozen VAE's encoding left out).

    python benchmarks/bench_tiny_training.py --repeats 5
"""

from __future__ import annotations

import argparse
import platform
from collections.abc import Callable

import torch
from bench_interanimate import inputs, measure  # this folder is on sys.path when run as a script

from interanimate.presets import build_components
from interanimate.training.config import load_config


def autocast(dtype: torch.dtype | None) -> torch.autocast:
    return torch.autocast("cpu", dtype=dtype or torch.bfloat16, enabled=dtype is not None)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--height", type=int, default=160)
    parser.add_argument("--width", type=int, default=96)
    args = parser.parse_args()
    config = load_config("tiny.yaml", {"data": "-"})
    components = build_components("tiny")
    vae, model = components.vae.train(), components.model.train()
    generator = torch.Generator().manual_seed(0)
    frames_per_clip = config.vae_clip_length or config.clip_length
    vae_frames = config.vae_batch_size * frames_per_clip
    pixels = torch.rand(vae_frames, 3, args.height, args.width, generator=generator) * 2 - 1

    def vae_step(dtype: torch.dtype | None) -> Callable[[], None]:
        def run() -> None:
            vae.zero_grad(set_to_none=True)
            with autocast(dtype):
                latents = vae.encode(pixels).latent_dist.mode()
                reconstruction = vae.decode(latents, num_frames=frames_per_clip).sample
            (reconstruction.float() - pixels).abs().mean().backward()

        return run

    values = inputs(
        model, config.clip_length, args.height, args.width, "cpu", torch.float32, batch=config.batch_size
    )

    def model_step(dtype: torch.dtype | None) -> Callable[[], None]:
        def run() -> None:
            model.zero_grad(set_to_none=True)
            with autocast(dtype):
                prediction = model(**values)
            prediction.float().square().mean().backward()

        return run

    print(
        f"tiny preset, {args.height} x {args.width}, {platform.processor() or 'CPU'}, "
        f"torch {torch.__version__}, threads {torch.get_num_threads()}\n"
    )
    print("| step | float32 s | bf16 autocast s | float32 / bf16 |")
    print("|---|---|---|---|")
    for label, step in (
        (f"autoencoder phase ({config.vae_batch_size} x {frames_per_clip} frames)", vae_step),
        (f"InterAnimate phase ({config.batch_size} x {config.clip_length} frames)", model_step),
    ):
        full, _ = measure(step(None), "cpu", args.repeats)
        mixed, _ = measure(step(torch.bfloat16), "cpu", args.repeats)
        print(f"| {label} | {full:.3f} | {mixed:.3f} | {full / mixed:.2f}x |")


if __name__ == "__main__":
    main()
