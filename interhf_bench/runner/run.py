"""``generate`` and ``run``: a method over a protocol's cases, then its scores and provenance.

Layout (DESIGN.md): ``<out>/<method>/<protocol>/videos/<video_id>.mp4`` (+ ``.json`` record),
``metrics.json`` and ``run_meta.json`` beside ``videos/``. Under ``torchrun`` / ``accelerate launch``
each rank generates and scores its slice and rank 0 merges the score states and writes the results.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from interhf_bench.adapters.api import Adapter
from interhf_bench.adapters.registry import MethodRegistry
from interhf_bench.data.dataset import Dataset
from interhf_bench.data.manifest import ManifestRow, manifest_hash
from interhf_bench.io.files import write_text_atomic
from interhf_bench.protocol.spec import ProtocolSpec
from interhf_bench.results.metrics_file import MetricsFile
from interhf_bench.results.provenance import environment
from interhf_bench.results.run_meta import MethodInfo, RunMeta, Selection
from interhf_bench.runner.cases import select_rows
from interhf_bench.runner.distributed import ProcessGroup, Shard, shard_from_env
from interhf_bench.runner.generate import GenerationSummary, Overwrite, generate_videos
from interhf_bench.runner.sidecar import read_record

if TYPE_CHECKING:
    from interhf_bench.scoring.metric_set import MetricSet
    from interhf_bench.scoring.state import ScoreState

logger = logging.getLogger(__name__)
EMBEDDED_PROTOCOL = "interhf-mini-v1"


@dataclass
class RunConfig:
    """Everything ``interhf-bench generate`` / ``run`` accepts."""

    method: str
    out: Path = Path("runs")
    data: Path | None = None
    protocol: str | None = None
    manifest: str = "manifest.jsonl"
    classes: list[str] | None = None
    video_ids: list[str] | None = None
    limit: int | None = None
    overwrite: Overwrite = "only-missing"
    method_args: dict[str, str] = field(default_factory=dict)
    device: str = "cpu"
    seed: int = 0
    timeout: float | None = None
    includes: list[Path] = field(default_factory=list)
    progress: bool = True
    workers: int = 2
    allow_unverified_weights: bool = False
    hand_detector: str = "auto"  # the hand metric's pose backend; "none" skips the detector metrics


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C during generation: the finished cases were scored and written; rerunning resumes."""

    def __init__(self, run_dir: Path, scored: bool):
        what = "metrics.json and run_meta.json hold" if scored else "run_meta.json records"
        super().__init__(
            f"interrupted: {what} the videos finished so far in {run_dir} (incomplete); "
            "rerun the same command to resume"
        )


@dataclass
class RunOutcome:
    run_dir: Path
    generation: GenerationSummary
    metrics: MetricsFile | None = None
    meta: RunMeta | None = None


def parse_method_args(pairs: list[str], option: str = "--method-args") -> dict[str, str]:
    """``["steps=20", "cfg=2.5"]`` -> ``{"steps": "20", "cfg": "2.5"}``; errors name ``option``."""
    parsed: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"{option} expects key=value, got {pair!r}")
        parsed[key.strip()] = value
    return parsed


def make_adapter(adapter_class: type[Adapter], method_args: dict[str, str]) -> Adapter:
    """The adapter with its settings validated by its ``Settings`` model."""
    try:
        settings = adapter_class.Settings(**method_args)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"method {adapter_class.meta.name!r}: bad --method-args: {problems}") from None
    return adapter_class(settings)


def ensure_embedded_dataset(group: ProcessGroup, progress: bool) -> Path:
    """The synthetic InterHF-mini set in the user cache, rendered on first use (by rank 0 only)."""
    from interhf_bench.paths import default_dataset_dir

    root = default_dataset_dir(EMBEDDED_PROTOCOL)
    if group.shard.is_main and not (root / "manifest.jsonl").is_file():
        from interhf_bench.protocol import get_protocol
        from interhf_bench.synth.build import synthesize_dataset

        logger.warning("rendering the embedded synthetic dataset into %s (first use, about a minute)", root)
        synthesize_dataset(root, get_protocol(EMBEDDED_PROTOCOL), progress=progress)
    group.barrier()
    return root


