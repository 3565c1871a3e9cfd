"""The main job, ``interhf-bench run --method interanimate``, timed as a user runs it, and sampling variants.

Each variant is the whole command in its own process (``--method-args`` appended), into a fresh folder:
its wall time, the generation and scoring phases from ``run_meta.json``, the spread of seconds per video
(first and last against the mean: growth from video to video would show there), and the headline metrics.
The embedded dataset is rendered first, outside the timing.

    python benchmarks/bench_main_job.py                                      # the default, all 36 videos
    python benchmarks/bench_main_job.py --limit 6 --variant "" --variant num_inference_steps=7
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from interhf_bench.runner.distributed import ProcessGroup, Shard
from interhf_bench.runner.run import ensure_embedded_dataset

METRICS = ("ssim", "psnr", "l1", "fvd")


def run_variant(method_args: str, limit: int | None, out: Path) -> dict[str, object]:
    """One ``interhf-bench run`` in a subprocess: wall seconds, phases, per-video spread, metrics."""
    command = [sys.executable, "-m", "interhf_bench", "run", "--method", "interanimate", "--out", str(out)]
    command += ["--no-progress"] + (["--limit", str(limit)] if limit else [])
    command += ["--method-args", *method_args.split()] if method_args.strip() else []
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    run_dir = out / "interanimate" / "interhf-mini-v1"
    meta = json.loads((run_dir / "run_meta.json").read_text())
    overall = json.loads((run_dir / "metrics.json").read_text())["overall"]
    records = sorted((run_dir / "videos").glob("*.json"), key=lambda p: json.loads(p.read_text())["started"])
    seconds = [json.loads(p.read_text())["generate_seconds"] for p in records]
    return {
        "wall_s": wall,
        "generate_s": meta["timings"]["generate"],
        "score_s": meta["timings"]["score"],
        "videos": len(seconds),
        "s_per_video": sum(seconds) / len(seconds),
        "first_last_s": (seconds[0], seconds[-1]),
        **{name: overall.get(name, {}).get("value") for name in METRICS},
    }


def row(method_args: str, result: dict[str, object]) -> str:
    first, last = result["first_last_s"]
    values = " | ".join("n/a" if result[m] is None else f"{result[m]:.4g}" for m in METRICS)
    timings = f"{result['wall_s']:.1f} | {result['generate_s']:.1f} | {result['score_s']:.1f}"
    per_video = f"{result['s_per_video']:.2f} ({first:.1f} .. {last:.1f})"
    return f"| {method_args or 'default'} | {result['videos']} | {timings} | {per_video} | {values} |"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, help="the first N test videos (default: all)")
    parser.add_argument(
        "--variant", action="append", help="--method-args of one variant, space-separated ('' = default)"
    )
    args = parser.parse_args()
    ensure_embedded_dataset(ProcessGroup(Shard()), progress=True)
    print(
        "| method args | videos | wall s | generate s | score s | s / video (first .. last) | "
        + " | ".join(METRICS)
        + " |"
    )
    print("|" + "---|" * (6 + len(METRICS)))
    for method_args in args.variant or [""]:
        with tempfile.TemporaryDirectory(prefix="interhf-main-job-") as out:
            print(row(method_args, run_variant(method_args, args.limit, Path(out))), flush=True)


if __name__ == "__main__":
    main()
