"""The ``leaderboard`` command, registered into ``interhf-bench`` by name (no heavy imports here)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "leaderboard", help="tables (markdown, CSV, LaTeX) from runs and the paper's rows"
    )
    parser.add_argument(
        "runs", nargs="*", type=Path, help="run folders (with metrics.json) or metrics.json files"
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--no-paper", action="store_true", help="leave out the paper's reported rows")
    parser.add_argument(
        "--reported", type=Path, action="append", default=[], metavar="FILE.json", help="more reported rows"
    )
    parser.add_argument("--rank-reported", action="store_true", help="rank reported rows with measured ones")
    parser.add_argument(
        "--rank-incomplete",
        action="store_true",
        help="rank runs that did not score every test video (shown unranked by default)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from leaderboard.build import write_leaderboard

    tables, written = write_leaderboard(
        args.runs,
        args.out,
        paper=not args.no_paper,
        reported_files=args.reported,
        rank_reported=args.rank_reported,
        rank_incomplete=args.rank_incomplete,
    )
    for table in tables:
        print(f"{table.title}: {len(table.entries)} entries")
    figures = [path for path in written if path.suffix == ".png"]
    for path in written:
        if path.suffix != ".png":
            print(f"  -> {path}")
    print(f"  -> {len(figures)} figures in {args.out / 'plots'}")
    return 0
