"""Throughput of ``score`` against a straightforward DisCo-style pipeline, on the same data, same run.

The DisCo-style pipeline does what DisCo's ``gen_eval.sh`` does for SSIM, PSNR and L1: dump every
generated and ground-truth frame as a PNG into two flat folders, then loop over the file pairs one
image at a time (``cv2.imread``, resize, grey, scikit-image SSIM, float64 PSNR, L1). ``score`` decodes
each video once and computes the metrics per video (and the region metrics on top). Both must give
the same numbers; the script checks that and prints a markdown table for ``docs/benchmarks.md``.

    python benchmarks/bench_score.py [--videos 6] [--protocol interhf-v1]

``--full`` measures the whole metric set instead (every network, the detector metrics, cold and warm
ground-truth cache; ``bench_score_full.py``):

    python benchmarks/bench_score.py --full [--videos 2] [--no-detectors]
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
from disco_style import dump_frames, pixel_metrics

from interhf_bench.data.dataset import Dataset
from interhf_bench.data.manifest import ManifestRow
from interhf_bench.io.video import write_video
from interhf_bench.protocol import get_protocol
from interhf_bench.scoring.score import score
from interhf_bench.synth.build import synthesize_dataset


def make_predictions(
    dataset: Dataset, targets: list[int], out: Path, fps: float, rows: list[ManifestRow] | None = None
) -> None:
    """Generated videos: the ground truth a frame late, blurred and brightened (like a soft generator);
    for ``rows`` (default: every video)."""
    for row in dataset if rows is None else rows:
        frames = np.roll(dataset.frames(row.video_id, targets), 1, axis=0)
        frames = np.stack([cv2.GaussianBlur(f, (5, 5), 1.2) for f in frames]).astype(int)
        frames = np.clip(frames + 6, 0, 255).astype(np.uint8)
        write_video(out / f"{row.video_id}.mp4", frames, fps)


def disco_style(
    dataset: Dataset, targets: list[int], pred: Path, work: Path
) -> tuple[dict[str, float], float, float]:
    """PNG dump then per-image loop, as DisCo; returns (metrics, dump seconds, metric seconds)."""
    start = time.perf_counter()
    gen_dir, gt_dir = dump_frames(dataset, targets, pred, work)
    dumped = time.perf_counter()
    values = pixel_metrics(gen_dir, gt_dir)
    return values, dumped - start, time.perf_counter() - dumped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=6, help="test videos (one class each)")
    parser.add_argument("--protocol", default="interhf-v1")
    parser.add_argument("--workers", type=int, default=2, help="score's decode/pixel-metric threads")
    parser.add_argument("--full", action="store_true", help="every metric network and detector")
    parser.add_argument("--no-detectors", action="store_true", help="--full without the detector metrics")
    args = parser.parse_args()
    if args.full:
        from bench_score_full import report, run_full

        print(report(run_full(args.videos, args.protocol, args.workers, detectors=not args.no_detectors)))
        return
    base = get_protocol(args.protocol)
    protocol = replace(base, id=f"{base.id}-bench", classes=base.classes[: args.videos], videos_per_class=1)
    targets = list(protocol.target_frames)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        synthesize_dataset(root / "data", protocol, progress=False)
        dataset = Dataset(root / "data")
        make_predictions(dataset, targets, root / "videos", protocol.fps)
        timings = {}
        for workers in (1, args.workers):
            start = time.perf_counter()
            ours = score(dataset, protocol, root / "videos", progress=False, workers=workers)
            timings[workers] = time.perf_counter() - start
        reference, dump_seconds, loop_seconds = disco_style(dataset, targets, root / "videos", root / "disco")
    frames = len(dataset) * len(targets)
    for name, value in reference.items():
        assert abs(ours.overall[name].value - value) <= 1e-9 * max(1.0, abs(value)), (
            name,
            ours.overall[name].value,
            value,
        )
    disco_seconds = dump_seconds + loop_seconds
    machine = platform.processor() or platform.machine()
    same = ", ".join(f"{name} {value:.6g}" for name, value in reference.items())
    print(f"{frames} frame pairs at {protocol.height}x{protocol.width} on {machine}; same numbers: {same}\n")
    rows = [
        ("DisCo-style (PNG dump + per-image loop)", disco_seconds),
        ("DisCo-style, metric loop only (dump excluded)", loop_seconds),
        *(
            (f"`score --workers {workers}` (decode once; + 9 region metrics, bootstrap CIs)", seconds)
            for workers, seconds in timings.items()
        ),
    ]
    print("| pipeline | seconds | frames/s | speed-up vs DisCo-style |")
    print("|---|---|---|---|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.2f} | {frames / seconds:.1f} | {disco_seconds / seconds:.2f}x |")


if __name__ == "__main__":
    main()
