"""``interhf-bench ablate``: the paper's Table 2 from the five InterAnimate variants.

Each variant is evaluated with the same protocol, data and seed into its own run directory
(``OUT/runs/<variant>/interanimate/<protocol>/``), then ``OUT/table2.md`` is written in the paper's layout
with the paper's reported Table 2 rows below the measured ones, and the full leaderboard into
``OUT/leaderboard/`` (both when the ``leaderboard`` package, which holds the paper's numbers, is installed).
Checkpoints come from ``--checkpoints DIR`` (``DIR/<variant>/`` or ``DIR/<variant>/final/``), or are
trained first with ``--train --config FILE``: one config, each variant changing its one switch, same seed
and data order; the tiny preset's autoencoder phase runs once and is shared. With neither, the ablation
checkpoints shipped in the package (``interanimate/checkpoints/tiny-ablation/``) are evaluated when it
has them; otherwise the command says what to pass.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
from pathlib import Path
from typing import Any

from interanimate.ablations import LABELS, VARIANTS, variant_switches

SHIPPED_ABLATION = Path(__file__).resolve().parent / "checkpoints" / "tiny-ablation"

TABLE2_METRICS = (
    ("fid", "FID ↓", "{:.2f}"),
    ("ssim", "SSIM ↑", "{:.3f}"),
    ("psnr", "PSNR ↑", "{:.2f}"),
    ("lpips", "LPIPS ↓", "{:.3f}"),
    ("l1", "L1 ↓", "{:.2E}"),
    ("fid_vid", "FID-VID ↓", "{:.2f}"),
    ("fvd", "FVD ↓", "{:.2f}"),
)


def add_ablate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("runs/ablation"), help="output root")
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--checkpoints",
        type=Path,
        help="folder with one checkpoint folder per variant (default: the package's, when it ships them)",
    )
    source.add_argument("--train", action="store_true", help="train the variants first (needs --config)")
    parser.add_argument("--config", help="training config for --train (a path, or tiny.yaml)")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="training config overrides")
    parser.add_argument("--data", type=Path, help="evaluation dataset (default: the embedded synthetic set)")
    parser.add_argument("--protocol", help="protocol (default: from the dataset)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--limit", type=int, help="only the first N test videos (smoke runs)")
    parser.add_argument("--method-args", nargs="*", default=[], metavar="KEY=VALUE", help="sampling settings")
    parser.add_argument("--no-progress", action="store_true")
    parser.set_defaults(handler=run_ablate)


def find_checkpoint(root: Path, variant: str) -> Path:
    for candidate in (root / variant / "final", root / variant):
        if (candidate / "model").is_dir():
            return candidate
    raise FileNotFoundError(
        f"no checkpoint for variant {variant!r}: expected {root / variant}/(final/)model/"
    )


def checkpoint_root(given: Path | None, variants: list[str], shipped: Path = SHIPPED_ABLATION) -> Path:
    """``--checkpoints``, else the package's shipped ablation checkpoints; says what to pass when neither."""
    if given is not None:
        return given
    if all((shipped / variant / "model").is_dir() for variant in variants):
        return shipped
    raise ValueError(
        f"no ablation checkpoints ship with this package (looked in {shipped}); pass --checkpoints DIR "
        f"with one trained checkpoint folder per variant ({', '.join(variants)}), or --train --config "
        "tiny.yaml to train the variants first (hours on a CPU; benchmarks/gpu_check.py trains all five "
        "on a GPU)"
    )


def train_variants(
    config_path: str, overrides: list[str], variants: list[str], out: Path, progress: bool
) -> dict[str, Path]:
    """Train every variant from one config; the first variant's tiny VAE is reused by the others."""
    from interanimate.training.config import load_config, parse_overrides
    from interanimate.training.loop import train

    base = load_config(config_path, parse_overrides(overrides))
    checkpoints: dict[str, Path] = {}
    shared_vae: Path | None = None
    for variant in variants:
        output = out / "train" / variant
        model = {**base.model, **variant_switches(variant, base.model)}
        config = base.model_copy(update={"model": model, "output_dir": str(output)})
        if shared_vae is not None and not (output / "vae").exists():
            shutil.copytree(shared_vae, output / "vae")
        checkpoints[variant] = train(config, progress=progress)
        if base.vae_steps and shared_vae is None:
            shared_vae = output / "vae"
    return checkpoints


