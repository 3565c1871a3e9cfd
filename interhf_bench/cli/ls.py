"""``interhf-bench ls``: methods, metrics and protocols, without importing torch or any method's code."""

from __future__ import annotations

import argparse

from interhf_bench.cli.options import add_include_option
from interhf_bench.results.metric_selection import SELECTABLE


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("ls", help="list methods, metrics and protocols")
    parser.add_argument("what", nargs="?", choices=["methods", "metrics", "protocols"], help="one list only")
    add_include_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.what in (None, "methods"):
        from interhf_bench.adapters.registry import MethodRegistry

        print("methods:")
        for source in MethodRegistry(args.include).sources():
            print(f"  {source.name:<18} {source.origin:<24} {source.description or source.target}")
    if args.what in (None, "metrics"):
        print("metrics (names for --metrics / --skip-metrics; the values each writes to metrics.json):")
        for name, metric in SELECTABLE.items():
            if metric.values != name:
                print(f"  {name:<12} {metric.values}")
            print(f"  {'' if metric.values != name else name:<12} {metric.description}")
    if args.what in (None, "protocols"):
        from interhf_bench.protocol.spec import PROTOCOLS

        print("protocols:")
        for spec in PROTOCOLS.values():
            print(
                f"  {spec.id:<18} {spec.num_videos} videos x {spec.num_target_frames} frames, "
                f"{spec.height}x{spec.width} @ {spec.fps:g} fps  (hash {spec.hash[:12]})"
            )
    return 0
