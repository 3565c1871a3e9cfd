"""Part a: full-size InterAnimate against the plain SVD UNet, a real training step and a forward."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from gpu_parts.context import CARD_80GB_GIB, PartContext, peak_gib, reset_peak, resident_gib, timed


def _training_step_time(
    module: torch.nn.Module, forward: Callable[[], torch.Tensor], ctx: PartContext
) -> tuple[float, float | None]:
    """Median seconds of a real training step (autocast, backward, AdamW) and its peak memory."""
    dtype = getattr(torch, ctx.sizes.dtype)
    autocast = torch.autocast(ctx.device.split(":")[0], dtype=dtype, enabled=dtype != torch.float32)
    optimizer = torch.optim.AdamW([p for p in module.parameters() if p.requires_grad], lr=1e-5)
    module.train()

    def step() -> None:
        with autocast:
            loss = forward().float().square().mean()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    step()  # warm-up; allocates the optimiser state
    reset_peak(ctx.device)
    times = [timed(step, ctx.device)[0] for _ in range(ctx.sizes.repeats)]
    return float(np.median(times)), peak_gib(ctx.device)


def _inference_time(
    module: torch.nn.Module, forward: Callable[[], torch.Tensor], ctx: PartContext
) -> tuple[float, float | None]:
    """Median seconds of one forward in the inference dtype, and its peak memory."""
    module.eval().to(getattr(torch, ctx.sizes.dtype))
    with torch.inference_mode():
        forward()
        reset_peak(ctx.device)
        times = [timed(forward, ctx.device)[0] for _ in range(ctx.sizes.repeats)]
    return float(np.median(times)), peak_gib(ctx.device)


def _profile(
    label: str, module: torch.nn.Module, forward: Callable[[], torch.Tensor], ctx: PartContext
) -> dict[str, Any]:
    getattr(module, "unet", module).enable_gradient_checkpointing()
    reset_peak(ctx.device)
    resident = resident_gib(ctx.device)  # this model's fp32 weights, and nothing of the model before it
    train_s, train_peak = _training_step_time(module, forward, ctx)
    module.zero_grad(set_to_none=True)
    infer_s, infer_peak = _inference_time(module, forward, ctx)
    return {
        "model": label,
        "parameters": sum(p.numel() for p in module.parameters()),
        "resident_before_gib": resident,
        "training_step_s": train_s,
        "training_peak_gib": train_peak,
        "inference_forward_s": infer_s,
        "inference_peak_gib": infer_peak,
    }


def _interanimate_row(ctx: PartContext) -> tuple[dict[str, Any], Any, dict[str, torch.Tensor]]:
    """InterAnimate's row, its UNet config and the inputs; the model is freed on return."""
    from bench_interanimate import inputs

    from interanimate.presets import build_components

    sizes = ctx.sizes
    with torch.device(ctx.device):  # random initialisation on the device: seconds, not a minute
        model = build_components(sizes.preset, source=ctx.svd_configs, random_weights=True).model
    model.to(ctx.device)  # diffusers builds a few parameters with torch.Tensor, which ignores the context
    values = inputs(model, sizes.frames, sizes.height, sizes.width, ctx.device, torch.float32)

    def forward() -> torch.Tensor:
        return model(**{key: value.to(model.dtype) for key, value in values.items()})

    return _profile("InterAnimate", model, forward, ctx), model.unet.config, values


def part_model(ctx: PartContext) -> dict[str, Any]:
    """InterAnimate against the plain SVD UNet of the same config, one model on the device at a time."""
    from diffusers import UNetSpatioTemporalConditionModel

    sizes = ctx.sizes
    ours, unet_config, values = _interanimate_row(ctx)
    reset_peak(ctx.device)
    with torch.device(ctx.device):
        plain = UNetSpatioTemporalConditionModel.from_config(unet_config)
    plain.to(ctx.device)
    keys = ("sample", "timestep", "encoder_hidden_states", "added_time_ids")

    def plain_forward() -> torch.Tensor:
        dtype = next(plain.parameters()).dtype
        return plain(*(values[key].to(dtype) for key in keys)).sample

    base = _profile("plain SVD UNet", plain, plain_forward, ctx)
    peak = ours["training_peak_gib"]
    return {
        "shape": f"{sizes.frames}x{sizes.height}x{sizes.width}",
        "preset": sizes.preset,
        "dtype": sizes.dtype,
        "training": f"fp32 weights, AdamW, {sizes.dtype} autocast, gradient checkpointing",
        "rows": [base, ours],
        "training_ratio": ours["training_step_s"] / base["training_step_s"],
        "inference_ratio": ours["inference_forward_s"] / base["inference_forward_s"],
        "fits_80gb": None if peak is None else peak < CARD_80GB_GIB,
    }
