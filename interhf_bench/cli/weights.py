"""``interhf-bench weights``: list, download, import and verify the metric networks' weight files."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("weights", help="list, download, import and verify weight files")
    sub = parser.add_subparsers(
        title="weights commands", dest="weights_command", metavar="COMMAND", required=True
    )

    listing = sub.add_parser(
        "list", help="every registry file, its state in the weights folder and its licence"
    )
    listing.set_defaults(handler=run_list)

    download = sub.add_parser("download", help="fetch files from their official source and verify them")
    download.add_argument("names", nargs="*", help="registry names (default: every file with a download)")
    download.add_argument("--no-progress", action="store_true")
    download.set_defaults(handler=run_download)

    imported = sub.add_parser(
        "import", help="copy a file you obtained into the weights folder, after checking it"
    )
    imported.add_argument("name")
    imported.add_argument("file", type=Path)
    imported.add_argument(
        "--allow-unverified",
        action="store_true",
        help="accept a file whose checksum does not match (marked unverified)",
    )
    imported.set_defaults(handler=run_import)

    verify = sub.add_parser("verify", help="check files against the registry checksums")
    verify.add_argument("names", nargs="*", help="registry names (default: every file present)")
    verify.set_defaults(handler=run_verify)


def run_list(args: argparse.Namespace) -> int:
    from interhf_bench.weights.registry import REGISTRY
    from interhf_bench.weights.store import status, weights_dir

    root = weights_dir()
    print(f"weights folder: {root}  (set INTERHF_BENCH_WEIGHTS to change it)")
    for entry in REGISTRY:
        state, _ = status(entry, root)
        print(f"{entry.name:<24} {state.value:<34} {entry.used_by:<24} {entry.path}")
        print(f"{'':<24} licence: {entry.licence}")
    return 0


def run_download(args: argparse.Namespace) -> int:
    from interhf_bench.weights.registry import REGISTRY, get_weight
    from interhf_bench.weights.store import Status, download, status

    entries = [get_weight(name) for name in args.names] if args.names else [e for e in REGISTRY if e.url]
    for entry in entries:
        if status(entry)[0] is Status.VERIFIED:
            print(f"{entry.name}: already present and verified")
            continue
        resolved = download(entry, progress=not args.no_progress)
        print(f"{entry.name}: {resolved.path} (sha256 {resolved.sha256})")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from interhf_bench.weights.registry import get_weight
    from interhf_bench.weights.store import import_file

    resolved = import_file(get_weight(args.name), args.file, allow_unverified=args.allow_unverified)
    mark = "verified" if resolved.verified else "UNVERIFIED: results computed with it are marked unverified"
    print(f"{args.name}: {resolved.path} ({mark})")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from interhf_bench.weights.registry import REGISTRY, get_weight
    from interhf_bench.weights.store import Status, status

    entries = [get_weight(name) for name in args.names] if args.names else list(REGISTRY)
    failed = False
    for entry in entries:
        state, sha256 = status(entry)
        if state is Status.MISSING and not args.names:
            continue
        failed |= state in (Status.MISSING, Status.MISMATCH)
        print(f"{entry.name:<24} {state.value}" + (f"  sha256 {sha256}" if sha256 else ""))
    return 1 if failed else 0
