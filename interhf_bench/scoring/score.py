"""Score generated videos against a dataset's test split and build ``metrics.json``.

Every ground-truth file a score reads is first checked against the manifest's sha256
(:func:`interhf_bench.data.verify.verify_rows`). Each ground-truth and generated video is then decoded
once; every frame metric and every clip extractor is fed from that one pass. A prediction that is
missing or unusable (wrong frame count or size, a decoder error) is recorded (``missing``, ``failed``)
and the rest are scored: ``n_evaluated`` says how many of ``n_expected`` made it into the numbers. A
ground truth that fails its hash, does not decode cleanly or is not the protocol's size is a
:class:`DatasetError` that stops scoring: the dataset is wrong, not the prediction.
"""

from __future__ import annotations

import sys
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

import numpy as np
from tqdm import tqdm

from interhf_bench import __version__
from interhf_bench.data.dataset import Dataset
from interhf_bench.data.manifest import DatasetError, ManifestRow, Violation, manifest_hash
from interhf_bench.data.verify import VerifiedFile, verify_rows
from interhf_bench.io.video import VideoError
from interhf_bench.metrics.interfaces import PairedDetectorMetric, ScoringContext
from interhf_bench.metrics.pixel import (
    PixelMetricSpec,
    l1_frames,
    psnr_frames,
    ssim_from_maps,
    ssim_maps,
    to_grey,
)
from interhf_bench.metrics.regions import REGIONS, region_frame_metrics, region_masks
from interhf_bench.protocol.spec import ProtocolSpec
from interhf_bench.results.metric_selection import is_requested
from interhf_bench.results.metrics_file import MetricsFile
from interhf_bench.scoring.feature_cache import FeatureCache
from interhf_bench.scoring.metric_set import MetricSet
from interhf_bench.scoring.predictions import PredictionError, find_prediction, load_prediction, size_problem
from interhf_bench.scoring.state import ScoreState

FRAME_METRICS = ("ssim", "psnr", "l1")
DEFAULT_WORKERS = 2
T = TypeVar("T")
R = TypeVar("R")


REGION_METRICS = tuple(f"{region}_{name}" for region in REGIONS for name in FRAME_METRICS)


def score(
    dataset: Dataset,
    protocol: ProtocolSpec,
    pred_dir: Path,
    metrics: MetricSet | None = None,
    *,
    cache: FeatureCache | None = None,
    progress: bool = True,
    workers: int = DEFAULT_WORKERS,
) -> MetricsFile:
    """Score every test video of ``dataset`` that has a prediction in ``pred_dir``.

    ``metrics`` holds the network and detector metrics beyond SSIM/PSNR/L1 (none when omitted).
    """
    metrics = metrics or MetricSet()
    state = accumulate(dataset, protocol, pred_dir, metrics, cache=cache, progress=progress, workers=workers)
    return build_metrics_file(state, dataset, protocol, pred_dir, metrics)


def scored_rows(dataset: Dataset) -> list[ManifestRow]:
    """The rows that are scored, in manifest order."""
    return [row for row in dataset if row.split == "test"]


def accumulate(
    dataset: Dataset,
    protocol: ProtocolSpec,
    pred_dir: Path,
    metrics: MetricSet | None = None,
    *,
    video_ids: Collection[str] | None = None,
    cache: FeatureCache | None = None,
    progress: bool = True,
    workers: int = DEFAULT_WORKERS,
) -> ScoreState:
    """The mergeable state of scoring the test videos (only ``video_ids`` when given: one shard).

    ``workers`` threads decode videos and compute the pixel metrics ahead of the network metrics
    (decoding and the OpenCV/NumPy arithmetic release the GIL); results are consumed in manifest order,
    so the numbers do not depend on the number of workers.

    Raises:
        DatasetError: a ground-truth file of these rows fails its hash, does not decode cleanly or is
            not the protocol's size.
    """
    metrics = metrics or MetricSet()
    rows = _selected_rows(dataset, video_ids)
    verified = verify_rows(dataset, rows)
    state = ScoreState(extractor_dims={e.name: e.dim for e in metrics.extractors})
    measured = _in_order(
        lambda row: _measure_video(dataset, row, pred_dir, protocol), rows, workers=max(1, workers)
    )
    for row, video in tqdm(
        zip(rows, measured, strict=True), total=len(rows), desc="score", unit="video", disable=not progress
    ):
        if isinstance(video, _Missing):
            state.add_missing(row.video_id)
        elif isinstance(video, _Failed):
            state.add_failed(row.video_id, video.reason)
        else:
            reference = verified[row.video_id]
            values, features = _network_values(dataset, row, protocol, video, metrics, cache, reference)
            state.update(row.video_id, row.interaction, values, features)
    return state


