"""Peak memory of ``score`` against the number of videos: it must stay flat (frames are streamed).

Synthesizes an ``interhf-v1``-sized test set (18 classes, full-size 640x384 videos of 48 target frames)
with the most videos asked for, makes "generated" videos for them, and runs ``interhf-bench score`` in its
own process on the first 18, 54, ... of them (``--video-ids``), reading each process's peak resident
memory. Without downloaded weights the networks are left out (``--metrics``), so the run measures what
grows with the videos: decoded frames, per-video values and the scoring state.

    python benchmarks/bench_score_memory.py [--counts 18,54,180] [--workers 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench_score import make_predictions

from interhf_bench.data.dataset import Dataset
from interhf_bench.protocol import get_protocol
from interhf_bench.synth.build import synthesize_dataset

METRICS = "ssim,psnr,l1,regions"
PEAK_PROBE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def peak_memory_mib(command: list[str]) -> float:
    """Peak resident memory of ``command`` in MiB (measured by a fresh probe process around it)."""
    probe = subprocess.run(
        [sys.executable, "-c", PEAK_PROBE, *command], check=True, capture_output=True, text=True
    )
    return int(probe.stdout.split()[-1]) / 1024


def score_command(data: Path, pred: Path, out: Path, video_ids: list[str], workers: int) -> list[str]:
    return [
        sys.executable, "-m", "interhf_bench", "score", "--data", str(data), "--pred", str(pred),
        "--out", str(out), "--metrics", METRICS, "--hand-detector", "none", "--workers", str(workers),
        "--no-progress", "--video-ids", *video_ids,
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="18,54,180", help="numbers of videos to score, comma-separated")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    counts = sorted(int(count) for count in args.counts.split(","))
    base = get_protocol("interhf-v1")
    per_class = -(-counts[-1] // len(base.classes))
    protocol = replace(base, videos_per_class=per_class)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        synthesize_dataset(root / "data", protocol, workers=args.workers, progress=False)
        dataset = Dataset(root / "data")
        make_predictions(dataset, list(protocol.target_frames), root / "videos", protocol.fps)
        ids = _interleaved_by_class(dataset)
        print(f"`score --metrics {METRICS}` on full-size {protocol.height}x{protocol.width} videos\n")
        print("| videos | peak resident memory, MiB | seconds |")
        print("|---|---|---|")
        for count in counts:
            start = time.perf_counter()
            command = score_command(
                root / "data", root / "videos", root / f"m{count}.json", ids[:count], args.workers
            )
            peak = peak_memory_mib(command)
            print(f"| {count} | {peak:.0f} | {time.perf_counter() - start:.0f} |", flush=True)


def _interleaved_by_class(dataset: Dataset) -> list[str]:
    """Test video ids ordered so that every prefix of 18 holds one video of each class."""
    by_class: dict[str, list[str]] = {}
    for row in dataset:
        if row.split == "test":
            by_class.setdefault(row.interaction, []).append(row.video_id)
    rounds = max(len(ids) for ids in by_class.values())
    return [ids[i] for i in range(rounds) for ids in by_class.values() if i < len(ids)]


if __name__ == "__main__":
    main()
