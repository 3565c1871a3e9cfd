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
