"""``interanimate train`` (also ``interhf-bench train``) and ``interhf-bench ablate``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from interhf_bench.cli.errors import EXPECTED_FAILURES, debug_requested, describe_failure


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", required=True, help="YAML training config (a path, or tiny.yaml / paper.yaml)"
    )
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="override config values")
    parser.add_argument(
        "--vae-only",
        action="store_true",
        help="run only the autoencoder phase (tiny preset) and stop: check the VAE, or change its rate",
    )
    parser.add_argument("--no-progress", action="store_true")
    parser.set_defaults(handler=run_train)


def run_train(args: argparse.Namespace) -> int:
    from interanimate.training.config import load_config, parse_overrides
    from interanimate.training.loop import train, train_vae_only

    config = load_config(args.config, parse_overrides(args.set))
    if args.vae_only:
        print(f"autoencoder: {train_vae_only(config, progress=not args.no_progress)}")
        return 0
    final = train(config, progress=not args.no_progress)
    print(f"checkpoint: {final}")
    return 0


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("checkpoint", type=Path, help="a trained checkpoint (RUN/final)")
    parser.add_argument("destination", type=Path)
    parser.add_argument("--dtype", default="float16", choices=["float32", "float16", "bfloat16"])
    parser.add_argument(
        "--inference",
        nargs="*",
        default=[],
        metavar="KEY=VALUE",
        help="default sampling values for the adapter",
    )
    parser.set_defaults(handler=run_export)


# Paths in a checkpoint's train_config, and how many of their last parts ship (a hub id has two).
MACHINE_PATH_PARTS = {"data": 1, "output_dir": 1, "mimicmotion_checkpoint": 1, "source": 2}


def _last_parts(path: str | Path, parts: int) -> str:
    return "/".join(Path(path).parts[-parts:])


def shippable_info(info: dict[str, Any], checkpoint: Path) -> dict[str, Any]:
    """Checkpoint metadata without the training machine's paths: folder names (``train-wide``), the
    run's ``<run>/final``, and hub ids as they are."""
    train_config = dict(info.get("train_config", {}))
    for key, parts in MACHINE_PATH_PARTS.items():
        if train_config.get(key):
            train_config[key] = _last_parts(train_config[key], parts)
    return {**info, "train_config": train_config, "exported_from": _last_parts(checkpoint, 2)}


def run_export(args: argparse.Namespace) -> int:
    """Re-save a checkpoint in a smaller dtype with the adapter's default sampling values."""
    import json

    import torch

    from interanimate.pipeline import CHECKPOINT_INFO, InterAnimatePipeline
    from interanimate.training.config import parse_overrides

    pipeline = InterAnimatePipeline.from_checkpoint(args.checkpoint)
    pipeline.to(dtype=getattr(torch, args.dtype))
    info = json.loads((args.checkpoint / CHECKPOINT_INFO).read_text())
    info["inference"] = {**info.get("inference", {}), **parse_overrides(args.inference, "--inference")}
    pipeline.save_checkpoint(args.destination, shippable_info(info, args.checkpoint))
    print(f"exported {args.checkpoint} to {args.destination} ({args.dtype})")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """The commands ``interhf-bench`` gains from this package."""
    train = commands.add_parser("train", help="train InterAnimate from a YAML config (accelerate)")
    add_train_arguments(train)
    from interanimate.ablate import add_ablate_arguments

    ablate = commands.add_parser(
        "ablate", help="InterAnimate's Table 2: evaluate (or train) the five variants"
    )
    add_ablate_arguments(ablate)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="interanimate",
        description="Train InterAnimate and export checkpoints (benchmark commands: interhf-bench).",
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of a failure (also INTERHF_BENCH_DEBUG=1)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    add_train_arguments(commands.add_parser("train", help="train InterAnimate from a YAML config"))
    add_export_arguments(
        commands.add_parser("export", help="re-save a checkpoint for shipping (dtype, defaults)")
    )
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except EXPECTED_FAILURES as exc:
        if debug_requested(args.debug):
            raise
        print(f"interanimate: error: {describe_failure(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
