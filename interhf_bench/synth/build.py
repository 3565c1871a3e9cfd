"""``interhf-bench data synth``: write a synthetic dataset in the dataset format for a protocol.

Layout: ``videos/<id>.mp4`` (lossless by default), ``poses/<id>.npz``, ``masks/<id>.npz``,
``manifest.jsonl`` and ``dataset.json``. Everything is a function of the seed: a subject's appearance
comes from ``derive_seed(seed, "subject", index)``, a video's motion from ``derive_seed(seed, video_id)``.
A rerun into the same folder with the same parameters keeps finished videos (resume); different
parameters are refused unless ``overwrite`` is set.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from interhf_bench import __version__
from interhf_bench.data.arrays import save_keypoints, save_masks
from interhf_bench.data.info import DatasetInfo, read_info, write_info
from interhf_bench.data.manifest import MANIFEST_NAME, ManifestRow, manifest_hash, write_manifest
from interhf_bench.io.files import sha256_file
from interhf_bench.io.video import write_video
from interhf_bench.pose.masks import hand_face_masks
from interhf_bench.protocol.spec import ProtocolSpec
from interhf_bench.protocol.taxonomy import get_class
from interhf_bench.seeding import derive_seed

GENERATOR = "interhf-bench data synth"


@dataclass(frozen=True)
class SynthJob:
    """One video to render: everything a worker process needs."""

    video_id: str
    interaction: str
    subject_index: int
    split: str
    seed: int
    num_frames: int
    height: int
    width: int
    fps: float
    encoding: str


def plan_jobs(
    protocol: ProtocolSpec,
    *,
    seed: int,
    train_per_class: int = 0,
    num_subjects: int | None = None,
    encoding: str,
) -> list[SynthJob]:
    """The videos of a synthetic dataset: ``videos_per_class`` test (+ ``train_per_class`` train) per class.

    Subjects rotate through a pool of ``num_subjects`` (default: 3 x videos per class), so each subject
    appears in several classes but never twice in one class.
    """
    per_class = protocol.videos_per_class + train_per_class
    pool = num_subjects if num_subjects is not None else 3 * per_class
    if pool < per_class:
        raise ValueError(
            f"num_subjects={pool} is fewer than the {per_class} distinct subjects each class needs"
        )
    jobs = []
    for class_index, code in enumerate(protocol.classes):
        for i in range(per_class):
            video_id = f"{code}_{i:02d}"
            jobs.append(
                SynthJob(
                    video_id=video_id,
                    interaction=code,
                    subject_index=(class_index * per_class + i) % pool,
                    split="test" if i < protocol.videos_per_class else "train",
                    seed=derive_seed(seed, video_id),
                    num_frames=protocol.num_frames,
                    height=protocol.height,
                    width=protocol.width,
                    fps=protocol.fps,
                    encoding=encoding,
                )
            )
    return jobs


def _paths(root: Path, video_id: str) -> tuple[Path, Path, Path]:
    return (
        root / "videos" / f"{video_id}.mp4",
        root / "poses" / f"{video_id}.npz",
        root / "masks" / f"{video_id}.npz",
    )


def render_job(root: Path, job: SynthJob, dataset_seed: int) -> ManifestRow:
    """Render and write one video with its keypoints and masks (skipped if all three exist)."""
    from interhf_bench.synth.identity import sample_identity
    from interhf_bench.synth.render import render_video

    video_path, pose_path, mask_path = _paths(root, job.video_id)
    if not (video_path.is_file() and pose_path.is_file() and mask_path.is_file()):
        identity = sample_identity(derive_seed(dataset_seed, "subject", job.subject_index))
        video = render_video(
            get_class(job.interaction),
            identity,
            num_frames=job.num_frames,
            height=job.height,
            width=job.width,
            seed=job.seed,
        )
        size = (job.height, job.width)
        hand, face = hand_face_masks(video.keypoints, size, source_size=size)
        save_keypoints(pose_path, video.keypoints, video.contact)
        save_masks(mask_path, hand, face)
        write_video(video_path, video.frames, job.fps, encoding=job.encoding)
    return ManifestRow(
        video_id=job.video_id,
        interaction=job.interaction,
        subject_id=f"synth-{job.subject_index:03d}",
        split=job.split,
        path=video_path.relative_to(root).as_posix(),
        fps=job.fps,
        num_frames=job.num_frames,
        height=job.height,
        width=job.width,
        sha256=sha256_file(video_path),
        pose_path=pose_path.relative_to(root).as_posix(),
        pose_sha256=sha256_file(pose_path),
        mask_path=mask_path.relative_to(root).as_posix(),
        mask_sha256=sha256_file(mask_path),
    )


def synthesize_dataset(
    root: str | os.PathLike[str],
    protocol: ProtocolSpec,
    *,
    seed: int = 0,
    train_per_class: int = 0,
    num_subjects: int | None = None,
    encoding: str = "lossless",
    workers: int = 1,
    overwrite: bool = False,
    progress: bool = True,
) -> DatasetInfo:
    """Write a synthetic dataset for ``protocol`` into ``root`` and return its ``dataset.json`` content."""
    root = Path(root)
    parameters: dict[str, Any] = {
        "seed": seed,
        "train_per_class": train_per_class,
        "num_subjects": num_subjects,
        "encoding": encoding,
        "generator_version": __version__,
    }
    _prepare_root(root, protocol, parameters, overwrite)
    info = DatasetInfo(
        protocol=protocol.id, protocol_hash=protocol.hash, created_by=GENERATOR, parameters=parameters
    )
    write_info(root, info)  # written first so an interrupted run is recognised and resumed
    jobs = plan_jobs(
        protocol, seed=seed, train_per_class=train_per_class, num_subjects=num_subjects, encoding=encoding
    )
    bar = tqdm(total=len(jobs), desc=f"synth {protocol.id}", unit="video", disable=not progress)
    rows: list[ManifestRow] = []
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for row in pool.map(render_job, [root] * len(jobs), jobs, [seed] * len(jobs)):
                rows.append(row)
                bar.update()
    else:
        for job in jobs:
            rows.append(render_job(root, job, seed))
            bar.update()
    bar.close()
    write_manifest(root / MANIFEST_NAME, rows)
    info = info.model_copy(update={"manifest_sha256": manifest_hash(rows)})
    write_info(root, info)
    return info


def _prepare_root(root: Path, protocol: ProtocolSpec, parameters: dict[str, Any], overwrite: bool) -> None:
    """Refuse to mix two different synthetic sets (or anything else) in one folder."""
    if not root.exists() or not any(root.iterdir()):
        root.mkdir(parents=True, exist_ok=True)
        return
    info = read_info(root)
    same = (
        info is not None
        and info.created_by == GENERATOR
        and info.protocol == protocol.id
        and info.parameters == parameters
    )
    if same:
        return  # resume: finished videos are kept
    if not overwrite:
        what = "a different synthetic dataset" if info and info.created_by == GENERATOR else "other files"
        raise FileExistsError(f"{root} already holds {what}; choose an empty folder or pass --overwrite")
    if info is None or info.created_by != GENERATOR:
        raise FileExistsError(
            f"{root} is not a synthetic dataset folder; refusing to delete it with --overwrite"
        )
    for name in ("videos", "poses", "masks"):
        shutil.rmtree(root / name, ignore_errors=True)
    for name in (MANIFEST_NAME, "dataset.json"):
        (root / name).unlink(missing_ok=True)