def _selected_rows(dataset: Dataset, video_ids: Collection[str] | None) -> list[ManifestRow]:
    """The test rows, or the ones named by ``video_ids`` (all of which must be test videos)."""
    rows = scored_rows(dataset)
    if video_ids is None:
        return rows
    unknown = sorted(set(video_ids) - {row.video_id for row in rows})
    if unknown:
        raise KeyError(f"not test videos of {dataset.manifest_path}: {', '.join(unknown[:5])}")
    return [row for row in rows if row.video_id in video_ids]


def _network_values(
    dataset: Dataset,
    row: ManifestRow,
    protocol: ProtocolSpec,
    video: _MeasuredVideo,
    metrics: MetricSet,
    cache: FeatureCache | None,
    ground_truth_file: VerifiedFile,
) -> tuple[dict[str, np.ndarray], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """The per-frame values of every metric, and ``{extractor: (generated, ground-truth features)}``."""
    values = video.values
    for model in metrics.frame_models:
        values.update(model.per_frame_with_regions(video.generated, video.ground_truth, video.regions))
    if metrics.detector_metrics or metrics.paired_metrics:
        context = _context(dataset, row, protocol)
        for metric in metrics.detector_metrics:
            values.update(metric.per_frame(video.generated, context))
        for paired in metrics.paired_metrics:
            values.update(_paired_values(paired, video, context, cache, ground_truth_file))
    features = {}
    for extractor in metrics.extractors:
        reference = (
            cache.get_or_compute(extractor, ground_truth_file, video.ground_truth)
            if cache
            else extractor.features(video.ground_truth)
        )
        features[extractor.name] = (extractor.features(video.generated), reference)
    return values, features


def _paired_values(
    metric: PairedDetectorMetric,
    video: _MeasuredVideo,
    context: ScoringContext,
    cache: FeatureCache | None,
    ground_truth_file: VerifiedFile,
) -> dict[str, np.ndarray]:
    """One detector on both sides; the ground truth's detections are cached like its features, and
    generated frames identical to the ground truth's get its detections (the detector would repeat them)."""
    detections = metric.detections
    truth = (
        cache.get_or_compute(detections, ground_truth_file, video.ground_truth)
        if cache
        else detections.features(video.ground_truth)
    )
    same = np.array_equal(video.generated, video.ground_truth)
    generated = truth if same else detections.features(video.generated)
    return metric.compare(generated, truth, context)


def build_metrics_file(
    state: ScoreState,
    dataset: Dataset,
    protocol: ProtocolSpec,
    pred_dir: Path,
    metrics: MetricSet | None = None,
) -> MetricsFile:
    """``metrics.json`` from a (possibly merged) state; aggregates follow the manifest's order.

    Every test video that was neither scored nor failed is listed as missing, so a run over a subset
    of the protocol says so.
    """
    metrics = metrics or MetricSet()
    rows = scored_rows(dataset)
    scored = [row.video_id for row in rows if row.video_id in state.sums]
    by_class: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row.video_id in state.sums:
            by_class[row.interaction].append(row.video_id)
    warnings: list[str] = []
    overall, per_class = _aggregates(state, scored, by_class, metrics, warnings)
    order = {row.video_id: index for index, row in enumerate(rows)}
    per_video = state.per_video()
    return MetricsFile(
        protocol=protocol.id,
        protocol_hash=protocol.hash,
        manifest_sha256=manifest_hash(dataset.rows),
        predictions=str(pred_dir),
        n_expected=len(rows),
        n_evaluated=len(scored),
        missing=[v for v in order if v not in state.sums and v not in state.failed],
        failed={v: state.failed[v] for v in sorted(state.failed, key=order.__getitem__)},
        overall=overall,
        per_class=per_class,
        per_video={v: _requested_values(per_video[v], metrics) for v in scored},
        settings=_settings(metrics),
        unavailable=dict(metrics.unavailable),
        not_requested=metrics.not_requested,
        warnings=warnings,
        provenance=_provenance(dataset),
    )


def _requested_values(values: dict[str, T], metrics: MetricSet) -> dict[str, T]:
    """``values`` without those of metrics left out (the pixel metrics are computed regardless)."""
    return {name: value for name, value in values.items() if is_requested(name, metrics.requested)}


def _frame_metric_names(metrics: MetricSet) -> list[str]:
    """Every requested per-frame value name, in the order ``metrics.json`` lists them."""
    model_names = [m.name for m in metrics.frame_models]
    names = [
        *FRAME_METRICS,
        *model_names,
        *REGION_METRICS,
        *(f"{r}_{n}" for r in REGIONS for n in model_names),
        *(name for metric in metrics.detector_metrics for name in metric.value_names),
        *(name for metric in metrics.paired_metrics for name in metric.value_names),
    ]
    return [name for name in names if is_requested(name, metrics.requested)]


def _aggregates(
    state: ScoreState,
    scored: list[str],
    by_class: dict[str, list[str]],
    metrics: MetricSet,
    warnings: list[str],
) -> tuple[dict[str, float | None], dict[str, dict[str, float | None]]]:
    """The overall and per-class values: means of the frame metrics, Fréchet distances of the features."""
    names = _frame_metric_names(metrics)
    overall = {name: state.frame_metric(name, scored) for name in names}
    per_class = {
        code: {name: state.frame_metric(name, ids) for name in names}
        for code, ids in sorted(by_class.items())
    }
    for extractor in metrics.extractors:
        overall[extractor.name] = state.frechet_metric(extractor.name, sorted(by_class), warnings)
        for code in per_class:
            per_class[code][extractor.name] = state.frechet_metric(extractor.name, [code], None)
    return overall, per_class


def _settings(metrics: MetricSet) -> dict[str, dict[str, object]]:
    """Each metric's recipe as recorded in ``metrics.json``."""
    pixel = [n for n in FRAME_METRICS if n in metrics.requested or "regions" in metrics.requested]
    settings: dict[str, dict[str, object]] = {name: asdict(PixelMetricSpec()) for name in pixel}
    settings.update({m.name: m.settings for m in metrics.frame_models})
    settings.update({m.name: m.settings for m in metrics.detector_metrics})
    settings.update({m.name: m.settings for m in metrics.paired_metrics})
    settings.update({e.name: {"identity": e.identity, **e.settings} for e in metrics.extractors})
    return settings


def _provenance(dataset: Dataset) -> dict[str, str]:
    return {
        "interhf_bench_version": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "dataset": str(dataset.root),
    }


@dataclass
class _MeasuredVideo:
    """One decoded pair and its pixel metrics, ready for the network metrics."""

    generated: np.ndarray
    ground_truth: np.ndarray
    regions: dict[str, np.ndarray]
    values: dict[str, np.ndarray]


@dataclass(frozen=True)
class _Missing:
    """The video has no prediction."""


@dataclass(frozen=True)
class _Failed:
    """The prediction exists but cannot be scored."""

    reason: str


def _measure_video(
    dataset: Dataset, row: ManifestRow, pred_dir: Path, protocol: ProtocolSpec
) -> _MeasuredVideo | _Missing | _Failed:
    """Decode one prediction and its ground truth and compute the pixel metrics, or say why not."""
    path = find_prediction(pred_dir, row.video_id)
    if path is None:
        return _Missing()
    targets = list(protocol.target_frames)
    try:
        generated = load_prediction(path, len(targets), size=(protocol.height, protocol.width))
    except PredictionError as exc:
        return _Failed(str(exc))
    ground_truth = _ground_truth(dataset, row, protocol)
    hand, face = dataset.masks(row.video_id)
    regions = region_masks(hand[targets], face[targets])
    return _MeasuredVideo(generated, ground_truth, regions, _frame_values(generated, ground_truth, regions))


def _ground_truth(dataset: Dataset, row: ManifestRow, protocol: ProtocolSpec) -> np.ndarray:
    """The target frames of the ground truth; a decoder error or another size is the dataset's fault."""
    path = dataset.path(row.path)
    try:
        frames = dataset.frames(row.video_id, list(protocol.target_frames))
    except VideoError as exc:
        raise DatasetError([Violation(str(path), exc.problem, "path", video_id=row.video_id)]) from exc
    problem = size_problem(frames, (protocol.height, protocol.width))
    if problem:
        raise DatasetError([Violation(str(path), problem, "path", video_id=row.video_id)])
    return frames


def _context(dataset: Dataset, row: ManifestRow, protocol: ProtocolSpec) -> ScoringContext:
    """The reference frame and driving keypoints the detector metrics compare against."""
    keypoints = dataset.keypoints(row.video_id)
    reference = dataset.frames(row.video_id, [protocol.reference_frame])[0]
    return ScoringContext(row.video_id, reference, keypoints[list(protocol.target_frames)], row.interaction)


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
    """DisCo's SSIM, PSNR, L1 and their region versions, sharing one set of SSIM maps.

    Both sides are the protocol's size (checked when decoded), so DisCo's resize step never applies.
    """
    maps = ssim_maps(to_grey(generated), to_grey(ground_truth))
    values = {
        "ssim": ssim_from_maps(maps),
        "psnr": psnr_frames(generated, ground_truth),
        "l1": l1_frames(generated, ground_truth),
    }
    values.update(region_frame_metrics(generated, ground_truth, masks, maps=maps))
    return values
