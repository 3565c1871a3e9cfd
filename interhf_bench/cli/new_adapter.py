"""``interhf-bench new-adapter NAME``: a standalone package template for a third-party method."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "new-adapter", help="write a package template for a new method (entry point)"
    )
    parser.add_argument("name", help="method name, e.g. my-method")
    parser.add_argument("--out", type=Path, help="folder to create (default: ./<package name>)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from interhf_bench.adapters.template import package_names, write_adapter_package

    package, package_dash, _ = package_names(args.name)
    out = write_adapter_package(args.name, args.out or Path(package_dash))
    print(f"wrote {out}/ (package {package})")
    print(f"next: pip install -e {out} && interhf-bench check-adapter {args.name}")
    return 0