def run_method(config: RunConfig, *, score: bool = True) -> RunOutcome:
    """Generate (resuming) and, with ``score``, score and write ``metrics.json`` and ``run_meta.json``."""
    from interhf_bench.data.info import protocol_for

    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    begin = time.perf_counter()
    shard = shard_from_env()
    group = ProcessGroup(shard)
    try:
        root = config.data or ensure_embedded_dataset(group, config.progress and shard.is_main)
        protocol = protocol_for(root, config.protocol)
        dataset = Dataset(root, manifest=config.manifest)
        registry = MethodRegistry(config.includes)
        adapter = make_adapter(registry.load(config.method), config.method_args)
        rows = select_rows(dataset, classes=config.classes, video_ids=config.video_ids, limit=config.limit)
        if not rows:
            raise ValueError(f"{dataset.manifest_path}: no test videos selected")
        run_dir = config.out / adapter.meta.name / protocol.id
        device = shard.device(config.device)
        my_rows = shard.take(rows)
        generation = generate_videos(
            adapter,
            dataset,
            protocol,
            my_rows,
            run_dir / "videos",
            device=device,
            seed=config.seed,
            overwrite=config.overwrite,
            timeout=config.timeout,
            progress=config.progress and shard.is_main,
            rank=shard.rank,
        )
        generated_at = time.perf_counter()
        outcome = RunOutcome(run_dir, generation)
        state = None
        if score:
            from interhf_bench.scoring.metric_set import build_metric_set

            metric_set = build_metric_set(
                protocol,
                device=device,
                allow_unverified=config.allow_unverified_weights,
                pose_backend=None if config.hand_detector == "none" else config.hand_detector,
            )
            state = _score_shard(config, dataset, protocol, run_dir, my_rows, metric_set, shard)
        states = group.gather((generation, state))
        if not shard.is_main or states is None:
            return outcome
        merged_generation = _merge_generation([g for g, _ in states])
        outcome.generation = merged_generation
        metrics = None
        metric_settings: dict[str, dict[str, object]] = {}
        unavailable: dict[str, str] = {}
        if score:
            metrics = _write_metrics(dataset, protocol, run_dir, [s for _, s in states if s], metric_set)
            metric_settings, unavailable = metrics.settings, metrics.unavailable
        finished_at = time.perf_counter()
        meta = RunMeta(
            protocol=protocol.id,
            protocol_hash=protocol.hash,
            dataset=str(root),
            manifest_sha256=manifest_hash(dataset.rows),
            method=MethodInfo(
                meta=adapter.meta,
                origin=registry.source(config.method).origin,
                settings=adapter.settings.model_dump(mode="json"),
                details=adapter.run_details(),
            ),
            seed=config.seed,
            selection=Selection(
                classes=config.classes,
                video_ids=config.video_ids,
                limit=config.limit,
                n_cases=len(rows),
                complete=len(rows) == sum(1 for row in dataset if row.split == "test"),
            ),
            world_size=shard.world_size,
            started=started,
            finished=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            timings={
                "generate": round(generated_at - begin, 3),
                "score": round(finished_at - generated_at, 3) if score else None,
                "total": round(finished_at - begin, 3),
            },
            generation=merged_generation.as_dict(),
            metrics=metric_settings,
            unavailable_metrics=unavailable,
            environment=environment(device),
        )
        write_text_atomic(run_dir / "run_meta.json", meta.model_dump_json(indent=2) + "\n")
        outcome.metrics, outcome.meta = metrics, meta
        if merged_generation.interrupted:
            raise RunInterrupted(run_dir, metrics is not None)
        return outcome
    finally:
        group.close()


def _score_shard(
    config: RunConfig,
    dataset: Dataset,
    protocol: ProtocolSpec,
    run_dir: Path,
    rows: list[ManifestRow],
    metrics: MetricSet,
    shard: Shard,
) -> ScoreState:
    """This rank's score state; generation failures are recorded as failed with their error."""
    from interhf_bench.paths import cache_dir
    from interhf_bench.scoring.feature_cache import FeatureCache
    from interhf_bench.scoring.score import accumulate

    state = accumulate(
        dataset,
        protocol,
        run_dir / "videos",
        metrics,
        video_ids=[row.video_id for row in rows],
        cache=FeatureCache(cache_dir() / "features"),
        progress=config.progress and shard.is_main,
        workers=config.workers,
    )
    for video_id in list(state.missing):
        record = read_record(run_dir / "videos" / f"{video_id}.mp4")
        if record is not None and record.status != "ok":
            state.missing.remove(video_id)
            state.failed[video_id] = f"generation {record.status}: {record.error}"
    return state


def _write_metrics(
    dataset: Dataset, protocol: ProtocolSpec, run_dir: Path, states: list[ScoreState], metrics: MetricSet
) -> MetricsFile:
    """Merge the ranks' states (in rank order) and write ``metrics.json``."""
    from interhf_bench.scoring.score import build_metrics_file

    merged = states[0]
    for other in states[1:]:
        merged.merge(other)
    result = build_metrics_file(merged, dataset, protocol, run_dir / "videos", metrics)
    write_text_atomic(run_dir / "metrics.json", result.model_dump_json(indent=2) + "\n")
    return result


def _merge_generation(summaries: list[GenerationSummary]) -> GenerationSummary:
    merged = GenerationSummary(interrupted=any(summary.interrupted for summary in summaries))
    for summary in summaries:
        merged.generated += summary.generated
        merged.skipped += summary.skipped
        merged.failed.update(summary.failed)
        merged.case_seconds += summary.case_seconds
        merged.seconds = max(merged.seconds, summary.seconds)
    return merged
