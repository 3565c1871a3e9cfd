"""InterAnimate's cost against the plain SVD UNet of the same size: the overhead of RIS and the ID Preserver.

Both models run the same inputs in the same process: the plain ``UNetSpatioTemporalConditionModel``
(what SVD / MimicMotion without PoseNet run) and ``InterAnimateModel`` (PoseNet + region attention blocks +
ID attention). Reported: parameters, seconds per inference forward and per training step (forward +
backward), their ratios, and on a GPU the peak memory. Ratios are the portable numbers; absolute times
are only meaningful on the GPU they were measured on.

    python benchmarks/bench_interanimate.py --preset tiny                   # CPU: 16 frames at 160x96
    python benchmarks/bench_interanimate.py --preset svd-xt-1.1 --device cuda --dtype bfloat16 \\
        --height 640 --width 384 --frames 16 --gradient-checkpointing     # the paper's size
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from pathlib import Path

import torch
from diffusers import UNetSpatioTemporalConditionModel

from interanimate.presets import build_components

SVD_CONFIGS = Path(__file__).resolve().parents[2] / "shared" / "data" / "svd-xt-1-1-configs"


def inputs(
    model, frames: int, height: int, width: int, device: str, dtype: torch.dtype, batch: int = 1
) -> dict:
    """Random model inputs for ``batch`` clips of ``frames`` frames (a fixed seed)."""
    generator = torch.Generator().manual_seed(0)
    factor = model.pose_net.config.downsample  # the VAE's: 8 for SVD, 4 for the tiny preset
    latent = (frames, model.unet.config.in_channels, height // factor, width // factor)  # noisy + reference
    mask = torch.zeros(batch, frames, 1, height, width)
    mask[..., height // 4 : height // 2, width // 4 : 3 * width // 4] = 1
    cross = model.unet.config.cross_attention_dim
    values = {
        "sample": torch.randn(batch, *latent, generator=generator),
        "timestep": torch.full((batch,), 0.5),
        "encoder_hidden_states": torch.randn(batch, 1, cross, generator=generator),
        "added_time_ids": torch.tensor([[6.0, 127.0, 0.02]] * batch),
        "pose_images": torch.rand(batch, frames, 3, height, width, generator=generator) * 2 - 1,
        "region_mask": mask,
        "identity": torch.nn.functional.normalize(torch.randn(batch, 512, generator=generator), dim=-1),
    }
    return {key: value.to(device, dtype) for key, value in values.items()}


def measure(run: Callable[[], None], device: str, repeats: int) -> tuple[float, float | None]:
    """Median seconds per call after one warm-up, and peak GPU memory in GiB (None on CPU)."""
    run()
    if device.startswith("cuda"):
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    peak = torch.cuda.max_memory_allocated() / 2**30 if device.startswith("cuda") else None
    return sorted(times)[len(times) // 2], peak


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--preset", default="tiny", choices=["tiny", "svd-xt-1.1"])
    parser.add_argument("--source", default=str(SVD_CONFIGS), help="SVD folder (configs suffice)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16", "float16"])
    parser.add_argument("--frames", type=int, default=16)
    parser.add_argument("--height", type=int, default=160)
    parser.add_argument("--width", type=int, default=96)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--gradient-checkpointing", action="store_true")
    args = parser.parse_args()
    dtype = getattr(torch, args.dtype)
    components = build_components(args.preset, source=args.source, random_weights=True)
    model = components.model.to(args.device, dtype)
    plain = UNetSpatioTemporalConditionModel.from_config(model.unet.config).to(args.device, dtype)
    if args.gradient_checkpointing:
        model.unet.enable_gradient_checkpointing()
        plain.enable_gradient_checkpointing()
    values = inputs(model, args.frames, args.height, args.width, args.device, dtype)
    plain_args = [values[k] for k in ("sample", "timestep", "encoder_hidden_states", "added_time_ids")]

    def plain_forward() -> torch.Tensor:
        return plain(*plain_args).sample

    def ours_forward() -> torch.Tensor:
        return model(**values)

    def step(forward: Callable[[], torch.Tensor], module: torch.nn.Module) -> Callable[[], None]:
        def run() -> None:
            module.zero_grad(set_to_none=True)
            forward().float().square().mean().backward()

        return run

    rows = []
    for label, forward, module in (
        ("plain SVD UNet", plain_forward, plain),
        ("InterAnimate", ours_forward, model),
    ):
        module.eval()
        with torch.no_grad():
            infer, infer_peak = measure(forward, args.device, args.repeats)
        module.train()
        train, train_peak = measure(step(forward, module), args.device, args.repeats)
        params = sum(p.numel() for p in module.parameters())
        rows.append((label, params, infer, infer_peak, train, train_peak))
        module.zero_grad(set_to_none=True)
    device = torch.cuda.get_device_name() if args.device.startswith("cuda") else platform.processor() or "CPU"
    print(
        f"preset {args.preset}, {args.frames} x {args.height} x {args.width}, {args.dtype}, {device}, "
        f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
        f"gradient checkpointing {'on' if args.gradient_checkpointing else 'off'}\n"
    )
    print("| model | parameters | inference s | training step s | inference peak GiB | training peak GiB |")
    print("|---|---|---|---|---|---|")
    for label, params, infer, infer_peak, train, train_peak in rows:
        peaks = [f"{p:.1f}" if p is not None else "–" for p in (infer_peak, train_peak)]
        print(f"| {label} | {params:,} | {infer:.3f} | {train:.3f} | {peaks[0]} | {peaks[1]} |")
    base, ours = rows
    print(
        f"\nInterAnimate / plain: parameters {ours[1] / base[1]:.3f}x, inference {ours[2] / base[2]:.2f}x, "
        f"training step {ours[4] / base[4]:.2f}x"
    )


if __name__ == "__main__":
    main()
