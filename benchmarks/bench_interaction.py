"""What the interaction metrics add to ``score``, per video, next to the rest of it.

Same data for every row: the first ``--videos`` test videos of the embedded synthetic set and the
``pose-warp`` method's videos for them (generated frames that differ from the ground truth). ``score``
runs four times in this process, each time from scratch except for the cache named:

1. SSIM, PSNR, L1 and their region versions (no detector);
2. + hand pose (the offline MediaPipe detector on the generated frames): ``score`` without weights;
3. + interaction fidelity, ground-truth detections not cached yet (the first score of a dataset);
4. + interaction fidelity, ground-truth detections read from the cache (every later score).

It prints a markdown table for docs/benchmarks.md: seconds per video and each row against row 2.

    python benchmarks/bench_interaction.py [--videos 12] [--work DIR]
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

from interhf_bench.adapters.pose_warp import PoseWarp
from interhf_bench.data.dataset import Dataset
from interhf_bench.io.video import write_video
from interhf_bench.metrics.hand_fidelity import HandPoseFidelity
from interhf_bench.metrics.interaction import InteractionFidelity
from interhf_bench.pose.backends import get_pose_backend
from interhf_bench.pose.backends.shared import SharedBackend
from interhf_bench.protocol import INTERHF_MINI_V1
from interhf_bench.runner.cases import build_case
from interhf_bench.scoring.feature_cache import FeatureCache
from interhf_bench.scoring.metric_set import MetricSet
from interhf_bench.scoring.score import accumulate, build_metrics_file
from interhf_bench.synth.build import synthesize_dataset


def predictions(dataset: Dataset, count: int, out: Path) -> list[str]:
    """``pose-warp`` videos of the first ``count`` test videos; their ids."""
    rows = [row for row in dataset if row.split == "test"][:count]
    method = PoseWarp()
    for row in rows:
        case = build_case(dataset, row, INTERHF_MINI_V1, 0, with_ground_truth=False)
        write_video(out / f"{row.video_id}.mp4", method.generate(case), INTERHF_MINI_V1.fps)
    return [row.video_id for row in rows]


def timed(
    dataset: Dataset, pred: Path, ids: list[str], metrics: MetricSet, cache: FeatureCache | None
) -> float:
    """Seconds of scoring ``ids`` (one thread), metrics.json included."""
    start = time.perf_counter()
    state = accumulate(
        dataset, INTERHF_MINI_V1, pred, metrics, video_ids=ids, cache=cache, progress=False, workers=1
    )
    build_metrics_file(state, dataset, INTERHF_MINI_V1, pred, metrics)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=12)
    parser.add_argument("--work", type=Path, default=Path("/tmp/interhf-bench-interaction"))
    args = parser.parse_args()
    root = args.work / "mini"
    synthesize_dataset(root, INTERHF_MINI_V1, progress=False)
    pred = args.work / "pose-warp"
    dataset = Dataset(root)
    ids = predictions(dataset, args.videos, pred)
    backend = SharedBackend(get_pose_backend("mediapipe"))
    hands = HandPoseFidelity(backend)
    interaction = MetricSet(detector_metrics=[hands], paired_metrics=[InteractionFidelity(backend)])
    cache = FeatureCache(args.work / "features")
    rows = {
        "SSIM, PSNR, L1 + regions": timed(dataset, pred, ids, MetricSet(), None),
        "+ hand pose (MediaPipe)": timed(dataset, pred, ids, MetricSet(detector_metrics=[hands]), None),
        "+ interaction, ground truth detected": timed(dataset, pred, ids, interaction, cache),
        "+ interaction, ground truth cached": timed(dataset, pred, ids, interaction, cache),
    }
    base = rows["+ hand pose (MediaPipe)"]
    print(f"{len(ids)} videos of {INTERHF_MINI_V1.id}, {platform.processor() or platform.machine()}\n")
    print("| score computes | s / video | vs. hand pose row |")
    print("|---|---|---|")
    for name, seconds in rows.items():
        print(f"| {name} | {seconds / len(ids):.2f} | {seconds / base:.2f}x |")


if __name__ == "__main__":
    main()
