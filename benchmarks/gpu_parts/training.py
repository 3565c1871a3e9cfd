"""Part e: the tiny InterAnimate's training on the device, the full model and its ablation variants."""

from __future__ import annotations

import json
import shutil
import tarfile
import time
from pathlib import Path
from typing import Any

from gpu_parts.context import SHIPPED_CHECKPOINT, PartContext, timed

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
