"""``interhf-bench protocol``: show the protocols, their parameters, classes and hashes."""

from __future__ import annotations

import argparse
import json


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("protocol", help="show the protocols (classes, frames, sizes, hash)")
    parser.add_argument("protocol_id", nargs="?", help="protocol to show in full (default: list all)")
    parser.add_argument("--json", action="store_true", help="print the canonical JSON that is hashed")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from interhf_bench.protocol import PROTOCOLS, get_class, get_protocol

    if args.protocol_id is None:
        for spec in PROTOCOLS.values():
            frames = f"{spec.num_frames} frames @ {spec.fps:g} fps"
            shape = f"{spec.num_videos} videos, {frames}, {spec.height}x{spec.width}"
            print(f"{spec.id:<18} {shape}  sha256:{spec.hash[:16]}")
        return 0
    spec = get_protocol(args.protocol_id)
    if args.json:
        print(json.dumps(spec.as_dict(), indent=2, sort_keys=True))
        return 0
    print(f"{spec.id}: {spec.description}")
    print(f"hash      sha256:{spec.hash}")
    print(f"videos    {spec.videos_per_class} per class x {len(spec.classes)} classes = {spec.num_videos}")
    print(
        f"frames    reference {spec.reference_frame} + {spec.num_target_frames} targets at {spec.fps:g} fps"
    )
    print(f"size      {spec.height}x{spec.width} (HxW)")
    print(
        f"clips     {spec.clip_length} frames, stride {spec.clip_stride} ({spec.clips_per_video} per video)"
    )
    print("classes")
    for code in spec.classes:
        cls = get_class(code)
        print(f"  {cls.code:<6} {cls.category.value:<9} {cls.name}")
    return 0
