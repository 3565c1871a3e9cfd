"""Score generated videos against a dataset's test split and build ``metrics.json``.

Each ground-truth and generated video is decoded once; every frame metric and every clip extractor is
fed from that one pass. A video that is missing or unusable is recorded (``missing``, ``failed``) and
the rest are scored: ``n_evaluated`` says how many of ``n_expected`` made it into the numbers.
"""

from __future__ import annotations

import sys
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
from tqdm import tqdm

from interhf_bench import __version__
from interhf_bench.data.dataset import Dataset
from interhf_bench.data.manifest import ManifestRow, manifest_hash
from interhf_bench.metrics.frechet import FeatureStatistics, frechet_from_statistics
from interhf_bench.metrics.pixel import (
    PixelMetricSpec,
    l1_frames,
    match_size,
    psnr_frames,
    ssim_from_maps,
    ssim_maps,
    to_grey,
)
from interhf_bench.metrics.regions import REGIONS, region_frame_metrics, region_masks
from interhf_bench.protocol.spec import ProtocolSpec
from interhf_bench.results.metrics_file import MetricsFile, MetricValue
from interhf_bench.scoring.aggregate import pooled_mean_with_ci, video_sums
from interhf_bench.scoring.extractors import ClipFeatureExtractor, FeatureCache
from interhf_bench.scoring.predictions import PredictionError, find_prediction, load_prediction

FRAME_METRICS = ("ssim", "psnr", "l1")
DEFAULT_WORKERS = 2
T = TypeVar("T")
R = TypeVar("R")


class FrameModel(Protocol):
    """A per-frame network metric (LPIPS) and its region versions.

    ``per_frame_with_regions`` takes ``(T, H, W, 3)`` uint8 pairs of equal size and bool ``(T, H, W)``
    region masks and returns ``{name: (T,), "<region>_<name>": (T,) ...}`` (NaN for empty regions).
    """

    name: str

    @property
    def settings(self) -> dict[str, Any]: ...

    def per_frame_with_regions(
        self, generated: np.ndarray, ground_truth: np.ndarray, regions: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]: ...


REGION_METRICS = tuple(f"{region}_{name}" for region in REGIONS for name in FRAME_METRICS)


def score(
    dataset: Dataset,
    protocol: ProtocolSpec,
    pred_dir: Path,
    *,
    frame_models: Sequence[FrameModel] = (),
    extractors: Sequence[ClipFeatureExtractor] = (),
    unavailable: dict[str, str] | None = None,
    cache: FeatureCache | None = None,
    progress: bool = True,
    workers: int = DEFAULT_WORKERS,
) -> MetricsFile:
    """Score every test video of ``dataset`` that has a prediction in ``pred_dir``.

    ``workers`` threads decode videos and compute the pixel metrics ahead of the network metrics
    (decoding and the OpenCV/NumPy arithmetic release the GIL); results are consumed in manifest order,
    so the numbers do not depend on the number of workers.
    """
    rows = [row for row in dataset if row.split == "test"]
    targets = list(protocol.target_frames)
    sums: dict[str, dict[str, tuple[float, int]]] = {}
    per_video: dict[str, dict[str, float | None]] = {}
    generated_stats = {e.name: FeatureStatistics(e.dim) for e in extractors}
    reference_stats = {e.name: FeatureStatistics(e.dim) for e in extractors}
    class_stats = defaultdict(
        lambda: {e.name: (FeatureStatistics(e.dim), FeatureStatistics(e.dim)) for e in extractors}
    )
    missing: list[str] = []
    failed: dict[str, str] = {}
    measured = _in_order(
        lambda row: _measure_video(dataset, row, pred_dir, targets), rows, workers=max(1, workers)
    )
    for row, video in tqdm(
        zip(rows, measured, strict=True), total=len(rows), desc="score", unit="video", disable=not progress
    ):
        if isinstance(video, str):
            if video == MISSING:
                missing.append(row.video_id)
            else:
                failed[row.video_id] = video
            continue
        values = video.values
        resized = match_size(video.generated, *video.ground_truth.shape[1:3])
        for model in frame_models:
            values.update(model.per_frame_with_regions(resized, video.ground_truth, video.regions))
        sums[row.video_id] = {name: video_sums(frames) for name, frames in values.items()}
        per_video[row.video_id] = {
            name: (s / n if n else None) for name, (s, n) in sums[row.video_id].items()
        }
        for extractor in extractors:
            reference = (
                cache.get_or_compute(extractor, row.sha256, video.ground_truth)
                if cache
                else extractor.features(video.ground_truth)
            )
            produced = extractor.features(video.generated)
            for stats, features in ((generated_stats, produced), (reference_stats, reference)):
                stats[extractor.name].update(features)
            gen_class, ref_class = class_stats[row.interaction][extractor.name]
            gen_class.update(produced)
            ref_class.update(reference)

    by_class: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row.video_id in sums:
            by_class[row.interaction].append(row.video_id)
    model_names = [m.name for m in frame_models]
    names = [
        *FRAME_METRICS,
        *model_names,
        *REGION_METRICS,
        *(f"{r}_{n}" for r in REGIONS for n in model_names),
    ]
    overall = {name: _aggregate(sums, list(sums), name) for name in names}
    per_class = {
        code: {name: _aggregate(sums, ids, name) for name in names} for code, ids in sorted(by_class.items())
    }
    warnings: list[str] = []
    for extractor in extractors:
        overall[extractor.name] = _frechet(
            generated_stats[extractor.name], reference_stats[extractor.name], warnings, extractor.name
        )
        for code in per_class:
            gen_class, ref_class = class_stats[code][extractor.name]
            per_class[code][extractor.name] = _frechet(gen_class, ref_class, None, extractor.name)
    settings: dict[str, dict[str, object]] = {name: asdict(PixelMetricSpec()) for name in FRAME_METRICS}
    settings.update({m.name: m.settings for m in frame_models})
    settings.update({e.name: {"identity": e.identity, **e.settings} for e in extractors})
    return MetricsFile(
        protocol=protocol.id,
        protocol_hash=protocol.hash,
        manifest_sha256=manifest_hash(dataset.rows),
        predictions=str(pred_dir),
        n_expected=len(rows),
        n_evaluated=len(sums),
        missing=missing,
        failed=failed,
        overall=overall,
        per_class=per_class,
        per_video=per_video,
        settings=settings,
        unavailable=dict(unavailable or {}),
        warnings=warnings,
        provenance={
            "interhf_bench_version": __version__,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "command": " ".join(sys.argv),
            "dataset": str(dataset.root),
        },
    )


