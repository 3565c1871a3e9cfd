"""The ``gallery`` command, registered into ``interhf-bench`` by name (no heavy imports here)."""

from __future__ import annotations

import argparse
from pathlib import Path

from leaderboard.gallery import SELECTIONS


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "gallery", help="the runs' videos side by side in a static page (worst cases first), and figures"
    )
    parser.add_argument("runs", nargs="+", type=Path, help="run folders (with metrics.json and videos/)")
    parser.add_argument("--out", type=Path, required=True, help="output folder (index.html, media/)")
    parser.add_argument("--data", type=Path, help="dataset root (default: the embedded synthetic set)")
    parser.add_argument("--protocol", help="protocol id or .json file (default: the runs' or the dataset's)")
    parser.add_argument("--cases", type=int, default=8, help="how many cases (default 8)")
    parser.add_argument("--select", choices=SELECTIONS, default="worst", help="which cases (default worst)")
    parser.add_argument("--metric", default="ssim", help="the per-video metric ranking cases")
    parser.add_argument("--method", help="whose metric ranks them (default: the first run not an oracle)")
    parser.add_argument("--ids", nargs="+", default=[], metavar="VIDEO_ID", help="these cases (--select ids)")
    parser.add_argument("--seed", type=int, default=0, help="for --select random")
    parser.add_argument("--figure", action="store_true", help="also figures/<video_id>.png and .pdf")
    parser.add_argument("--frames", nargs="+", type=int, default=[], help="figure columns (1..T)")
    parser.add_argument("--crop", action="store_true", help="crop figure cells to the hand-face region")
    parser.add_argument("--no-progress", action="store_true")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from interhf_bench.runner.distributed import ProcessGroup, Shard
    from interhf_bench.runner.run import ensure_embedded_dataset
    from leaderboard.gallery.build import GalleryOptions, write_gallery

    options = GalleryOptions(
        select=args.select, cases=args.cases, metric=args.metric, method=args.method, ids=tuple(args.ids),
        seed=args.seed, figure=args.figure, frames=tuple(args.frames), crop=args.crop,
        progress=not args.no_progress,
    )  # fmt: skip
    data = args.data or ensure_embedded_dataset(ProcessGroup(Shard()), progress=not args.no_progress)
    gallery = write_gallery(args.runs, args.out, data, args.protocol, options)
    print(f"{gallery.choice.describe()}: {', '.join(gallery.choice.video_ids)}")
    print(f"  -> {gallery.page}")
    for path in gallery.figures:
        print(f"  -> {path}")
    return 0
