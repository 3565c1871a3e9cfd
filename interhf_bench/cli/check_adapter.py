"""``interhf-bench check-adapter METHOD``: run a method on a few cases and print what passes."""

from __future__ import annotations

import argparse
from pathlib import Path

from interhf_bench.cli.options import add_include_option, add_method_args_option


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "check-adapter", help="run a method on a few cases: shape, determinism, speed"
    )
    parser.add_argument("method")
    add_include_option(parser)
    add_method_args_option(parser)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--cases", type=int, default=2, help="how many cases (default 2)")
    parser.add_argument("--data", type=Path, help="dataset root (default: the embedded synthetic set)")
    parser.add_argument("--protocol", help="protocol id or file (default: from the dataset)")
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from interhf_bench.adapters.check import check_adapter, format_report
    from interhf_bench.adapters.registry import MethodRegistry
    from interhf_bench.cli.data import protocol_for
    from interhf_bench.data.dataset import Dataset
    from interhf_bench.runner.cases import build_case, select_rows
    from interhf_bench.runner.distributed import ProcessGroup, Shard
    from interhf_bench.runner.run import ensure_embedded_dataset, make_adapter, parse_method_args

    if args.cases < 1:
        raise ValueError(f"--cases must be at least 1, got {args.cases}")
    root = args.data or ensure_embedded_dataset(ProcessGroup(Shard()), progress=True)
    protocol = protocol_for(root, args.protocol)
    dataset = Dataset(root)
    adapter = make_adapter(
        MethodRegistry(args.include).load(args.method), parse_method_args(args.method_args)
    )
    rows = select_rows(dataset, limit=args.cases)
    cases = [
        build_case(dataset, row, protocol, args.seed, with_ground_truth=adapter.meta.uses_ground_truth)
        for row in rows
    ]
    results = check_adapter(adapter, cases, args.device)
    print(format_report(args.method, results))
    return 0 if all(result.passed is not False for result in results) else 1
