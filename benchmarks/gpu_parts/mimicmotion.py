"""Part d: ``mimicmotion-native`` at full size through the runner."""

from __future__ import annotations

import json
from typing import Any

from gpu_parts.context import PartContext, timed


def part_mimicmotion(ctx: PartContext) -> dict[str, Any]:
    """One case of ``mimicmotion-native`` through the runner (random networks of the real size)."""
    from interhf_bench.protocol import get_protocol
    from interhf_bench.runner.run import RunConfig, run_method

    sizes = ctx.sizes
    method_args = {
        "preset": sizes.preset,
        "base_model": str(ctx.svd_configs),
        "random_weights": "true",
        "dtype": sizes.dtype,
        "num_inference_steps": str(sizes.runner_sampling_steps),
        "tile_size": str(sizes.tile_size),
        "tile_overlap": str(sizes.tile_overlap),
    }
    config = RunConfig(
        method="mimicmotion-native",
        out=ctx.work / "runs",
        data=ctx.eval_data,
        limit=1,
        method_args=method_args,
        device=ctx.device,
        progress=False,
        hand_detector="none",
    )
    seconds, outcome = timed(lambda: run_method(config), ctx.device)
    generation = outcome.generation
    if generation.failed or not generation.generated:
        raise RuntimeError(f"mimicmotion-native generated nothing: {generation.failed}")
    metrics = json.loads((outcome.run_dir / "metrics.json").read_text())
    return {
        "method_args": method_args,
        "run_s": seconds,
        "case_s": generation.case_seconds[0],
        "case_s_per_frame": generation.case_seconds[0] / get_protocol(sizes.protocol).num_target_frames,
        "scored": {
            key: value["value"] for key, value in metrics["overall"].items() if value.get("value") is not None
        },
    }
