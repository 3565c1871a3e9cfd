"""Read access to a dataset root: rows, frames, keypoints and masks by video id.

Loading is lazy (a 180-video set is never held in memory) and strict: a missing or malformed file is
an error naming the file, never a substitute. Reads do not check hashes: run ``data validate`` for the
full check up front, and :func:`interhf_bench.data.verify.verify_rows` before reading rows later (as
``score`` does).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from interhf_bench.data.arrays import load_contact, load_identity, load_keypoints, load_masks
from interhf_bench.data.info import DatasetInfo, read_info
from interhf_bench.data.manifest import MANIFEST_NAME, DatasetError, ManifestRow, Violation, load_manifest
from interhf_bench.data.manifest import resolve_in_root as _resolve
from interhf_bench.io.video import read_video


class Dataset:
    """The rows of one manifest in a dataset root, optionally restricted to a split."""

    def __init__(
        self, root: str | os.PathLike[str], *, manifest: str = MANIFEST_NAME, split: str | None = None
    ):
        self.root = Path(root)
        self.manifest_path = self.root / manifest
        rows = load_manifest(self.manifest_path)
        self.rows: list[ManifestRow] = [row for row in rows if split is None or row.split == split]
        self._by_id = {row.video_id: row for row in self.rows}
        duplicates = sorted(vid for vid, n in Counter(r.video_id for r in self.rows).items() if n > 1)
        if duplicates:
            where = str(self.manifest_path)
            raise DatasetError(
                [Violation(where, "duplicate video_id", "video_id", video_id=d) for d in duplicates]
            )
        self.info: DatasetInfo | None = read_info(self.root)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[ManifestRow]:
        return iter(self.rows)

    def row(self, video_id: str) -> ManifestRow:
        try:
            return self._by_id[video_id]
        except KeyError:
            raise KeyError(f"video {video_id!r} is not in {self.manifest_path}") from None

    def path(self, relative: str) -> Path:
        """Absolute path of a manifest path, refusing paths that escape the root."""
        return _resolve(self.root, relative)

    def frames(self, video_id: str, indices: list[int] | None = None) -> np.ndarray:
        """``(T, H, W, 3)`` uint8 RGB frames of the ground-truth video."""
        return read_video(self.path(self.row(video_id).path), indices)

    def keypoints(self, video_id: str) -> np.ndarray:
        """``(num_frames, 133, 3)`` keypoints in pixel coordinates of the video."""
        row = self.row(video_id)
        if row.pose_path is None:
            raise FileNotFoundError(f"{self.manifest_path}: video {video_id} has no pose_path")
        return load_keypoints(self.path(row.pose_path), row.num_frames)

    def contact(self, video_id: str) -> np.ndarray | None:
        """The true contact ``(num_frames, 2)`` of the pose file (see ``data.arrays``), ``None`` if absent."""
        row = self.row(video_id)
        return None if row.pose_path is None else load_contact(self.path(row.pose_path), row.num_frames)

    def masks(self, video_id: str) -> tuple[np.ndarray, np.ndarray]:
        """``(hand, face)`` bool ``(num_frames, H, W)``: from the mask file, else derived from keypoints."""
        row = self.row(video_id)
        if row.mask_path is not None:
            return load_masks(self.path(row.mask_path), (row.num_frames, row.height, row.width))
        from interhf_bench.pose.masks import hand_face_masks

        size = (row.height, row.width)
        return hand_face_masks(self.keypoints(video_id), size, source_size=size)

    def identity(self, video_id: str) -> np.ndarray | None:
        """The reference face's ``(512,)`` ArcFace embedding, or ``None`` when the dataset has none."""
        row = self.row(video_id)
        return None if row.identity_path is None else load_identity(self.path(row.identity_path))
