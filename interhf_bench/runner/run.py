"""``generate`` and ``run``: a method over a protocol's cases, then its scores and provenance.

Layout (docs/runs.md): ``<out>/<method>/<protocol>/videos/<video_id>.mp4`` (+ ``.json`` record),
``metrics.json`` and ``run_meta.json`` beside ``videos/``. Under ``torchrun`` / ``accelerate launch``
each rank generates and scores its slice and rank 0 merges the score states and writes the results.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from interhf_bench.adapters.api import Adapter
from interhf_bench.adapters.registry import MethodRegistry
from interhf_bench.data.dataset import Dataset
from interhf_bench.data.info import protocol_for
from interhf_bench.data.manifest import DatasetError, ManifestRow, manifest_hash
from interhf_bench.data.validate import check_rows_for_run
from interhf_bench.data.verify import verify_rows
from interhf_bench.io.files import remove_stale_temporaries, write_text_atomic
from interhf_bench.plugins import LoadedFile, loaded_third_party_code
from interhf_bench.protocol.spec import ProtocolSpec
from interhf_bench.results.metric_selection import ALL_METRICS
from interhf_bench.results.metrics_file import MetricsFile
from interhf_bench.results.provenance import environment
from interhf_bench.results.run_meta import LoadedCode, MethodInfo, RunMeta, Selection
from interhf_bench.runner.cases import select_rows
from interhf_bench.runner.claims import DEFAULT_STALE_AFTER, held_elsewhere, release, try_claim
from interhf_bench.runner.distributed import ProcessGroup, Shard, shard_from_env
from interhf_bench.runner.fingerprint import Fingerprint, run_fingerprint
from interhf_bench.runner.generate import GenerationSummary, Overwrite, generate_videos
from interhf_bench.runner.scoring import FreshScoring, ScoringOptions, score_in_fresh_process, score_shard

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
    lock_timeout: float = DEFAULT_STALE_AFTER  # seconds before another process's case claim is taken over
    includes: list[Path] = field(default_factory=list)
    progress: bool = True
    workers: int = 2
    allow_unverified_weights: bool = False
    hand_detector: str = "auto"  # the hand metric's pose backend; "none" skips the detector metrics
    metrics: frozenset[str] = ALL_METRICS  # --metrics / --skip-metrics: names of metric_selection.SELECTABLE


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
    scored_elsewhere: bool = False  # other processes still work on the folder: the last one scores it


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


@dataclass
class _Plan:
    """What one run works on, resolved once from its config."""

    root: Path
    protocol: ProtocolSpec
    dataset: Dataset
    registry: MethodRegistry
    adapter: Adapter
    rows: list[ManifestRow]
    run_dir: Path
    device: str
    fingerprint: Fingerprint


@dataclass
class _Clock:
    """When the run started, and its phases' ends (``time.perf_counter`` seconds)."""

    started: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    begin: float = field(default_factory=time.perf_counter)
    generated: float | None = None

    def timings(self, scored: bool) -> dict[str, float | None]:
        finished = time.perf_counter()
        generated = self.generated if self.generated is not None else finished
        return {
            "generate": round(generated - self.begin, 3),
            "score": round(finished - generated, 3) if scored else None,
            "total": round(finished - self.begin, 3),
        }


@dataclass(frozen=True)
class _Scoring:
    """Which third-party code this process loaded, and so where the scores were computed."""

    third_party: list[LoadedFile]
    metric_set: MetricSet | None  # None: scored in a fresh process (or not scored)

    @property
    def in_process(self) -> bool:
        return self.metric_set is not None


def run_method(config: RunConfig, *, score: bool = True) -> RunOutcome:
    """Generate (resuming) and, with ``score``, score and write ``metrics.json`` and ``run_meta.json``."""
    clock = _Clock()
    shard = shard_from_env()
    group = ProcessGroup(shard)
    plan: _Plan | None = None
    try:
        plan = _plan(config, group, shard)
        _remove_temporaries_of_killed_runs(plan.run_dir, config.lock_timeout)
        my_rows = shard.take(plan.rows)
        generation = _generate(config, plan, my_rows, shard)
        clock.generated = time.perf_counter()
        if score and not _my_turn_to_score(plan, shard, config.lock_timeout):
            return RunOutcome(plan.run_dir, generation, scored_elsewhere=True)
        third_party = loaded_third_party_code()  # after generation: whatever a method imported late too
        metric_set = _metric_set(config, plan) if score and not third_party else None
        state = _score_shard(config, plan, my_rows, metric_set, shard) if metric_set is not None else None
        states = group.gather((generation, state))
        if not shard.is_main or states is None:
            return RunOutcome(plan.run_dir, generation)
        metrics = _metrics(config, plan, [s for _, s in states if s], metric_set) if score else None
        generation = _merge_generation([g for g, _ in states])
        return _finish(config, plan, clock, generation, metrics, _Scoring(third_party, metric_set), shard)
    finally:
        if plan is not None:
            release(plan.run_dir / "metrics.json")  # the scoring claim, if this process held it
        group.close()