@dataclass
class _MeasuredVideo:
    """One decoded pair and its pixel metrics, ready for the network metrics."""

    generated: np.ndarray
    ground_truth: np.ndarray
    regions: dict[str, np.ndarray]
    values: dict[str, np.ndarray]


MISSING = "missing"


def _measure_video(
    dataset: Dataset, row: ManifestRow, pred_dir: Path, targets: list[int]
) -> _MeasuredVideo | str:
    """Decode one prediction and its ground truth and compute the pixel metrics, or say why not."""
    path = find_prediction(pred_dir, row.video_id)
    if path is None:
        return MISSING
    try:
        generated = load_prediction(path, len(targets))
    except PredictionError as exc:
        return str(exc)
    ground_truth = dataset.frames(row.video_id, targets)
    hand, face = dataset.masks(row.video_id)
    regions = region_masks(hand[targets], face[targets])
    return _MeasuredVideo(generated, ground_truth, regions, _frame_values(generated, ground_truth, regions))


def _in_order(work: Callable[[T], R], items: Sequence[T], *, workers: int) -> Iterator[R]:
    """``map(work, items)`` computed up to ``workers`` items ahead in threads, yielded in order."""
    if workers == 1:
        yield from map(work, items)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="score") as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(work, item))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _frame_values(
    generated: np.ndarray, ground_truth: np.ndarray, masks: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """DisCo's SSIM, PSNR, L1 and their region versions, sharing one resize and one set of SSIM maps."""
    generated = match_size(generated, *ground_truth.shape[1:3])
    maps = ssim_maps(to_grey(generated), to_grey(ground_truth))
    values = {
        "ssim": ssim_from_maps(maps),
        "psnr": psnr_frames(generated, ground_truth),
        "l1": l1_frames(generated, ground_truth),
    }
    values.update(region_frame_metrics(generated, ground_truth, masks, maps=maps))
    return values


def _aggregate(sums: dict[str, dict[str, tuple[float, int]]], video_ids: list[str], name: str) -> MetricValue:
    totals = np.array([sums[v][name][0] for v in video_ids], dtype=np.float64)
    counts = np.array([sums[v][name][1] for v in video_ids], dtype=np.int64)
    value, ci95, n = pooled_mean_with_ci(totals, counts)
    return MetricValue(value=value, ci95=ci95, n=n)


def _frechet(
    generated: FeatureStatistics, reference: FeatureStatistics, warnings: list[str] | None, name: str
) -> MetricValue:
    if min(generated.count, reference.count) < 2:
        return MetricValue(value=None, n=generated.count)
    if warnings is not None and generated.count < generated.dim:
        warnings.append(
            f"{name}: {generated.count} clips for {generated.dim}-d features: the covariance is singular, "
            "so the value is not comparable with values computed on more clips"
        )
    try:
        value = frechet_from_statistics(generated, reference)
    except ValueError as exc:
        if warnings is not None:
            warnings.append(f"{name}: not computed: {exc}")
        return MetricValue(value=None, n=generated.count)
    return MetricValue(value=value, n=generated.count)
