"""``bench_score.py --full``: the whole metric set, ``score`` against the DisCo-style pipeline, one run.

Both pipelines get the same synthetic ``interhf-v1``-sized videos and the same networks (the real I3D
when the weights store has it, random weights of the real Inception, VGG16 and 3D-ResNet-50 otherwise:
the cost is the same). The DisCo-style pipeline (``disco_style.py``) dumps PNGs and runs each metric as
its own pass; ``score`` runs three times: the pixel metrics alone (its decode and pixel cost), then every
network with a cold ground-truth feature cache and again with it warm. Every value both compute is
checked to agree. The detector metrics (hand pose, interaction), which DisCo has no counterpart for, are
timed in their own pair of runs. The report gives seconds per video, where they go, and an
extrapolation to the protocol's 180 videos (per-video cost times 180 plus the Fréchet distances: one per
metric for DisCo, overall and per class for ``score``).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import torch
from bench_score import make_predictions
from disco_style import (
    Statistics,
    clip_statistics,
    dump_frames,
    fid_statistics,
    fid_vid_scale,
    frechet,
    fvd_scale,
    lpips_metric,
    pixel_metrics,
)
from metric_weights import timing_metric_set
from timed_metrics import timed_metric_set

from interhf_bench.data.dataset import Dataset
from interhf_bench.metrics.frechet import FeatureStatistics
from interhf_bench.metrics.lpips_vgg import load_lpips_vgg
from interhf_bench.metrics.networks.i3d import InceptionI3d
from interhf_bench.metrics.networks.i3d_flax import build_i3d_from_flax
from interhf_bench.metrics.networks.resnet3d import load_resnet3d50_kinetics
from interhf_bench.protocol import ProtocolSpec, get_protocol
from interhf_bench.results.metrics_file import MetricsFile
from interhf_bench.scoring.feature_cache import FeatureCache
from interhf_bench.scoring.metric_set import MetricSet, build_metric_set
from interhf_bench.scoring.score import accumulate, build_metrics_file
from interhf_bench.scoring.state import ScoreState
from interhf_bench.synth.build import synthesize_dataset
from interhf_bench.weights.store import ResolvedWeight

T = TypeVar("T")
NETWORK_METRICS = ("lpips", "fid", "fid_vid", "fvd")
# Relative agreement required between the two pipelines: the pixel metrics are the same float64
# arithmetic; the networks' float32 outputs differ by batching (summation order), which the Fréchet
# distances of a few hundred samples amplify.
AGREEMENT = {"ssim": 1e-9, "psnr": 1e-9, "l1": 1e-9, "lpips": 1e-5, "fid": 1e-3, "fid_vid": 1e-3, "fvd": 1e-3}

_LABELS = {"lpips": "LPIPS", "fid": "FID", "fid_vid": "FID-VID", "fvd": "FVD"}


@dataclass
class Timings:
    """Seconds of one pipeline: per-video work by part, and the Fréchet distances apart."""

    parts: dict[str, float] = field(default_factory=dict)
    frechet: float = 0.0
    total: float = 0.0


def _timed(seconds: dict[str, float], label: str, work: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = work()
    seconds[label] = seconds.get(label, 0.0) + time.perf_counter() - start
    print(f"  {label}: {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return result


def _reference_networks(metrics: MetricSet) -> dict[str, Any]:
    """Fresh copies of the networks ``metrics`` holds, built from the same weight files."""
    weights: dict[str, ResolvedWeight] = {
        m.name: m.weights for m in [*metrics.frame_models, *metrics.extractors]
    }
    fvd = weights["fvd"]
    if fvd.entry.name == "i3d-pretrained-400":
        i3d = InceptionI3d(num_classes=400, in_channels=3, bn_eps=1e-3)
        i3d.load_state_dict(torch.load(fvd.path, map_location="cpu", weights_only=True), strict=True)
    else:
        i3d = build_i3d_from_flax(fvd.path, bn_eps=1e-3)
    return {
        "lpips": load_lpips_vgg(torch.load(weights["lpips"].path, map_location="cpu", weights_only=True)),
        "fid": weights["fid"].path,
        "fid_vid": load_resnet3d50_kinetics(weights["fid_vid"].path).eval(),
        "fvd": i3d.eval(),
    }


@dataclass
class Reference:
    """What the DisCo-style pipeline computed: frame-metric values, feature statistics per side, and the
    Fréchet distances (``None`` where pytorch-fid refuses: too few samples for the dimension)."""

    values: dict[str, float] = field(default_factory=dict)
    statistics: dict[str, list[Statistics]] = field(default_factory=dict)
    distances: dict[str, float | None] = field(default_factory=dict)


def disco_style(
    dataset: Dataset, protocol: ProtocolSpec, pred: Path, work: Path, networks: dict[str, Any]
) -> tuple[Reference, Timings]:
    """Every DisCo metric as DisCo's scripts compute it, and where the time went."""
    timings, reference = Timings(), Reference()
    values = reference.values
    start = time.perf_counter()
    parts = timings.parts
    gen_dir, gt_dir = _timed(
        parts, "PNG dump", lambda: dump_frames(dataset, list(protocol.target_frames), pred, work)
    )
    values |= _timed(parts, "SSIM, PSNR, L1", lambda: pixel_metrics(gen_dir, gt_dir))
    values["lpips"] = _timed(parts, "LPIPS", lambda: lpips_metric(gen_dir, gt_dir, networks["lpips"]))
    clip = protocol.clip_length
    statistics = {
        "fid": lambda folder: fid_statistics(folder, networks["fid"]),
        "fid_vid": lambda folder: clip_statistics(
            folder, networks["fid_vid"].features, 112, fid_vid_scale, clip
        ),
        "fvd": lambda folder: clip_statistics(folder, networks["fvd"], 224, fvd_scale, clip),
    }
    for name, compute in statistics.items():
        pair = [
            _timed(parts, _LABELS[name], lambda folder=folder, compute=compute: compute(folder))
            for folder in (gen_dir, gt_dir)
        ]
        reference.statistics[name] = pair
        frechet_start = time.perf_counter()
        try:
            reference.distances[name] = frechet(*pair)
        except ValueError:  # pytorch-fid: "Imaginary component", a singular covariance
            reference.distances[name] = None
        timings.frechet += time.perf_counter() - frechet_start
    timings.total = time.perf_counter() - start
    return reference, timings


