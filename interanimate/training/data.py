"""Training clips from a dataset in the benchmark's layout (docs/dataset-format.md).

A sample mirrors one inference window: position 0 is a reference frame drawn at random from the video
(its own pose image and mask, its frame as target), followed by ``clip_length - 1`` consecutive frames
from a random start. Pose images are rendered in MimicMotion's style, masks come from the keypoints (the
scorer's hand and face boxes), and the identity is the dataset's ArcFace vector or the stand-in.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset as TorchDataset

from interanimate.conditioning import to_unit_range
from interanimate.identity import identity_for
from interhf_bench.data.dataset import Dataset
from interhf_bench.data.manifest import ManifestRow
from interhf_bench.pose.masks import hand_face_masks
from interhf_bench.pose.render import render_pose_video


class InteractionClips(TorchDataset):
    """``clips_per_video`` random clips per video and epoch, drawn from ``(seed, epoch, index)`` alone."""

    def __init__(
        self,
        root: str | Path,
        *,
        split: str | None = "train",
        clip_length: int = 16,
        clips_per_video: int = 1,
        seed: int = 0,
    ):
        self.dataset = Dataset(root, split=split)
        if len(self.dataset) == 0:
            where = f"split {split!r} of " if split else ""
            raise ValueError(f"no videos in {where}{self.dataset.manifest_path}")
        short = [row.video_id for row in self.dataset if row.num_frames < clip_length]
        if short:
            raise ValueError(
                f"{self.dataset.manifest_path}: {len(short)} videos have fewer than {clip_length} frames "
                f"(first: {short[0]}); lower clip_length"
            )
        self.rows = list(self.dataset)
        self.clip_length = clip_length
        self.clips_per_video = clips_per_video
        self.seed = seed
        self.epoch = 0  # set by the training loop before each pass
        self._cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def __len__(self) -> int:
        return len(self.rows) * self.clips_per_video

    def _video(self, video_id: str) -> tuple[np.ndarray, np.ndarray]:
        if video_id not in self._cache:  # small sets (the synthetic one) stay decoded in memory
            self._cache[video_id] = (self.dataset.frames(video_id), self.dataset.keypoints(video_id))
        return self._cache[video_id]

    def _clip(self, index: int) -> tuple[ManifestRow, np.ndarray, np.ndarray, list[int]]:
        """The video's frames and keypoints and the clip's frame order: reference first, then a run."""
        row = self.rows[index % len(self.rows)]
        frames, keypoints = self._video(row.video_id)
        count = len(frames)
        rng = np.random.default_rng((self.seed, self.epoch, index))
        reference = int(rng.integers(count))
        start = int(rng.integers(count - self.clip_length + 2))
        return row, frames, keypoints, [reference, *range(start, start + self.clip_length - 1)]

    def clip_frames(self, index: int) -> torch.Tensor:
        """Only the frames of clip ``index`` (the autoencoder phase needs nothing else)."""
        _, frames, _, order = self._clip(index)
        return to_unit_range(frames[order])

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        row, frames, keypoints, order = self._clip(index)
        size = (row.height, row.width)
        clip_keypoints = keypoints[order]
        hand, face = hand_face_masks(clip_keypoints, size, source_size=size)
        poses = render_pose_video(clip_keypoints, row.height, row.width, source_size=size)
        identity = identity_for(frames[order[0]], keypoints[order[0]], self.dataset.identity(row.video_id))
        return {
            "frames": to_unit_range(frames[order]),
            "pose_images": to_unit_range(poses),
            "hand_mask": torch.from_numpy(hand),
            "face_mask": torch.from_numpy(face),
            "identity": torch.from_numpy(identity),
        }
