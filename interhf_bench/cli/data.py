"""``interhf-bench data``: synthesize, validate and split datasets."""

from __future__ import annotations

import argparse
from pathlib import Path

from interhf_bench.data.manifest import MANIFEST_NAME
from interhf_bench.protocol.spec import ProtocolSpec


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("data", help="synthesize, validate and split datasets")
    sub = parser.add_subparsers(title="data commands", dest="data_command", metavar="COMMAND", required=True)

    synth = sub.add_parser("synth", help="render the synthetic InterHF-mini dataset")
    synth.add_argument("out", nargs="?", type=Path, help="output folder (default: the user cache)")
    synth.add_argument("--protocol", default="interhf-mini-v1", help="protocol shape (interhf-v1: full size)")
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--train-per-class", type=int, default=0, help="extra training videos per class")
    synth.add_argument(
        "--num-subjects", type=int, help="size of the subject pool (default 3 x videos per class)"
    )
    synth.add_argument(
        "--encoding",
        default="lossless",
        choices=["lossless", "visually-lossless", "compatible"],
        help="video encoding",
    )
    synth.add_argument("--workers", type=int, default=1, help="render processes")
    synth.add_argument("--overwrite", action="store_true", help="replace a different synthetic set in OUT")
    synth.add_argument("--no-progress", action="store_true")
    synth.set_defaults(handler=run_synth)

    validate = sub.add_parser("validate", help="check a dataset against the format and its protocol")
    validate.add_argument("root", type=Path)
    validate.add_argument("--protocol", help="protocol to check against (default: from ROOT/dataset.json)")
    validate.add_argument("--manifest", default=MANIFEST_NAME, help="manifest file inside ROOT")
    validate.add_argument("--no-hashes", action="store_true", help="skip sha256 checks")
    validate.add_argument("--no-decode", action="store_true", help="read video headers only")
    validate.add_argument("--json", action="store_true", help="print the report as JSON")
    validate.add_argument("--no-progress", action="store_true")
    validate.set_defaults(handler=run_validate)

    split = sub.add_parser("split", help="select a protocol test split from a larger manifest (seeded)")
    split.add_argument("root", type=Path)
    split.add_argument(
        "--protocol", help="protocol whose test split to select (default: from ROOT/dataset.json)"
    )
    split.add_argument("--seed", type=int, default=0)
    split.add_argument("--manifest", default=MANIFEST_NAME, help="input manifest inside ROOT")
    split.add_argument(
        "--out", help="output manifest name inside ROOT (default manifest.<protocol>.seed<N>.jsonl)"
    )
    split.set_defaults(handler=run_split)


def protocol_for(root: Path, protocol_id: str | None) -> ProtocolSpec:
    from interhf_bench.data.info import read_info
    from interhf_bench.protocol import get_protocol

    if protocol_id is None:
        info = read_info(root)
        if info is None:
            raise ValueError(f"{root}/dataset.json not found: pass --protocol (e.g. interhf-v1)")
        protocol_id = info.protocol
    return get_protocol(protocol_id)


def run_synth(args: argparse.Namespace) -> int:
    from interhf_bench.paths import default_dataset_dir
    from interhf_bench.protocol import get_protocol
    from interhf_bench.synth.build import synthesize_dataset

    protocol = get_protocol(args.protocol)
    out = args.out or default_dataset_dir(protocol.id)
    info = synthesize_dataset(
        out,
        protocol,
        seed=args.seed,
        train_per_class=args.train_per_class,
        num_subjects=args.num_subjects,
        encoding=args.encoding,
        workers=args.workers,
        overwrite=args.overwrite,
        progress=not args.no_progress,
    )
    print(f"wrote {protocol.id} synthetic dataset to {out} (manifest sha256:{info.manifest_sha256})")
    return 0


def run_validate(args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from interhf_bench.data.validate import validate_dataset

    protocol = protocol_for(args.root, args.protocol)
    report = validate_dataset(
        args.root,
        protocol,
        manifest_name=args.manifest,
        check_hashes=not args.no_hashes,
        decode=not args.no_decode,
        progress=not args.no_progress,
    )
    if args.json:
        payload = {
            "root": str(report.root),
            "manifest": str(report.manifest),
            "protocol": protocol.id,
            "protocol_hash": protocol.hash,
            "rows": report.num_rows,
            "test_rows": report.num_test_rows,
            "ok": report.ok,
            "violations": [asdict(v) for v in report.violations],
        }
        print(json.dumps(payload, indent=2))
    else:
        for violation in report.violations:
            print(violation)
        verdict = "OK" if report.ok else f"FAILED with {len(report.violations)} violation(s)"
        counts = f"{report.num_rows} videos ({report.num_test_rows} test)"
        print(f"{report.manifest}: {counts}, protocol {protocol.id}: {verdict}")
    return 0 if report.ok else 1


def run_split(args: argparse.Namespace) -> int:
    from collections import Counter

    from interhf_bench.data.manifest import load_manifest, write_manifest
    from interhf_bench.data.split import assign_test_split

    protocol = protocol_for(args.root, args.protocol)
    rows = load_manifest(args.root / args.manifest)
    new_rows = assign_test_split(rows, protocol, args.seed)
    name = args.out or f"manifest.{protocol.id}.seed{args.seed}.jsonl"
    if "/" in name or name == args.manifest:
        raise ValueError(f"--out must be a new file name inside {args.root}, got {name!r}")
    out = write_manifest(args.root / name, new_rows)
    counts = Counter(row.split for row in new_rows)
    print(f"wrote {out}: " + ", ".join(f"{n} {split}" for split, n in sorted(counts.items())))
    print(f"validate it: interhf-bench data validate {args.root} --protocol {protocol.id} --manifest {name}")
    return 0