def table2_markdown(rows: list[tuple[str, dict]]) -> str:
    """Rows ``(variant, metrics.json content)`` in the paper's Table 2 layout; missing values are dashes."""
    header = ["Variant", "Videos", *(label for _, label, _ in TABLE2_METRICS)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for variant, metrics in rows:
        overall = metrics.get("overall", {})
        cells = [LABELS[variant], f"{metrics.get('n_evaluated')} / {metrics.get('n_expected')}"]
        for key, _, fmt in TABLE2_METRICS:
            value = (overall.get(key) or {}).get("value")
            cells.append("–" if value is None else fmt.format(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def paper_table2() -> list[Any]:
    """The paper's reported Table 2 rows (``leaderboard`` entries), or none without that package."""
    try:
        entries = importlib.import_module("leaderboard.entries")
    except ImportError:
        return []
    return entries.paper_rows("table2")


def reported_markdown(reported: list[Any], protocol: str) -> str:
    """The paper's rows in Table 2's columns, each value exactly as printed, under their own heading.

    They are never merged into the measured table: on another protocol they are not comparable, and on
    the same one they are shown for reading against, not ranked.
    """
    if not reported:
        return ""
    theirs = reported[0].protocol
    same = theirs == protocol
    relation = (
        "not ranked with the measured rows" if same else f"not comparable with the rows above ({protocol})"
    )
    header = ["Variant", "Kind", *(label for _, label, _ in TABLE2_METRICS)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for entry in reported:
        cells = [LABELS[entry.variant], entry.kind]
        for key, _, fmt in TABLE2_METRICS:
            value = entry.values.get(key)
            cells.append("–" if value is None else entry.printed.get(key) or fmt.format(value))
        lines.append("| " + " | ".join(cells) + " |")
    source = f"{reported[0].provenance['paper']}, {reported[0].provenance['table']}"
    return f"## Reported (paper): {source}, protocol {theirs}; {relation}\n\n" + "\n".join(lines) + "\n"


def run_ablate(args: argparse.Namespace) -> int:
    from interhf_bench.io.files import write_text_atomic
    from interhf_bench.runner.run import RunConfig, parse_method_args, run_method

    progress = not args.no_progress
    order = [variant for variant in VARIANTS if variant in args.variants]
    if args.train:
        if not args.config:
            raise ValueError("ablate --train needs --config (for example tiny.yaml)")
        checkpoints = train_variants(args.config, args.set, order, args.out, progress)
    else:
        root = checkpoint_root(args.checkpoints, order)
        checkpoints = {variant: find_checkpoint(root, variant) for variant in order}
    sampling = parse_method_args(args.method_args)
    rows = []
    run_dirs = []
    for variant in order:
        config = RunConfig(
            method="interanimate",
            out=args.out / "runs" / variant,
            data=args.data,
            protocol=args.protocol,
            limit=args.limit,
            method_args={**sampling, "checkpoint": str(checkpoints[variant])},
            device=args.device,
            seed=args.seed,
            progress=progress,
        )
        outcome = run_method(config)
        run_dirs.append(outcome.run_dir)
        rows.append((variant, json.loads((outcome.run_dir / "metrics.json").read_text())))
    protocol = rows[0][1].get("protocol", "?")
    text = f"# InterAnimate ablation (Table 2 layout), protocol {protocol}\n\n{table2_markdown(rows)}\n"
    reported = reported_markdown(paper_table2(), protocol)
    text += f"\n{reported}" if reported else ""
    write_text_atomic(args.out / "table2.md", text)
    print(text)
    try:
        build = importlib.import_module("leaderboard.build")
    except ImportError:
        return 0
    build.write_leaderboard(run_dirs, args.out / "leaderboard")
    print(f"leaderboard: {args.out / 'leaderboard' / 'leaderboard.md'}")
    return 0
