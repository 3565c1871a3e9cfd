"""``interhf-bench score``: metrics of generated videos against a dataset's test split."""

from __future__ import annotations

import argparse
from pathlib import Path

from interhf_bench.cli.run import add_hand_detector_argument


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "score", help="score generated videos against the ground truth (metrics.json)"
    )
    parser.add_argument(
        "--pred", type=Path, required=True, help="folder with <video_id>.mp4 or <video_id>/ frames"
    )
    parser.add_argument("--data", type=Path, help="dataset root (default: the embedded synthetic set)")
    parser.add_argument("--protocol", help="protocol (default: from the dataset's dataset.json)")
    parser.add_argument("--manifest", default="manifest.jsonl", help="manifest file inside the dataset root")
    parser.add_argument("--out", type=Path, help="metrics.json path (default: beside the videos folder)")
    parser.add_argument("--device", default="cpu", help="torch device for the feature networks")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="threads that decode and compute pixel metrics ahead (default 2)",
    )
    parser.add_argument("--allow-unverified-weights", action="store_true")
    add_hand_detector_argument(parser)
    parser.add_argument("--no-progress", action="store_true")
    parser.set_defaults(handler=run)


def default_output(pred_dir: Path) -> Path:
    """``runs/<method>/<protocol>/metrics.json`` when the predictions are that run's ``videos/`` folder."""
    return (pred_dir.parent if pred_dir.name == "videos" else pred_dir) / "metrics.json"


def run(args: argparse.Namespace) -> int:
    from interhf_bench.cli.run import print_metrics
    from interhf_bench.data.dataset import Dataset
    from interhf_bench.data.info import protocol_for
    from interhf_bench.io.files import write_text_atomic
    from interhf_bench.paths import cache_dir
    from interhf_bench.scoring.feature_cache import FeatureCache
    from interhf_bench.scoring.metric_set import build_metric_set
    from interhf_bench.scoring.score import score

    if not args.pred.is_dir():
        raise FileNotFoundError(f"{args.pred}: predictions folder not found")
    if args.data is None:
        from interhf_bench.runner.distributed import ProcessGroup, Shard
        from interhf_bench.runner.run import ensure_embedded_dataset

        root = ensure_embedded_dataset(ProcessGroup(Shard()), progress=not args.no_progress)
    else:
        root = args.data
    protocol = protocol_for(root, args.protocol)
    dataset = Dataset(root, manifest=args.manifest)
    metrics = build_metric_set(
        protocol,
        device=args.device,
        allow_unverified=args.allow_unverified_weights,
        pose_backend=None if args.hand_detector == "none" else args.hand_detector,
    )
    result = score(
        dataset,
        protocol,
        args.pred,
        metrics,
        cache=FeatureCache(cache_dir() / "features"),
        progress=not args.no_progress,
        workers=args.workers,
    )
    out = args.out or default_output(args.pred)
    write_text_atomic(out, result.model_dump_json(indent=2) + "\n")
    print(f"metrics -> {out}")
    print_metrics(result)
    return 0
