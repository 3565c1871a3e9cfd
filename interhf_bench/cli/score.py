"""``interhf-bench score``: metrics of generated videos against a dataset's test split."""

from __future__ import annotations

import argparse
from pathlib import Path

from interhf_bench.cli.options import add_metric_selection_options, requested_metrics
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
    parser.add_argument(
        "--video-ids",
        nargs="+",
        metavar="ID",
        help="only these test videos (the others are listed as missing)",
    )
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
    add_metric_selection_options(parser)
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
    from interhf_bench.runner.scoring import ScoringOptions, score_videos
    from interhf_bench.scoring.metric_set import build_metric_set

    _refuse_if_third_party_code_ran()
    requested = requested_metrics(args)
    if not args.pred.is_dir():
        raise FileNotFoundError(f"{args.pred}: predictions folder not found")
    root = args.data or _embedded_dataset(progress=not args.no_progress)
    protocol = protocol_for(root, args.protocol)
    dataset = Dataset(root, manifest=args.manifest)
    metrics = build_metric_set(
        protocol,
        device=args.device,
        allow_unverified=args.allow_unverified_weights,
        pose_backend=None if args.hand_detector == "none" else args.hand_detector,
        requested=requested,
    )
    options = ScoringOptions(device=args.device, workers=args.workers, progress=not args.no_progress)
    result = score_videos(dataset, protocol, args.pred, metrics, args.video_ids, options)
    out = args.out or default_output(args.pred)
    write_text_atomic(out, result.model_dump_json(indent=2) + "\n")
    print(f"metrics -> {out}")
    print_metrics(result)
    return 0


def _embedded_dataset(progress: bool) -> Path:
    from interhf_bench.runner.distributed import ProcessGroup, Shard
    from interhf_bench.runner.run import ensure_embedded_dataset

    return ensure_embedded_dataset(ProcessGroup(Shard()), progress=progress)


def _refuse_if_third_party_code_ran() -> None:
    """``score`` loads no plugin; a plugin module found here came in another way (a ``.pth`` file, an
    import hook) and could change the numbers, so nothing is scored."""
    from interhf_bench.cli.errors import CommandError
    from interhf_bench.plugins import loaded_third_party_code

    loaded = loaded_third_party_code()
    if loaded:
        files = ", ".join(f"{item.path} ({item.origin})" for item in loaded[:5])
        raise CommandError(f"third-party code was loaded into the scoring process ({files}); not scoring")
