"""``interhf-bench data``: synthesize, prepare, validate and split datasets."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from interhf_bench.data.info import protocol_for
from interhf_bench.data.manifest import MANIFEST_NAME
from interhf_bench.protocol.spec import ProtocolSpec

if TYPE_CHECKING:
    from interhf_bench.prepare.build import PrepareReport
    from interhf_bench.prepare.labels import Label


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("data", help="synthesize, prepare, validate and split datasets")
    sub = parser.add_subparsers(title="data commands", dest="data_command", metavar="COMMAND", required=True)
    _register_synth(sub)
    _register_prepare(sub)
    _register_validate(sub)
    _register_split(sub)


def _register_synth(sub: argparse._SubParsersAction) -> None:
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


def _register_prepare(sub: argparse._SubParsersAction) -> None:
    prepare = sub.add_parser(
        "prepare", help="turn raw videos and a labels CSV into a dataset (keypoints, masks, identity)"
    )
    prepare.add_argument("raw", type=Path, help="folder of raw videos")
    prepare.add_argument("out", type=Path, help="output dataset folder (resumed if it exists)")
    prepare.add_argument(
        "--labels",
        type=Path,
        help="CSV with video,class,subject[,split,video_id,start] (default RAW/labels.csv)",
    )
    prepare.add_argument("--protocol", default="interhf-v1", help="protocol whose frames and size to produce")
    prepare.add_argument(
        "--pose-backend", default="dwpose", help="dwpose (the paper's) or mediapipe (offline)"
    )
    prepare.add_argument("--no-identity", action="store_true", help="skip the ArcFace identity embeddings")
    prepare.add_argument("--margin", type=float, default=1.2, help="crop size over the person's keypoint box")
    prepare.add_argument(
        "--encoding", default="lossless", choices=["lossless", "visually-lossless", "compatible"]
    )
    prepare.add_argument("--allow-unverified-weights", action="store_true")
    prepare.add_argument("--no-progress", action="store_true")
    prepare.set_defaults(handler=run_prepare)


def _register_validate(sub: argparse._SubParsersAction) -> None:
    validate = sub.add_parser("validate", help="check a dataset against the format and its protocol")
    validate.add_argument("root", type=Path)
    validate.add_argument("--protocol", help="protocol to check against (default: from ROOT/dataset.json)")
    validate.add_argument("--manifest", default=MANIFEST_NAME, help="manifest file inside ROOT")
    validate.add_argument("--no-hashes", action="store_true", help="skip sha256 checks")
    validate.add_argument(
        "--subset",
        action="store_true",
        help="the test split is a part of the protocol's (skip the per-class video count rule only)",
    )
    validate.add_argument("--no-decode", action="store_true", help="read video headers only")
    validate.add_argument("--json", action="store_true", help="print the report as JSON")
    validate.add_argument("--no-progress", action="store_true")
    validate.set_defaults(handler=run_validate)


def _register_split(sub: argparse._SubParsersAction) -> None:
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


def run_prepare(args: argparse.Namespace) -> int:
    from interhf_bench.face.identity import FaceIdentity
    from interhf_bench.pose.backends import get_pose_backend
    from interhf_bench.prepare.build import REPORT_NAME, prepare_dataset
    from interhf_bench.prepare.labels import read_labels
    from interhf_bench.protocol import get_protocol

    protocol = get_protocol(args.protocol)
    labels = read_labels(args.labels or args.raw / "labels.csv", args.raw)
    pose = get_pose_backend(args.pose_backend, allow_unverified=args.allow_unverified_weights)
    identity = None if args.no_identity else FaceIdentity(allow_unverified=args.allow_unverified_weights)
    report = prepare_dataset(
        labels,
        args.out,
        protocol,
        pose,
        identity,
        margin=args.margin,
        encoding=args.encoding,
        progress=not args.no_progress,
    )
    done = len(report.prepared) + len(report.resumed)
    print(f"{args.out}: {done} of {len(labels)} videos ready ({len(report.resumed)} from an earlier run)")
    for video_id, reason in report.failed.items():
        print(f"FAILED {video_id}: {reason}")
    for video_id in report.no_face:
        print(f"no face found in the reference frame of {video_id}: it has no identity embedding")
    print(f"report: {args.out / REPORT_NAME}")
    subset = "" if _complete(report, protocol, labels) else " --subset"
    print(f"check it: interhf-bench data validate {args.out} --protocol {protocol.id}{subset}")
    return 0 if not report.failed else 1


def _complete(report: PrepareReport, protocol: ProtocolSpec, labels: list[Label]) -> bool:
    """Whether the prepared test split has the protocol's number of videos in every class."""
    from collections import Counter

    counts = Counter(x.interaction for x in labels if x.split == "test" and x.video_id not in report.failed)
    return all(counts.get(code, 0) == protocol.videos_per_class for code in protocol.classes)


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
        complete_test_split=not args.subset,
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
