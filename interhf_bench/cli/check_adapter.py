"""``interhf-bench check-adapter METHOD``: run a method on a few cases and print what passes.

Without ``--data`` the cases are rendered on the fly into a temporary folder (a second or so), so the
check needs no dataset and leaves nothing in the cache.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from interhf_bench.cli.options import add_include_option, add_method_args_option

if TYPE_CHECKING:
    from interhf_bench.adapters.api import Adapter, Case


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "check-adapter",
        help="run a method on a few cases: output, determinism, pose following, video round trip, speed",
        description="Run a method on a few cases and print a pass/fail table; exit status 1 if a check "
        "fails.",
    )
    parser.add_argument("method", help="method name (see `interhf-bench ls methods`)")
    add_include_option(parser)
    add_method_args_option(parser)
    parser.add_argument("--device", default="cpu", help="device passed to the adapter's setup")
    parser.add_argument("--cases", type=int, default=2, help="how many cases (default 2)")
    parser.add_argument(
        "--data", type=Path, help="dataset root (default: small synthetic cases in a temporary folder)"
    )
    parser.add_argument(
        "--protocol",
        help="with --data: the protocol (default from dataset.json); without: the synthetic cases' size "
        "and fps (default interhf-mini-v1)",
    )
    parser.add_argument(
        "--frames", type=int, default=8, help="target frames of the synthetic cases (default 8)"
    )
    parser.add_argument("--seed", type=int, default=0, help="global seed; each case gets hash(seed, id)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from interhf_bench.adapters.registry import MethodRegistry
    from interhf_bench.runner.check import all_passed, check_adapter, format_report
    from interhf_bench.runner.run import make_adapter, parse_method_args

    if args.cases < 1:
        raise ValueError(f"--cases must be at least 1, got {args.cases}")
    registry = MethodRegistry(args.include)
    adapter = make_adapter(registry.load(args.method), parse_method_args(args.method_args))
    cases, where = _cases(args, adapter)
    if not cases:
        raise ValueError(f"{args.data}: no test videos to check on")
    results = check_adapter(adapter, cases, args.device)
    print(format_report(adapter.meta.name, results, where))
    return 0 if all_passed(results) else 1


def _cases(args: argparse.Namespace, adapter: Adapter) -> tuple[list[Case], str]:
    """The cases to check on and a few words saying what they are."""
    from interhf_bench.runner.check import dataset_cases, synthetic_cases

    with_ground_truth = adapter.meta.uses_ground_truth
    if args.data is not None:
        from interhf_bench.data.info import protocol_for

        protocol = protocol_for(args.data, args.protocol)
        cases = dataset_cases(
            args.data, protocol, args.cases, seed=args.seed, with_ground_truth=with_ground_truth
        )
        return cases, f"{len(cases)} cases of {args.data} ({protocol.id})"
    from interhf_bench.protocol import get_protocol

    base = get_protocol(args.protocol or "interhf-mini-v1")
    cases = synthetic_cases(
        args.cases, base=base, frames=args.frames, seed=args.seed, with_ground_truth=with_ground_truth
    )
    shape = f"{args.frames} frames of {base.height}x{base.width}"
    return cases, f"{len(cases)} synthetic cases ({shape}, {base.id} size)"
