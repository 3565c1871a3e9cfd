"""``interhf-bench baselines setup METHOD``: is a method's official checkout ready to run, and if not, why."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("baselines", help="set up and check the published baselines' official code")
    sub = parser.add_subparsers(
        title="baselines commands", dest="baselines_command", metavar="COMMAND", required=True
    )
    setup = sub.add_parser(
        "setup", help="check a checkout, its environment and its weights; say what is missing"
    )
    setup.add_argument("method", help="an external method (see `interhf-bench ls methods`)")
    setup.add_argument("--checkout", help="the official checkout (default $INTERHF_BENCH_CHECKOUTS/METHOD)")
    setup.add_argument("--python", help="the method's interpreter (default CHECKOUT/.venv/bin/python)")
    setup.add_argument(
        "--no-hash", action="store_true", help="check weight sizes only (skip sha256 of GB files)"
    )
    setup.set_defaults(handler=run_setup)
    listing = sub.add_parser("list", help="the baselines: code, commit, licence, resolution, pose signal")
    listing.set_defaults(handler=run_list)


def run_list(args: argparse.Namespace) -> int:
    from interhf_bench.adapters.external import ExternalAdapter
    from interhf_bench.adapters.registry import MethodRegistry

    registry = MethodRegistry()
    for source in registry.sources():
        adapter = registry.load(source.name)
        if not issubclass(adapter, ExternalAdapter) and not source.name.endswith("-native"):
            continue
        meta = adapter.meta
        print(f"{meta.name}: {meta.display_name} ({meta.kind})")
        print(f"  paper:   {meta.paper_url}")
        print(f"  code:    {meta.code_url} @ {meta.code_commit}")
        print(f"  licence: {meta.license}")
        if issubclass(adapter, ExternalAdapter):
            spec = adapter.external
            print(f"  env:     {spec.requirements}")
            print(f"  runs at: {spec.resolution}")
            print(f"  pose:    {spec.pose_signal}")
            print(f"  weights: {', '.join(w.path for w in spec.weights)}")
    return 0


def run_setup(args: argparse.Namespace) -> int:
    from interhf_bench.adapters.external import ExternalAdapter
    from interhf_bench.adapters.registry import MethodRegistry
    from interhf_bench.cli.errors import CommandError

    adapter_class = MethodRegistry().load(args.method)
    if not issubclass(adapter_class, ExternalAdapter):
        raise CommandError(f"{args.method} runs in-process ({adapter_class.meta.kind}); it needs no checkout")
    settings = adapter_class.Settings(checkout=args.checkout, python=args.python)
    adapter = adapter_class(settings)
    spec = adapter.external
    print(f"{adapter.meta.display_name}: {spec.repo_url} @ {spec.commit}")
    print(f"environment: {adapter.requirements_path()}")
    checks = adapter.check_setup(hash_weights=not args.no_hash)
    for check in checks:
        print(f"  [{'ok' if check.ok else 'MISSING'}] {check.item}: {check.detail}")
        if not check.ok and check.fix:
            print(f"      fix: {check.fix}")
    print(f"runs at: {spec.resolution}")
    print(f"pose signal: {spec.pose_signal}")
    for deviation in spec.deviations:
        print(f"deviation: {deviation}")
    problems = sum(not check.ok for check in checks)
    print("ready" if not problems else f"{problems} problem(s): fix them, then rerun this command")
    return 0 if not problems else 1