def _remove_temporaries_of_killed_runs(run_dir: Path, stale_after: float) -> None:
    """Half-written files a killed process left in the run folder; only those older than the claim
    timeout, since a younger one may be another live process's write in progress."""
    for folder in (run_dir, run_dir / "videos"):
        for path in remove_stale_temporaries(folder, stale_after):
            logger.info("removed %s, a temporary file left by a stopped run", path)


def _my_turn_to_score(plan: _Plan, shard: Shard, stale_after: float) -> bool:
    """Whether this process scores: no other process still holds a case of the selection, and no other
    is scoring (the ``metrics.lock`` claim). Ranks of one ``torchrun`` job always score their shards."""
    if shard.world_size > 1:
        return True
    videos = plan.run_dir / "videos"
    if any(held_elsewhere(videos / f"{row.video_id}.mp4", stale_after) for row in plan.rows):
        return False
    return try_claim(plan.run_dir / "metrics.json", stale_after)


def _plan(config: RunConfig, group: ProcessGroup, shard: Shard) -> _Plan:
    """The dataset, protocol, adapter and selected cases of ``config``; errors before any work."""
    root = config.data or ensure_embedded_dataset(group, config.progress and shard.is_main)
    protocol = protocol_for(root, config.protocol)
    dataset = Dataset(root, manifest=config.manifest)
    registry = MethodRegistry(config.includes)
    adapter = make_adapter(registry.load(config.method), config.method_args)
    rows = select_rows(dataset, classes=config.classes, video_ids=config.video_ids, limit=config.limit)
    if not rows:
        raise ValueError(f"{dataset.manifest_path}: no test videos selected")
    problems = check_rows_for_run(root, rows, protocol, dataset.manifest_path)
    if problems:
        raise DatasetError(problems)
    verify_rows(dataset, rows)  # the files a method is given are the manifest's (sha256; remembered)
    run_dir = config.out / adapter.meta.name / protocol.id
    fingerprint = run_fingerprint(adapter, config.seed, protocol, dataset)
    return _Plan(
        root, protocol, dataset, registry, adapter, rows, run_dir, shard.device(config.device), fingerprint
    )


def _generate(config: RunConfig, plan: _Plan, rows: list[ManifestRow], shard: Shard) -> GenerationSummary:
    return generate_videos(
        plan.adapter,
        plan.dataset,
        plan.protocol,
        rows,
        plan.run_dir / "videos",
        device=plan.device,
        seed=config.seed,
        overwrite=config.overwrite,
        timeout=config.timeout,
        progress=config.progress and shard.is_main,
        rank=shard.rank,
        stale_after=config.lock_timeout,
        fingerprint=plan.fingerprint,
    )


def _metric_set(config: RunConfig, plan: _Plan) -> MetricSet:
    from interhf_bench.scoring.metric_set import build_metric_set

    return build_metric_set(
        plan.protocol,
        device=plan.device,
        allow_unverified=config.allow_unverified_weights,
        pose_backend=None if config.hand_detector == "none" else config.hand_detector,
        requested=config.metrics,
    )


def _metrics(
    config: RunConfig, plan: _Plan, states: list[ScoreState], metric_set: MetricSet | None
) -> MetricsFile:
    """On rank 0: ``metrics.json`` from the ranks' states, or from a fresh process when third-party
    code was loaded here (it writes the file itself)."""
    if metric_set is None:
        job = FreshScoring(
            data=plan.root,
            manifest=config.manifest,
            protocol=config.protocol,
            videos=plan.run_dir / "videos",
            video_ids=[row.video_id for row in plan.rows],
            out=plan.run_dir / "metrics.json",
        )
        return score_in_fresh_process(job, _scoring_options(config, plan))
    return _write_metrics(plan, states, metric_set)


