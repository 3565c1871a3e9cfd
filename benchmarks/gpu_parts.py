"""The parts of ``gpu_check.py``: each measures one thing a user runs on a GPU and returns its numbers.

Every part takes a ``PartContext`` (device, sizes, the shared work folder, its own time budget) and
returns a JSON-ready dict. ``SIZES["full"]`` is what the checks are about (the paper's 16 x 640 x 384
InterAnimate, 48-frame cases of ``interhf-v1``); ``SIZES["smoke"]`` runs the same code at toy sizes on a
CPU in seconds, so the script is known to work before a GPU sees it.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
SHIPPED_CHECKPOINT = REPO / "interanimate" / "checkpoints" / "tiny-synthetic"
CARD_80GB_GIB = 78.0  # what an 80 GB H100 leaves a process: 79.6 GiB less the CUDA context


@dataclass(frozen=True)
class Sizes:
    """Everything that differs between the real check and the smoke run."""

    preset: str  # InterAnimate preset of parts a, b and d
    dtype: str  # a: autocast of the training step and dtype of inference; b, d: pipeline dtype
    frames: int  # a: training clip
    height: int
    width: int
    repeats: int  # a: timed calls after one warm-up
    sampling_steps: int  # b
    runner_sampling_steps: int  # d: the runner and the size are the point, b measured the full sampling
    tile_size: int
    tile_overlap: int
    protocol: str  # c, d: the evaluation data
    score_videos: int  # c
    clip_stride: int  # c: FID-VID / FVD window stride (the protocol's is 1)
    train_per_class: int  # e: training videos per class
    train_batch: int  # e
    train_clip_length: int  # e: tiny.yaml's 8 (the smoke run's 4 is only faster)
    train_workers: int  # e: data loader processes
    calibration_steps: int  # e: steps timed before the step count is fixed
    min_train_steps: int  # e
    max_train_steps: int  # e


SIZES = {
    "full": Sizes(
        preset="svd-xt-1.1",
        dtype="bfloat16",
        frames=16,
        height=640,
        width=384,
        repeats=2,
        sampling_steps=25,
        runner_sampling_steps=10,
        tile_size=16,
        tile_overlap=4,
        protocol="interhf-v1",
        score_videos=6,
        clip_stride=1,
        train_per_class=12,
        train_batch=16,
        train_clip_length=8,
        train_workers=8,
        calibration_steps=40,
        min_train_steps=50,
        max_train_steps=100_000,
    ),
    "smoke": Sizes(
        preset="tiny",
        dtype="bfloat16",  # the GPU run's dtype: mismatches show up on the CPU too
        frames=4,
        height=64,
        width=32,
        repeats=1,
        sampling_steps=2,
        runner_sampling_steps=2,
        tile_size=8,
        tile_overlap=2,
        protocol="interhf-mini-v1",
        score_videos=1,
        clip_stride=8,
        train_per_class=1,
        train_batch=2,
        train_clip_length=4,
        train_workers=0,
        calibration_steps=3,
        min_train_steps=2,
        max_train_steps=2,
    ),
}


@dataclass(frozen=True)
class PartContext:
    name: str  # the part's own name: where its numbers so far are kept
    device: str
    sizes: Sizes
    work: Path  # shared by all parts: the data rendered by ``data``
    out: Path  # what the user gets back (e's checkpoints)
    budget_s: float  # this part's hard limit; parts with inner loops plan against it
    svd_configs: Path  # SVD img2vid-xt-1.1 config files (no weights needed)

    @property
    def eval_data(self) -> Path:
        return self.work / "eval-data"

    @property
    def train_data(self) -> Path:
        return self.work / "train-data"

    @property
    def partial_file(self) -> Path:
        return self.work / f"{self.name}.partial.json"

    def note(self, **values: Any) -> None:
        """Keep numbers measured so far: a part killed at its budget still reports them."""
        known = json.loads(self.partial_file.read_text()) if self.partial_file.is_file() else {}
        self.partial_file.write_text(json.dumps({**known, **values}, default=str))


def synchronize(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def timed(run: Callable[[], Any], device: str) -> tuple[float, Any]:
    """Seconds of one call, the device's queue drained before and after."""
    synchronize(device)
    start = time.perf_counter()
    result = run()
    synchronize(device)
    return time.perf_counter() - start, result