def score_pass(
    dataset: Dataset, protocol: ProtocolSpec, pred: Path, metrics: MetricSet, cache: Path | None, workers: int
) -> tuple[tuple[ScoreState, MetricsFile], Timings]:
    """One ``score`` (accumulate, then the aggregates) with its network calls timed."""
    timings = Timings()
    timed = timed_metric_set(metrics, timings.parts)
    start = time.perf_counter()
    state = accumulate(
        dataset,
        protocol,
        pred,
        timed,
        cache=FeatureCache(cache) if cache else None,
        progress=False,
        workers=workers,
    )
    accumulated = time.perf_counter()
    result = build_metrics_file(state, dataset, protocol, pred, timed)
    timings.frechet = time.perf_counter() - accumulated
    timings.total = time.perf_counter() - start
    print(
        f"score: {timings.total:.1f} s, of which aggregates {timings.frechet:.1f} s",
        file=sys.stderr,
        flush=True,
    )
    return (state, result), timings


def check_agreement(state: ScoreState, result: MetricsFile, reference: Reference) -> list[str]:
    """Each value both computed, as 'name: relative difference'; raises when one disagrees.

    For the clip and frame features, the means and covariances of both sides are compared (a Fréchet
    distance of fewer samples than dimensions is not defined well enough to compare), and the distance
    itself where pytorch-fid gives one.
    """
    lines = []
    for name, value in reference.values.items():
        lines.append(_agree(name, result.overall[name].value, value))
    for name, pair in reference.statistics.items():
        ours = _merged_statistics(state, name)
        for side, (mine, theirs) in zip(
            ("generated", "ground truth"), zip(ours, pair, strict=True), strict=True
        ):
            lines.append(_agree(f"{name} {side} mean", mine.mean, theirs[0]))
            lines.append(_agree(f"{name} {side} covariance", mine.covariance, theirs[1]))
        if reference.distances[name] is not None and result.overall[name].value is not None:
            lines.append(_agree(name, result.overall[name].value, reference.distances[name]))
    return lines


