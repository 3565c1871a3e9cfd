"""Options shared by several commands, defined once so they read and behave the same everywhere."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_include_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--include",
        type=Path,
        action="append",
        default=[],
        metavar="FILE.py",
        help="load adapters from a Python file: this runs the file's code (repeatable)",
    )


def add_method_args_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--method-args", nargs="+", default=[], metavar="KEY=VALUE", help="the method's settings"
    )


def add_metric_selection_options(parser: argparse.ArgumentParser) -> None:
    """``--metrics`` / ``--skip-metrics``: what to compute, by the names ``ls metrics`` prints."""
    parser.add_argument(
        "--metrics",
        metavar="NAME,...",
        help="only these metrics (names as `interhf-bench ls metrics` prints them, e.g. ssim,psnr,l1); "
        "the others are recorded as not requested",
    )
    parser.add_argument(
        "--skip-metrics",
        metavar="NAME,...",
        help="leave out these metrics (e.g. fvd,fid_vid for a quick check on a CPU)",
    )


def requested_metrics(args: argparse.Namespace) -> frozenset[str]:
    """The selection ``--metrics`` / ``--skip-metrics`` ask for; an unknown name is a ``KeyError``."""
    from interhf_bench.results.metric_selection import requested_metrics as resolve

    return resolve(getattr(args, "metrics", None), getattr(args, "skip_metrics", None))
