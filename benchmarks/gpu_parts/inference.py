"""Part b: one whole case through the InterAnimate adapter with random full-size networks."""

from __future__ import annotations

from typing import Any

import torch

from gpu_parts.context import PartContext, peak_gib, reset_peak, timed


def _first_case(ctx: PartContext) -> Any:
    from interhf_bench.data.dataset import Dataset
    from interhf_bench.protocol import get_protocol
    from interhf_bench.runner.cases import build_case

    dataset = Dataset(ctx.eval_data, split="test")
    protocol = get_protocol(ctx.sizes.protocol)
    return build_case(dataset, next(iter(dataset)), protocol, 0, with_ground_truth=False)


def part_inference(ctx: PartContext) -> dict[str, Any]:
    """One whole case through InterAnimate's adapter with random full-size networks."""
    from interanimate.adapter import SAMPLING_DEFAULTS, InterAnimate
    from interanimate.pipeline import InterAnimatePipeline
    from interanimate.presets import build_components
    from interhf_bench.runner.run import make_adapter

    sizes = ctx.sizes
    dtype = getattr(torch, sizes.dtype)
    with torch.device(ctx.device):
        components = build_components(sizes.preset, source=ctx.svd_configs, random_weights=True)
    pipeline = InterAnimatePipeline.from_components(components).to(ctx.device, dtype)
    ctx.note(networks_built=True)
    adapter = make_adapter(InterAnimate, {})
    adapter.pipeline = pipeline  # the adapter's own input preparation around random networks
    adapter.resolved_sampling = {
        **SAMPLING_DEFAULTS,
        "num_inference_steps": sizes.sampling_steps,
        "tile_size": sizes.tile_size,
        "tile_overlap": sizes.tile_overlap,
    }
    case = _first_case(ctx)
    reset_peak(ctx.device)
    seconds, frames = timed(lambda: adapter.generate(case), ctx.device)
    return {
        "case": f"{case.num_frames} frames at {case.height}x{case.width}",
        "sampling": adapter.resolved_sampling,
        "dtype": sizes.dtype,
        "generate_s": seconds,
        "seconds_per_frame": seconds / case.num_frames,
        "peak_gib": peak_gib(ctx.device),
        "output_shape": list(frames.shape),
    }
