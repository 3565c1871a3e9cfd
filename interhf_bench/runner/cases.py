"""From a dataset row to the :class:`Case` a method receives, and which cases a run covers."""

from __future__ import annotations

from collections.abc import Sequence

from interhf_bench.adapters.api import Case
from interhf_bench.data.dataset import Dataset
from interhf_bench.data.manifest import ManifestRow
from interhf_bench.naming import lookup
from interhf_bench.protocol.spec import ProtocolSpec
from interhf_bench.seeding import derive_seed


def case_seed(global_seed: int, video_id: str) -> int:
    """Depends only on the run's seed and the video: not on order, batching or sharding."""
    return derive_seed(global_seed, video_id)


def build_case(
    dataset: Dataset, row: ManifestRow, protocol: ProtocolSpec, global_seed: int, *, with_ground_truth: bool
) -> Case:
    """The reference frame, the driving poses of the target frames and the case's seed."""
    targets = list(protocol.target_frames)
    keypoints = dataset.keypoints(row.video_id)
    return Case(
        video_id=row.video_id,
        interaction=row.interaction,
        reference=dataset.frames(row.video_id, [protocol.reference_frame])[0],
        reference_pose=keypoints[protocol.reference_frame],
        poses=keypoints[targets],
        num_frames=len(targets),
        fps=protocol.fps,
        height=protocol.height,
        width=protocol.width,
        seed=case_seed(global_seed, row.video_id),
        identity=dataset.identity(row.video_id),
        ground_truth=dataset.frames(row.video_id, targets) if with_ground_truth else None,
    )


def select_rows(
    dataset: Dataset,
    *,
    classes: Sequence[str] | None = None,
    video_ids: Sequence[str] | None = None,
    limit: int | None = None,
) -> list[ManifestRow]:
    """The test rows a run covers, in manifest order: optional class and id filters, then the first ``limit``.

    Unknown class codes or video ids are errors (with a "did you mean"), not silently empty runs.
    """
    rows = [row for row in dataset if row.split == "test"]
    if classes:
        present = {row.interaction: row.interaction for row in rows}
        wanted = {lookup(present, code, "interaction class in this dataset") for code in classes}
        rows = [row for row in rows if row.interaction in wanted]
    if video_ids:
        by_id = {row.video_id: row for row in rows}
        wanted_ids = {lookup(by_id, video_id, "test video id").video_id for video_id in video_ids}
        rows = [row for row in rows if row.video_id in wanted_ids]
    if limit is not None:
        if limit < 1:
            raise ValueError(f"--limit must be at least 1, got {limit}")
        rows = rows[:limit]
    return rows