def _agree(label: str, mine: Any, theirs: Any) -> str:
    """Largest difference relative to the reference's largest magnitude; raises above the tolerance."""
    mine, theirs = np.asarray(mine, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    difference = float(np.max(np.abs(mine - theirs)) / max(float(np.max(np.abs(theirs))), 1e-12))
    if difference > AGREEMENT[label.split()[0]]:
        raise AssertionError(
            f"{label}: score and the DisCo-style pipeline differ by {difference:.2e} (relative)"
        )
    return f"{label} {difference:.1e}"


def _merged_statistics(state: ScoreState, name: str) -> tuple[FeatureStatistics, FeatureStatistics]:
    """One extractor's (generated, ground truth) statistics over every class."""
    merged = (FeatureStatistics(state.extractor_dims[name]), FeatureStatistics(state.extractor_dims[name]))
    for by_name in state.features.values():
        for mine, theirs in zip(merged, by_name[name], strict=True):
            mine.merge(theirs)
    return merged


@dataclass
class FullRun:
    """Everything one ``--full`` run measured."""

    videos: int
    classes_in_protocol: int
    videos_in_protocol: int
    weights: dict[str, str]
    disco: Timings
    pixels_only: Timings
    cold: Timings
    warm: Timings
    detectors_cold: Timings | None
    detectors_warm: Timings | None
    agreement: list[str]


def run_full(videos: int, protocol_name: str, workers: int, detectors: bool) -> FullRun:
    """Synthesize ``videos`` test videos (one class each) and time both pipelines on them."""
    base = get_protocol(protocol_name)
    protocol = replace(base, id=f"{base.id}-bench", classes=base.classes[:videos], videos_per_class=1)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        synthesize_dataset(root / "data", protocol, progress=False)
        dataset = Dataset(root / "data")
        pred = root / "videos"
        make_predictions(dataset, list(protocol.target_frames), pred, protocol.fps)
        metrics, sources = timing_metric_set(protocol, "cpu", root / "weights")
        reference, disco = disco_style(dataset, protocol, pred, root / "disco", _reference_networks(metrics))
        _, pixels_only = score_pass(dataset, protocol, pred, MetricSet(), None, workers)
        (state, ours), cold = score_pass(dataset, protocol, pred, metrics, root / "cache", workers)
        _, warm = score_pass(dataset, protocol, pred, metrics, root / "cache", workers)
        detector_runs: list[Timings | None] = [None, None]
        if detectors:
            found = build_metric_set(
                protocol, pose_backend="mediapipe", requested=frozenset({"hand_pose", "interaction"})
            )
            detector_runs = [
                score_pass(dataset, protocol, pred, found, root / "detections", workers)[1] for _ in range(2)
            ]
    return FullRun(
        videos,
        len(base.classes),
        base.num_videos,
        sources,
        disco,
        pixels_only,
        cold,
        warm,
        *detector_runs,
        check_agreement(state, ours, reference),
    )


def _per_video(timings: Timings, videos: int) -> float:
    return (timings.total - timings.frechet) / videos


def extrapolated(run: FullRun, timings: Timings, frechet_sets: float) -> float:
    """Seconds for the whole protocol: per-video cost times its videos, plus ``frechet_sets`` times the
    measured cost of one set of Fréchet distances."""
    return _per_video(timings, run.videos) * run.videos_in_protocol + timings.frechet * frechet_sets


def report(run: FullRun) -> str:
    """The markdown tables for ``docs/benchmarks.md``."""
    v = run.videos
    ours_sets = (1 + run.classes_in_protocol) / (1 + v)  # overall + per class, measured on 1 + v sets
    disco_180 = extrapolated(run, run.disco, 1.0)
    lines = [
        f"{v} videos, weights: " + ", ".join(f"{k} {s}" for k, s in run.weights.items()),
        "same values: " + "; ".join(run.agreement),
        "",
        f"| pipeline | s / video | Fréchet distances s | {run.videos_in_protocol} videos, h "
        f"| speed-up per video | speed-up, {run.videos_in_protocol} videos |",
        "|---|---|---|---|---|---|",
    ]
    for label, timings, sets in (
        ("DisCo-style (PNG dump, one pass per metric, batch 1, ground truth recomputed)", run.disco, 1.0),
        ("`score`, ground-truth features not cached (first score of a dataset)", run.cold, ours_sets),
        ("`score`, ground-truth features cached (every later score)", run.warm, ours_sets),
    ):
        total = extrapolated(run, timings, sets)
        lines.append(
            f"| {label} | {_per_video(timings, v):.1f} | {timings.frechet:.1f} | {total / 3600:.2f} "
            f"| {_per_video(run.disco, v) / _per_video(timings, v):.2f}x | {disco_180 / total:.2f}x |"
        )
    lines += [
        "",
        "Where the time goes, seconds per video:",
        "",
        "| part | DisCo-style | `score` cold | `score` warm |",
        "|---|---|---|---|",
    ]
    for part in ("PNG dump", "SSIM, PSNR, L1"):
        lines.append(f"| {part} | {run.disco.parts.get(part, 0.0) / v:.2f} | | |")
    pixel = _per_video(run.pixels_only, v)
    lines.append(
        "| `score`'s decode + SSIM, PSNR, L1 + 9 region values (a pass without networks) "
        f"| | {pixel:.2f} | {pixel:.2f} |"
    )
    for name in NETWORK_METRICS:
        label = _LABELS[name]
        seconds = [
            run.disco.parts.get(label, 0.0),
            run.cold.parts.get(name, 0.0),
            run.warm.parts.get(name, 0.0),
        ]
        lines.append(f"| {label} | " + " | ".join(f"{s / v:.2f}" for s in seconds) + " |")
    waiting = [(t.total - t.frechet - sum(t.parts.values())) / v for t in (run.cold, run.warm)]
    lines.append(
        f"| decode and pixel metrics not hidden behind the networks | | {waiting[0]:.2f} | {waiting[1]:.2f} |"
    )
    if run.detectors_cold and run.detectors_warm:
        lines += _detector_lines(run)
    return "\n".join(lines)


def _detector_lines(run: FullRun) -> list[str]:
    cold, warm = run.detectors_cold, run.detectors_warm
    assert cold is not None and warm is not None
    lines = [
        "",
        "Detector metrics (no DisCo counterpart; MediaPipe), seconds per video:",
        "",
        "| part | ground truth not cached | cached |",
        "|---|---|---|",
    ]
    for part in sorted(set(cold.parts) | set(warm.parts)):
        seconds = [cold.parts.get(part, 0.0) / run.videos, warm.parts.get(part, 0.0) / run.videos]
        lines.append(f"| {part} | {seconds[0]:.2f} | {seconds[1]:.2f} |")
    lines.append(f"| whole pass | {_per_video(cold, run.videos):.2f} | {_per_video(warm, run.videos):.2f} |")
    return lines
