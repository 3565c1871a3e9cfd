"""Part c: ``score`` with every metric network on the device."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from gpu_parts.context import PartContext, timed


def _score_pass(
    ctx: PartContext, dataset: Any, protocol: Any, pred_dir: Path, metrics: Any, aggregate: bool
) -> dict[str, Any]:
    """One ``score``: its two halves timed apart (per-video features, then, with ``aggregate``, the
    Fréchet distances, whose cost does not depend on the cache)."""
    from interhf_bench.scoring.feature_cache import FeatureCache
    from interhf_bench.scoring.metric_set import MetricSet
    from interhf_bench.scoring.score import accumulate, build_metrics_file

    networks = MetricSet(frame_models=metrics.frame_models, extractors=metrics.extractors)
    features_s, state = timed(
        lambda: accumulate(
            dataset,
            protocol,
            pred_dir,
            networks,
            cache=FeatureCache(ctx.work / "feature-cache"),
            progress=False,
            workers=min(8, os.cpu_count() or 1),
        ),
        ctx.device,
    )
    ctx.note(last_pass_features_s=features_s)
    if not aggregate:
        return {"features_s": features_s}
    aggregate_s, result = timed(
        lambda: build_metrics_file(state, dataset, protocol, pred_dir, networks), "cpu"
    )
    computed = sorted(name for name, value in result.overall.items() if value.value is not None)
    return {"features_s": features_s, "aggregate_s": aggregate_s, "metrics": computed}


def part_score(ctx: PartContext) -> dict[str, Any]:
    """``score`` with every network on the device, twice: cold and warm ground-truth feature cache.

    The videos come from one class, so the per-class Fréchet distances (a 2048-d matrix square root
    each, on the CPU) are computed once, as in a full run's share of one class.
    """
    from bench_score import make_predictions
    from metric_weights import timing_metric_set

    from interhf_bench.data.dataset import Dataset
    from interhf_bench.protocol import get_protocol

    sizes = ctx.sizes
    protocol = replace(get_protocol(sizes.protocol), clip_stride=sizes.clip_stride)
    dataset = Dataset(ctx.eval_data, split="test")
    first_class = next(iter(dataset)).interaction
    rows = [row for row in dataset if row.interaction == first_class][: sizes.score_videos]
    pred_dir = ctx.work / "score-predictions"
    make_predictions(dataset, list(protocol.target_frames), pred_dir, protocol.fps, rows)
    metrics, sources = timing_metric_set(protocol, ctx.device, ctx.work / "random-metric-weights")
    ctx.note(videos=len(rows), weights=sources)
    cold = _score_pass(ctx, dataset, protocol, pred_dir, metrics, aggregate=True)
    ctx.note(cold_cache={key: value for key, value in cold.items() if key != "metrics"})
    warm = _score_pass(ctx, dataset, protocol, pred_dir, metrics, aggregate=False)
    frames = len(rows) * protocol.num_target_frames
    per_video = {label: run["features_s"] / len(rows) for label, run in (("cold", cold), ("warm", warm))}
    return {
        "videos": len(rows),
        "frames": frames,
        "clip_stride": protocol.clip_stride,
        "weights": sources,
        "metrics": cold.pop("metrics"),
        "cold_cache": cold,
        "warm_cache": warm,
        "cold_frames_per_s": frames / cold["features_s"],
        "warm_frames_per_s": frames / warm["features_s"],
        f"features_min_for_{protocol.num_videos}_videos": {
            label: seconds * protocol.num_videos / 60 for label, seconds in per_video.items()
        },
    }
