"""``interhf-bench new-adapter NAME``: a standalone package template for a third-party method."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "new-adapter",
        help="write a package template for a new method (entry point, adapter, README, test)",
        description="Write OUT/interhf-NAME/: an installable package whose adapter `interhf-bench` finds "
        "through the interhf_bench.adapters entry point. An existing folder is never overwritten.",
    )
    parser.add_argument("name", help="method name, kebab-case (e.g. my-method)")
    parser.add_argument(
        "--out", type=Path, default=Path(), help="folder to create the package in (default: .)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from interhf_bench.adapters.template import package_names, write_adapter_package

    folder = write_adapter_package(args.name, args.out)
    package = package_names(args.name)[0]
    print(f"wrote {folder}/ (package {package}, method {args.name})")
    print(f"put your model in {folder / 'src' / package / 'adapter.py'} (see the TODO comments), then:")
    print(f"  pip install -e {folder}")
    print(f"  interhf-bench check-adapter {args.name}")
    print(f"  interhf-bench run --method {args.name} --limit 4")
    return 0
