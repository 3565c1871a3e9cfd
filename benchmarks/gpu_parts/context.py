"""What every GPU-check part shares: the sizes of the real and the smoke run, the part's context, and
timing and memory helpers that drain the device's queue."""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

REPO = Path(__file__).resolve().parents[2]
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


def resident_gib(device: str) -> float | None:
    return torch.cuda.memory_allocated() / 2**30 if device.startswith("cuda") else None


def reset_peak(device: str) -> None:
    """Free what earlier measurements left (modules in reference cycles too), then restart the peak."""
    gc.collect()
    if device.startswith("cuda"):
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