def peak_gib(device: str) -> float | None:
    return torch.cuda.max_memory_allocated() / 2**30 if device.startswith("cuda") else None


def reset_peak(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


# -- data ------------------------------------------------------------------------------------------------
def part_data(ctx: PartContext) -> dict[str, Any]:
    """Render the evaluation videos (b, c, d: the protocol's first class) and the tiny training set (e)
    with every CPU core."""
    from interhf_bench.protocol import get_protocol
    from interhf_bench.synth.build import synthesize_dataset

    workers = os.cpu_count() or 1
    protocol = get_protocol(ctx.sizes.protocol)
    first_class = replace(protocol, classes=protocol.classes[:1])  # every part reads one class at most
    seconds_eval, _ = timed(
        lambda: synthesize_dataset(ctx.eval_data, first_class, workers=workers, progress=False), "cpu"
    )
    ctx.note(eval_set_s=seconds_eval)
    seconds_train, _ = timed(
        lambda: synthesize_dataset(
            ctx.train_data,
            get_protocol("interhf-mini-v1"),
            seed=2,  # the embedded test set is seed 0: no test subject is trained on
            train_per_class=ctx.sizes.train_per_class,
            workers=workers,
            progress=False,
        ),
        "cpu",
    )
    return {"eval_set_s": seconds_eval, "train_set_s": seconds_train, "cpu_workers": workers}


# -- a: the full-size model ------------------------------------------------------------------------------
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
    train_s, train_peak = _training_step_time(module, forward, ctx)
    module.zero_grad(set_to_none=True)
    infer_s, infer_peak = _inference_time(module, forward, ctx)
    return {
        "model": label,
        "parameters": sum(p.numel() for p in module.parameters()),
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


# -- b: pipeline inference -------------------------------------------------------------------------------
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


# -- c: score --------------------------------------------------------------------------------------------
def _score_pass(
    ctx: PartContext, dataset: Any, protocol: Any, pred_dir: Path, metrics: Any, aggregate: bool
) -> dict[str, Any]:
    """One ``score``: its two halves timed apart (per-video features, then, with ``aggregate``, the
    Fréchet distances, whose cost does not depend on the cache)."""
    from interhf_bench.scoring.extractors import FeatureCache
    from interhf_bench.scoring.score import accumulate, build_metrics_file

    networks = {"frame_models": metrics.frame_models, "extractors": metrics.extractors}
    features_s, state = timed(
        lambda: accumulate(
            dataset,
            protocol,
            pred_dir,
            cache=FeatureCache(ctx.work / "feature-cache"),
            progress=False,
            workers=min(8, os.cpu_count() or 1),
            **networks,
        ),
        ctx.device,
    )
    ctx.note(last_pass_features_s=features_s)
    if not aggregate:
        return {"features_s": features_s}
    aggregate_s, result = timed(
        lambda: build_metrics_file(state, dataset, protocol, pred_dir, **networks), "cpu"
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


# -- d: mimicmotion-native -------------------------------------------------------------------------------
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


# -- e: the tiny model's training and its ablation variants ---------------------------------------------
TRAIN_ORDER = ("full", "wo-ris", "wo-quantize", "wo-oloss", "wo-id")  # the full model first: it matters most
EXPORT_INFERENCE = ["num_inference_steps=10", "guidance_scale=1.5"]  # the shipped checkpoint's sampling


def _train_config(ctx: PartContext, variant: str, output: Path, steps: int) -> Any:
    """``tiny.yaml`` on the rendered training set; only the variant's switch, the batch and the step
    count differ from the shipped checkpoint's setting. The shipped checkpoint's VAE is reused."""
    from interanimate.ablations import variant_switches
    from interanimate.training.config import load_config

    base = load_config(
        "tiny.yaml",
        {
            "data": str(ctx.train_data),
            "output_dir": str(output),
            "batch_size": ctx.sizes.train_batch,
            "num_workers": ctx.sizes.train_workers,
            "steps": steps,
            "warmup_steps": min(100, steps // 10),
            "lr_decay_steps": steps // 4,
            "log_every": max(1, steps // 20),
            "checkpoint_every": steps,
            "clip_length": ctx.sizes.train_clip_length,
        },
    )
    output.mkdir(parents=True, exist_ok=True)
    if not (output / "vae").exists():
        shutil.copytree(SHIPPED_CHECKPOINT / "vae", output / "vae")
    return base.model_copy(update={"model": {**base.model, **variant_switches(variant, base.model)}})


def _train(ctx: PartContext, variant: str, output: Path, steps: int) -> tuple[Path, list[dict], float]:
    from interanimate.training.loop import LOG, train

    config = _train_config(ctx, variant, output, steps)
    seconds, final = timed(lambda: train(config, progress=False), "cpu")
    records = [json.loads(line) for line in (output / LOG).read_text().splitlines() if line.strip()]
    return final, [record for record in records if record.get("phase") == "train"], seconds


def _seconds_per_step(records: list[dict]) -> float:
    first, last = records[0], records[-1]
    return (last["seconds"] - first["seconds"]) / max(1, last["step"] - first["step"])


def _export(final: Path, destination: Path) -> Path:
    """The checkpoint in float16 with the shipped sampling values, packed into one file to bring back."""
    from interanimate.cli import main as interanimate_main

    folder = destination.with_suffix("")
    if interanimate_main(["export", str(final), str(folder), "--inference", *EXPORT_INFERENCE]) != 0:
        raise RuntimeError(f"exporting {final} failed")
    with tarfile.open(destination, "w") as archive:
        archive.add(folder, arcname=folder.name)
    shutil.rmtree(folder)
    return destination


def part_training(ctx: PartContext) -> dict[str, Any]:
    """Time the full model's steps, fix one step count that lets all five variants fit the budget, then
    train them in order of value (same config and seed, one switch each) and export each checkpoint."""
    deadline = time.monotonic() + ctx.budget_s - 5
    calibration = ctx.work / "train-calibration"
    _, records, calibration_s = _train(ctx, "full", calibration, ctx.sizes.calibration_steps)
    per_step = _seconds_per_step(records)
    overhead = calibration_s - records[-1]["seconds"]  # building, data workers, saving
    share = (deadline - time.monotonic()) / len(TRAIN_ORDER)
    fitting = int((share - 2 * overhead) / per_step)
    steps = min(ctx.sizes.max_train_steps, max(ctx.sizes.min_train_steps, fitting))
    ctx.note(calibration_s_per_step=per_step, steps=steps)
    result: dict[str, Any] = {
        "batch_size": ctx.sizes.train_batch,
        "calibration_s_per_step": per_step,
        "overhead_s": overhead,
        "steps": steps,
        "variants": [],
    }
    for variant in TRAIN_ORDER:
        needed = 2 * overhead + steps * per_step
        if time.monotonic() + needed > deadline:
            result["variants"].append({"variant": variant, "status": f"skipped: needs ~{needed:.0f} s"})
            continue
        final, records, seconds = _train(ctx, variant, ctx.work / "train" / variant, steps)
        archive = _export(final, ctx.out / f"tiny-{variant}.tar")
        last = records[-1]
        ctx.note(**{f"trained_{variant}_s": seconds})
        result["variants"].append(
            {
                "variant": variant,
                "status": "trained",
                "seconds": seconds,
                "s_per_step": _seconds_per_step(records),
                "final_loss": last["loss"],
                "final_diffusion": last["diffusion"],
                "archive": archive.name,
            }
        )
    return result