def _finish(
    config: RunConfig,
    plan: _Plan,
    clock: _Clock,
    generation: GenerationSummary,
    metrics: MetricsFile | None,
    scoring: _Scoring,
    shard: Shard,
) -> RunOutcome:
    """On rank 0: write ``run_meta.json`` beside the merged generation summary and the scores."""
    meta = _run_meta(config, plan, clock, generation, metrics, scoring, shard)
    write_text_atomic(plan.run_dir / "run_meta.json", meta.model_dump_json(indent=2) + "\n")
    if generation.interrupted:
        raise RunInterrupted(plan.run_dir, metrics is not None)
    return RunOutcome(plan.run_dir, generation, metrics, meta)


def _run_meta(
    config: RunConfig,
    plan: _Plan,
    clock: _Clock,
    generation: GenerationSummary,
    metrics: MetricsFile | None,
    scoring: _Scoring,
    shard: Shard,
) -> RunMeta:
    """The run's provenance: what ran, on what, with which settings, and how long each phase took."""
    return RunMeta(
        protocol=plan.protocol.id,
        protocol_hash=plan.protocol.hash,
        dataset=str(plan.root),
        manifest_sha256=manifest_hash(plan.dataset.rows),
        method=MethodInfo(
            meta=plan.adapter.meta,
            origin=plan.registry.source(config.method).origin,
            settings=plan.adapter.settings.model_dump(mode="json"),
            details=plan.adapter.run_details(),
        ),
        seed=config.seed,
        fingerprint=plan.fingerprint,
        selection=Selection(
            classes=config.classes,
            video_ids=config.video_ids,
            limit=config.limit,
            n_cases=len(plan.rows),
            complete=len(plan.rows) == sum(1 for row in plan.dataset if row.split == "test"),
        ),
        world_size=shard.world_size,
        third_party_code=[LoadedCode(**asdict(loaded)) for loaded in scoring.third_party],
        scoring_process=None if metrics is None else ("same" if scoring.in_process else "fresh"),
        started=clock.started,
        finished=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        timings=clock.timings(scored=metrics is not None),
        generation=generation.as_dict(),
        metrics=metrics.settings if metrics else {},
        unavailable_metrics=metrics.unavailable if metrics else {},
        not_requested_metrics=metrics.not_requested if metrics else [],
        environment=environment(plan.device),
    )


def _scoring_options(config: RunConfig, plan: _Plan) -> ScoringOptions:
    return ScoringOptions(
        device=plan.device,
        workers=config.workers,
        hand_detector=config.hand_detector,
        allow_unverified_weights=config.allow_unverified_weights,
        progress=config.progress,
        metrics=config.metrics,
    )


def _score_shard(
    config: RunConfig, plan: _Plan, rows: list[ManifestRow], metrics: MetricSet, shard: Shard
) -> ScoreState:
    """This rank's score state; generation failures are recorded as failed with their error."""
    options = replace(_scoring_options(config, plan), progress=config.progress and shard.is_main)
    videos = plan.run_dir / "videos"
    return score_shard(plan.dataset, plan.protocol, videos, metrics, [row.video_id for row in rows], options)


def _write_metrics(plan: _Plan, states: list[ScoreState], metrics: MetricSet) -> MetricsFile:
    """Merge the ranks' states (in rank order) and write ``metrics.json``."""
    from interhf_bench.scoring.score import build_metrics_file

    merged = states[0]
    for other in states[1:]:
        merged.merge(other)
    result = build_metrics_file(merged, plan.dataset, plan.protocol, plan.run_dir / "videos", metrics)
    write_text_atomic(plan.run_dir / "metrics.json", result.model_dump_json(indent=2) + "\n")
    return result


def _merge_generation(summaries: list[GenerationSummary]) -> GenerationSummary:
    merged = GenerationSummary(interrupted=any(summary.interrupted for summary in summaries))
    for summary in summaries:
        merged.generated += summary.generated
        merged.skipped += summary.skipped
        merged.elsewhere += summary.elsewhere
        merged.failed.update(summary.failed)
        merged.case_seconds += summary.case_seconds
        merged.seconds = max(merged.seconds, summary.seconds)
    return merged
