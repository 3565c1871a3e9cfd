"""Scoring a run's ``videos/`` folder: in this process, or in a fresh one when third-party code ran here.

A plugin or ``--include`` file runs inside the process that loads it and could change the scorer. So
``run`` scores in its own process only when nothing but InterHF-Bench's code was loaded; otherwise it
starts ``interhf-bench score`` on the videos in a new process (which loads no plugin) and reads back the
``metrics.json`` that process wrote.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from interhf_bench.data.dataset import Dataset
from interhf_bench.paths import cache_dir
from interhf_bench.protocol.spec import ProtocolSpec
from interhf_bench.results.metric_selection import ALL_METRICS, in_order
from interhf_bench.results.metrics_file import MetricsFile
from interhf_bench.runner.sidecar import generation_failures
from interhf_bench.scoring.feature_cache import FeatureCache
from interhf_bench.scoring.metric_set import MetricSet
from interhf_bench.scoring.score import accumulate, build_metrics_file
from interhf_bench.scoring.state import ScoreState


class ScoringProcessError(RuntimeError):
    """The fresh scoring process failed; its own messages were printed above."""


@dataclass(frozen=True)
class ScoringOptions:
    """How to score, as ``interhf-bench score`` accepts it."""

    device: str = "cpu"
    workers: int = 2
    hand_detector: str = "auto"
    allow_unverified_weights: bool = False
    progress: bool = True
    metrics: frozenset[str] = ALL_METRICS  # --metrics: names of metric_selection.SELECTABLE


def score_shard(
    dataset: Dataset,
    protocol: ProtocolSpec,
    videos: Path,
    metrics: MetricSet,
    video_ids: Collection[str] | None,
    options: ScoringOptions,
) -> ScoreState:
    """The score state of ``video_ids`` (all test videos when ``None``); cases whose generation failed
    (their ``.json`` record says so) count as failed, with the error."""
    state = accumulate(
        dataset,
        protocol,
        videos,
        metrics,
        video_ids=video_ids,
        cache=FeatureCache(cache_dir() / "features"),
        progress=options.progress,
        workers=options.workers,
    )
    for video_id, reason in generation_failures(videos, list(state.missing)).items():
        state.missing.remove(video_id)
        state.add_failed(video_id, reason)
    return state


def score_videos(
    dataset: Dataset,
    protocol: ProtocolSpec,
    videos: Path,
    metrics: MetricSet,
    video_ids: Collection[str] | None,
    options: ScoringOptions,
) -> MetricsFile:
    """``metrics.json`` of one folder of generated videos, scored in this process."""
    state = score_shard(dataset, protocol, videos, metrics, video_ids, options)
    return build_metrics_file(state, dataset, protocol, videos, metrics)


@dataclass(frozen=True)
class FreshScoring:
    """What the fresh process scores: the dataset as the run named it, and the run's folder."""

    data: Path
    manifest: str
    protocol: str | None  # an id or a file, as given to run; None: the dataset's own
    videos: Path
    video_ids: list[str]
    out: Path


def score_in_fresh_process(job: FreshScoring, options: ScoringOptions) -> MetricsFile:
    """Run ``interhf-bench score`` on the videos in a new Python process and read its ``metrics.json``."""
    command = _score_command(job, options)
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise ScoringProcessError(
            f"scoring {job.videos} in a fresh process failed (exit code {done.returncode}): "
            f"{' '.join(command)}\n{done.stdout[-2000:]}"
        )
    try:
        return MetricsFile.model_validate_json(job.out.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as exc:
        raise ScoringProcessError(f"{job.out}: the fresh scoring process left no valid metrics.json") from exc


def _score_command(job: FreshScoring, options: ScoringOptions) -> list[str]:
    command = [sys.executable, "-m", "interhf_bench", "score", "--pred", str(job.videos)]
    command += ["--data", str(job.data), "--manifest", job.manifest, "--out", str(job.out)]
    command += ["--device", options.device, "--workers", str(options.workers)]
    command += ["--hand-detector", options.hand_detector, "--video-ids", *job.video_ids]
    if job.protocol is not None:
        command += ["--protocol", job.protocol]
    if options.metrics != ALL_METRICS:
        command += ["--metrics", ",".join(in_order(options.metrics))]
    if options.allow_unverified_weights:
        command.append("--allow-unverified-weights")
    if not options.progress:
        command.append("--no-progress")
    return command
