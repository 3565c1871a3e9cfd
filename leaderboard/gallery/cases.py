"""One case's pictures: the reference frame, the driving pose, the ground truth and each run's output.

The pose is rendered as the SVD-family methods see it (:mod:`interhf_bench.pose.render`). Outputs are
read as ``score`` reads them (exact frame count and size); one that is missing or unreadable is shown as
such, with the reason, never replaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from interhf_bench.data.dataset import Dataset
from interhf_bench.pose.render import render_pose_video
from interhf_bench.protocol.spec import ProtocolSpec
from interhf_bench.scoring.predictions import PredictionError, find_prediction, load_prediction
from leaderboard.gallery.runs import GalleryRun


@dataclass
class CaseMedia:
    video_id: str
    interaction: str
    reference: np.ndarray  # (H, W, 3) the reference frame the methods were given
    pose: np.ndarray  # (T, H, W, 3) the driving pose of the target frames
    ground_truth: np.ndarray  # (T, H, W, 3) the target frames
    outputs: list[np.ndarray | None]  # per run: its (T, H, W, 3) frames, None when unusable
    problems: list[str | None]  # per run: why there are no frames

    def rows(self) -> list[tuple[str, np.ndarray | None]]:
        """``(source, frames)`` of the videos, in the page's column order (outputs as ``run<i>``)."""
        named = [("pose", self.pose), ("ground-truth", self.ground_truth)]
        return named + [(f"run{index}", frames) for index, frames in enumerate(self.outputs)]


def read_output(
    run: GalleryRun, video_id: str, protocol: ProtocolSpec
) -> tuple[np.ndarray | None, str | None]:
    """A run's frames of one case, or why it has none."""
    try:
        path = find_prediction(run.videos, video_id)
        if path is None:
            return None, "no video"
        return load_prediction(path, protocol.num_target_frames, (protocol.height, protocol.width)), None
    except PredictionError as exc:
        return None, str(exc)


def load_case(
    dataset: Dataset, protocol: ProtocolSpec, video_id: str, runs: Sequence[GalleryRun]
) -> CaseMedia:
    row = dataset.row(video_id)
    targets = list(protocol.target_frames)
    keypoints = dataset.keypoints(video_id)[targets]
    size = (protocol.height, protocol.width)
    outputs = [read_output(run, video_id, protocol) for run in runs]
    return CaseMedia(
        video_id=video_id,
        interaction=row.interaction,
        reference=dataset.frames(video_id, [protocol.reference_frame])[0],
        pose=render_pose_video(keypoints, *size, source_size=(row.height, row.width)),
        ground_truth=dataset.frames(video_id, targets),
        outputs=[frames for frames, _ in outputs],
        problems=[problem for _, problem in outputs],
    )
