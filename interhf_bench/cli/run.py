"""``interhf-bench generate`` and ``interhf-bench run``: a method over the protocol's test cases."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from interhf_bench.cli.options import (
    add_include_option,
    add_method_args_option,
    add_metric_selection_options,
    requested_metrics,
)
from interhf_bench.runner.claims import DEFAULT_STALE_AFTER

if TYPE_CHECKING:
    from interhf_bench.results.metrics_file import MetricsFile
    from interhf_bench.runner.run import RunConfig

OVERWRITE_CHOICES = ("never", "only-missing", "always")  # interhf_bench.runner.generate.OVERWRITE_CHOICES


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--method", required=True, help="method name (see `interhf-bench ls`)")
    parser.add_argument("--out", type=Path, default=Path("runs"), help="results root (default ./runs)")
    parser.add_argument("--data", type=Path, help="dataset root (default: the embedded synthetic set)")
    parser.add_argument("--protocol", help="protocol (default: from the dataset's dataset.json)")
    parser.add_argument("--manifest", default="manifest.jsonl", help="manifest file inside the dataset root")
    parser.add_argument("--classes", nargs="+", metavar="CODE", help="only these interaction classes")
    parser.add_argument("--video-ids", nargs="+", metavar="ID", help="only these test videos")
    parser.add_argument("--limit", type=int, help="only the first N selected test videos (smoke runs)")
    parser.add_argument(
        "--overwrite",
        choices=OVERWRITE_CHOICES,
        default="only-missing",
        help="only-missing: redo unfinished or failed cases (default); never: only never-attempted ones; "
        "always: everything",
    )
    add_method_args_option(parser)
    parser.add_argument(
        "--device", default="cpu", help="torch device (cuda -> cuda:LOCAL_RANK under torchrun)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="global seed; each case gets hash(seed, video id)"
    )
    parser.add_argument(
        "--timeout", type=float, help="per-case limit in seconds (a timed-out case is recorded)"
    )
    parser.add_argument(
        "--lock-timeout",
        type=float,
        default=DEFAULT_STALE_AFTER,
        help="seconds after which another process's claim on a case is taken over (default 6 h; "
        "see docs/runs.md on many processes sharing one folder)",
    )
    add_include_option(parser)
    parser.add_argument("--no-progress", action="store_true")


def register(commands: argparse._SubParsersAction) -> None:
    generate = commands.add_parser(
        "generate", help="generate a method's videos for the test cases (resumable)"
    )
    add_run_arguments(generate)
    generate.set_defaults(handler=run_generate, resumable=True)

    run = commands.add_parser("run", help="generate, then score: metrics.json and run_meta.json")
    add_run_arguments(run)
    run.add_argument("--workers", type=int, default=2, help="scoring threads (see `score --workers`)")
    run.add_argument("--allow-unverified-weights", action="store_true")
    add_hand_detector_argument(run)
    add_metric_selection_options(run)
    run.set_defaults(handler=run_run, resumable=True)


def add_hand_detector_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--hand-detector",
        default="auto",
        choices=["auto", "dwpose", "mediapipe", "none"],
        help="the hand pose and interaction metrics' detector: auto (DWPose if its weights are present, "
        "else MediaPipe); none skips the identity, hand and interaction metrics",
    )


def config_from(args: argparse.Namespace) -> RunConfig:
    from interhf_bench.runner.run import RunConfig, parse_method_args

    return RunConfig(
        method=args.method,
        out=args.out,
        data=args.data,
        protocol=args.protocol,
        manifest=args.manifest,
        classes=args.classes,
        video_ids=args.video_ids,
        limit=args.limit,
        overwrite=args.overwrite,
        method_args=parse_method_args(args.method_args),
        device=args.device,
        seed=args.seed,
        timeout=args.timeout,
        lock_timeout=args.lock_timeout,
        includes=args.include,
        progress=not args.no_progress,
        workers=getattr(args, "workers", 2),
        allow_unverified_weights=getattr(args, "allow_unverified_weights", False),
        hand_detector=getattr(args, "hand_detector", "auto"),
        metrics=requested_metrics(args),
    )


def run_generate(args: argparse.Namespace) -> int:
    from interhf_bench.runner.run import run_method

    outcome = run_method(config_from(args), score=False)
    if outcome.meta is None:  # not rank 0
        return 0
    print_generation(outcome.run_dir, outcome.generation.as_dict(), outcome.generation.failed)
    return exit_status(outcome.run_dir, outcome.generation.failed)


def run_run(args: argparse.Namespace) -> int:
    from interhf_bench.runner.run import run_method

    outcome = run_method(config_from(args), score=True)
    if outcome.scored_elsewhere:
        print_generation(outcome.run_dir, outcome.generation.as_dict(), outcome.generation.failed)
        print(
            f"\nother processes are still working on {outcome.run_dir}: the last one to finish writes "
            "metrics.json and run_meta.json (or run `interhf-bench score` on its videos/)"
        )
        return exit_status(outcome.run_dir, outcome.generation.failed)
    if outcome.meta is None:  # not rank 0
        return 0
    print_generation(outcome.run_dir, outcome.generation.as_dict(), outcome.generation.failed)
    if outcome.metrics is not None:
        print_metrics(outcome.metrics)
    return exit_status(outcome.run_dir, outcome.generation.failed)


def exit_status(run_dir: Path, failed: dict[str, str]) -> int:
    """1 when any case failed (the results hold the others), with where the failures are recorded."""
    if not failed:
        return 0
    print(
        f"interhf-bench: {len(failed)} case(s) failed; their records are {run_dir}/videos/<video_id>.json "
        "and the other cases are kept; rerun the same command to retry them",
        file=sys.stderr,
    )
    return 1


def print_generation(run_dir: Path, counts: dict[str, object], failed: dict[str, str]) -> None:
    print(f"\n{run_dir}/videos")
    print("| generated | skipped (done before) | failed | seconds | mean s/case |")
    print("|---|---|---|---|---|")
    print(
        f"| {counts['generated']} | {counts['skipped']} | {counts['failed']} | {counts['seconds']} "
        f"| {counts['mean_case_seconds'] if counts['mean_case_seconds'] is not None else '-'} |"
    )
    if counts.get("elsewhere"):
        print(f"  {counts['elsewhere']} case(s) were being generated by other processes")
    for video_id, error in list(failed.items())[:10]:
        print(f"  failed {video_id}: {error}")
    if len(failed) > 10:
        print(f"  ... and {len(failed) - 10} more (see the .json records)")


def print_metrics(metrics: MetricsFile) -> None:
    print(f"\n{metrics.n_evaluated}/{metrics.n_expected} videos scored (protocol {metrics.protocol})")
    print("| metric | value | 95% CI | n |")
    print("|---|---|---|---|")
    for name, value in metrics.overall.items():
        shown = "-" if value.value is None else f"{value.value:.6g}"
        interval = "-" if value.ci95 is None else f"[{value.ci95[0]:.4g}, {value.ci95[1]:.4g}]"
        print(f"| {name} | {shown} | {interval} | {value.n} |")
    for name, reason in metrics.unavailable.items():
        print(f"  {name}: unavailable: {reason}")
    if metrics.not_requested:
        print(f"  not requested: {', '.join(metrics.not_requested)}")
    for warning in metrics.warnings:
        print(f"  warning: {warning}")
