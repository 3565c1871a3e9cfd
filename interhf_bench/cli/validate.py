"""``interhf-bench validate SUBMISSION``: check a third-party run folder before it is listed.

Exit status: 0 valid, 1 invalid (problems listed), 2 numbers not (all) verified (no videos, not
rescored, metrics that could not be recomputed), 3 a verified oracle (never ranked).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from interhf_bench.cli.options import add_metric_selection_options, requested_metrics
from interhf_bench.cli.run import add_hand_detector_argument

if TYPE_CHECKING:
    from interhf_bench.data.dataset import Dataset
    from interhf_bench.protocol.spec import ProtocolSpec
    from interhf_bench.submission.validation import SubmissionReport


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "validate", help="check a submission (videos, run_meta.json, metrics.json) against a protocol"
    )
    parser.add_argument(
        "submission", type=Path, help="run folder: run_meta.json, videos/ and, with numbers, metrics.json"
    )
    parser.add_argument("--data", type=Path, help="dataset root (default: the embedded synthetic set)")
    parser.add_argument("--protocol", help="protocol id or file (default: from the dataset)")
    parser.add_argument("--no-decode", action="store_true", help="check the file names only")
    parser.add_argument(
        "--rescore",
        action="store_true",
        help="score the videos here and compare every number of metrics.json (without it, a submission "
        "with numbers is 'not rescored', never 'valid')",
    )
    parser.add_argument(
        "--tolerance",
        type=_tolerance,
        default=1e-4,
        help="relative tolerance for --rescore; each metric also has an absolute floor near 0 (default 1e-4)",
    )
    parser.add_argument(
        "--allow-unchecked",
        action="store_true",
        help="valid even when some submitted metrics could not be recomputed here (they are still listed)",
    )
    parser.add_argument("--device", default="cpu", help="torch device for the feature networks (--rescore)")
    add_hand_detector_argument(parser)
    add_metric_selection_options(parser)  # a metric left out of --rescore is listed as unchecked
    parser.set_defaults(handler=run)


def _tolerance(text: str) -> float:
    value = float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"{text}: a relative tolerance is at least 0 and below 1")
    return value


def run(args: argparse.Namespace) -> int:
    from interhf_bench.data.dataset import Dataset
    from interhf_bench.data.info import protocol_for
    from interhf_bench.runner.distributed import ProcessGroup, Shard
    from interhf_bench.runner.run import ensure_embedded_dataset
    from interhf_bench.submission.validation import report_lines, validate_submission

    requested = requested_metrics(args)  # before any work: an unknown name is an error
    root = args.data or ensure_embedded_dataset(ProcessGroup(Shard()), progress=True)
    protocol = protocol_for(root, args.protocol)
    dataset = Dataset(root)
    report = validate_submission(args.submission, dataset, protocol, decode=not args.no_decode)
    if args.rescore and report.can_rescore:
        _rescore(args, report, dataset, protocol, requested)
    verdict = report.verdict(allow_unchecked=args.allow_unchecked)
    print("\n".join(report_lines(report, verdict)))
    return verdict.exit_code


def _rescore(
    args: argparse.Namespace,
    report: SubmissionReport,
    dataset: Dataset,
    protocol: ProtocolSpec,
    requested: frozenset[str],
) -> None:
    """Score the submission's videos with the requested metrics whose verified weights are present here."""
    from interhf_bench.paths import cache_dir
    from interhf_bench.scoring.feature_cache import FeatureCache
    from interhf_bench.scoring.metric_set import build_metric_set
    from interhf_bench.submission.validation import rescore_submission

    metrics = build_metric_set(
        protocol,
        device=args.device,
        pose_backend=None if args.hand_detector == "none" else args.hand_detector,
        requested=requested,
    )
    cache = FeatureCache(cache_dir() / "features")
    rescore_submission(report, dataset, protocol, metrics, tolerance=args.tolerance, cache=cache)
