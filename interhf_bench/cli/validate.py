"""``interhf-bench validate SUBMISSION``: check a third-party run folder before it is listed."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "validate", help="check a submission (videos and/or results) against a protocol"
    )
    parser.add_argument(
        "submission", type=Path, help="run folder: videos/ and/or metrics.json + run_meta.json"
    )
    parser.add_argument("--data", type=Path, help="dataset root (default: the embedded synthetic set)")
    parser.add_argument("--protocol", help="protocol id or file (default: from the dataset)")
    parser.add_argument("--no-decode", action="store_true", help="check the file names only")
    parser.add_argument(
        "--rescore", action="store_true", help="score the videos here and compare with metrics.json"
    )
    parser.add_argument("--tolerance", type=float, default=1e-4, help="relative tolerance for --rescore")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from interhf_bench.data.dataset import Dataset
    from interhf_bench.data.info import protocol_for
    from interhf_bench.runner.distributed import ProcessGroup, Shard
    from interhf_bench.runner.run import ensure_embedded_dataset
    from interhf_bench.submission.validation import compare_metrics, validate_submission

    root = args.data or ensure_embedded_dataset(ProcessGroup(Shard()), progress=True)
    protocol = protocol_for(root, args.protocol)
    dataset = Dataset(root)
    report = validate_submission(args.submission, dataset, protocol, decode=not args.no_decode)
    if args.rescore and report.ok and "videos" in report.checked and "results" in report.checked:
        from interhf_bench.paths import cache_dir
        from interhf_bench.results.metrics_file import MetricsFile
        from interhf_bench.scoring.feature_cache import FeatureCache
        from interhf_bench.scoring.metric_set import build_metric_set
        from interhf_bench.scoring.score import score

        metrics = build_metric_set(protocol)
        rescored = score(
            dataset,
            protocol,
            args.submission / "videos",
            metrics,
            cache=FeatureCache(cache_dir() / "features"),
            progress=True,
        )
        submitted = MetricsFile.model_validate_json((args.submission / "metrics.json").read_text())
        report.problems += compare_metrics(submitted, rescored, args.tolerance)
        report.checked.append("rescored")
    for problem in report.problems:
        print(f"FAIL {problem}")
    checked = ", ".join(report.checked) or "nothing"
    verdict = "valid" if report.ok else f"{len(report.problems)} problem(s)"
    print(f"{args.submission}: {verdict} (checked {checked})")
    return 0 if report.ok else 1
