"""``interhf-bench ls``: methods, metrics and protocols, without importing torch or any method's code."""

from __future__ import annotations

import argparse

from interhf_bench.cli.options import add_include_option

METRICS = {
    "fid": "Fréchet Inception distance over frames (pytorch-fid InceptionV3), DisCo",
    "ssim": "structural similarity, DisCo's recipe (scikit-image defaults on cv2 grey)",
    "psnr": "peak signal-to-noise ratio, DisCo's recipe",
    "lpips": "LPIPS-vgg fed [0,1] without normalize, DisCo's recipe",
    "l1": "mean absolute error / (H*W), DisCo's recipe",
    "fid_vid": "Fréchet distance of 3D-ResNet-50 features over 16-frame windows, DisCo",
    "fvd": "Fréchet distance of I3D logits over 16-frame windows, DisCo",
    "<region>_{ssim,psnr,l1,lpips}": "the frame metrics inside hand, face and interaction regions (ours)",
    "identity_similarity": "ArcFace cosine, reference face vs each generated face (ours; + identity_no_face)",
    "hand_{detected,error,pck@0.1,pck@0.2}": "generated hands detected, compared with the driving hands",
    "contact_{f1,onset_error,offset_error}": "hand-face contact timing vs the ground truth's (ours)",
    "contact_{location,hand,fingers,direction}": "same face part, hand, finger count, swipe direction (ours)",
    "recognition{,_gt}": "rule-based classifier names the class from generated / ground-truth frames (ours)",
}


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
        print("metrics:")
        for name, description in METRICS.items():
            print(f"  {name:<30} {description}")
    if args.what in (None, "protocols"):
        from interhf_bench.protocol.spec import PROTOCOLS

        print("protocols:")
        for spec in PROTOCOLS.values():
            print(
                f"  {spec.id:<18} {spec.num_videos} videos x {spec.num_target_frames} frames, "
                f"{spec.height}x{spec.width} @ {spec.fps:g} fps  (hash {spec.hash[:12]})"
            )
    return 0
