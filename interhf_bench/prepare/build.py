"""``data prepare``: raw videos + labels CSV -> a dataset in the benchmark's layout for one protocol.

Per video: resample to the protocol's fps and frame count, detect keypoints with the chosen pose backend,
cut a person-centred crop of the protocol's aspect ratio and resize it, map the keypoints into it, derive
the hand and face masks, embed the reference frame's face with ArcFace, and write the video, the arrays
and a manifest row with every file's sha256.

Resumable: each finished video leaves ``.prepare/<video_id>.json`` (its manifest row and the settings
that made it); a rerun skips videos whose row and files are intact and were made with the same settings.
A video that fails (too short, unreadable, no person) is reported with its reason in
``prepare_report.json`` and left out of the manifest; the other videos are kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from interhf_bench import __version__
from interhf_bench.data.arrays import save_identity, save_keypoints, save_masks
from interhf_bench.data.info import DatasetInfo, read_info, write_info
from interhf_bench.data.manifest import MANIFEST_NAME, ManifestRow, manifest_hash, write_manifest
from interhf_bench.face.identity import FaceIdentity
from interhf_bench.io.files import sha256_file, write_text_atomic
from interhf_bench.io.video import VideoError, probe_video, read_video, write_video
from interhf_bench.pose.backends.base import PoseBackend
from interhf_bench.pose.masks import hand_face_masks
from interhf_bench.prepare.geometry import (
    DEFAULT_MARGIN,
    PrepareError,
    crop_frames,
    crop_keypoints,
    person_crop,
    resample_indices,
)
from interhf_bench.prepare.labels import Label
from interhf_bench.protocol.spec import ProtocolSpec

CREATED_BY = "interhf-bench data prepare"
STATE_DIR = ".prepare"
REPORT_NAME = "prepare_report.json"
FOLDERS = ("videos", "poses", "masks", "identity")


@dataclass
class PrepareReport:
    """What happened to each labelled video."""

    prepared: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    no_face: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "prepared": self.prepared,
            "resumed": self.resumed,
            "failed": self.failed,
            "no_face_in_reference": self.no_face,
        }


def prepare_dataset(
    labels: list[Label],
    out: Path,
    protocol: ProtocolSpec,
    pose: PoseBackend,
    identity: FaceIdentity | None,
    *,
    margin: float = DEFAULT_MARGIN,
    encoding: str = "lossless",
    progress: bool = True,
) -> PrepareReport:
    """Prepare every labelled video into ``out``; returns what was prepared, resumed and why others failed."""
    settings = {
        "protocol": protocol.id,
        "pose": pose.settings,
        "identity": identity.settings if identity else None,
        "margin": margin,
        "encoding": encoding,
        "interhf_bench_version": __version__,
    }
    _claim_root(out, protocol, settings)
    for name in (*FOLDERS, STATE_DIR):
        (out / name).mkdir(parents=True, exist_ok=True)
    report = PrepareReport()
    rows: list[ManifestRow] = []
    for label in tqdm(labels, desc=f"prepare {protocol.id}", unit="video", disable=not progress):
        row = _finished(out, label, settings)
        if row is not None:
            report.resumed.append(label.video_id)
        else:
            try:
                row = _prepare_one(label, out, protocol, pose, identity, margin, encoding, progress)
            except (PrepareError, VideoError, OSError) as exc:
                report.failed[label.video_id] = f"{label.video}: {exc}"
                continue
            state = {"row": row.to_json(), "settings": settings, "source": str(label.video)}
            write_text_atomic(out / STATE_DIR / f"{label.video_id}.json", json.dumps(state, indent=1) + "\n")
            report.prepared.append(label.video_id)
        if row.identity_path is None and identity is not None:
            report.no_face.append(label.video_id)
        rows.append(row)
    if rows:
        write_manifest(out / MANIFEST_NAME, rows)
        info = read_info(out)
        assert info is not None
        write_info(out, info.model_copy(update={"manifest_sha256": manifest_hash(rows)}))
    write_text_atomic(out / REPORT_NAME, json.dumps(report.to_json(), indent=2) + "\n")
    return report


def _claim_root(out: Path, protocol: ProtocolSpec, settings: dict[str, Any]) -> None:
    """Start a new prepared dataset in ``out``, or resume one made with the same protocol."""
    info = read_info(out) if out.exists() else None
    if info is None:
        if out.exists() and any(out.iterdir()):
            raise FileExistsError(f"{out} holds other files; prepare into an empty or new folder")
        out.mkdir(parents=True, exist_ok=True)
        info = DatasetInfo(
            protocol=protocol.id, protocol_hash=protocol.hash, created_by=CREATED_BY, parameters=settings
        )
        write_info(out, info)
        return
    if info.created_by != CREATED_BY or info.protocol != protocol.id:
        raise FileExistsError(
            f"{out} already holds a dataset for {info.protocol} made by {info.created_by!r}; "
            "prepare into a new folder"
        )
    write_info(out, info.model_copy(update={"parameters": settings}))


def _finished(out: Path, label: Label, settings: dict[str, Any]) -> ManifestRow | None:
    """The stored row of a video finished earlier with the same settings and intact files, else None."""
    state_path = out / STATE_DIR / f"{label.video_id}.json"
    if not state_path.is_file():
        return None
    state = json.loads(state_path.read_text())
    if state.get("settings") != settings or state.get("source") != str(label.video):
        return None
    row = ManifestRow.model_validate(state["row"])
    if (row.interaction, row.subject_id, row.split) != (label.interaction, label.subject_id, label.split):
        return None
    pairs = [(row.path, row.sha256), (row.pose_path, row.pose_sha256), (row.mask_path, row.mask_sha256)]
    if row.identity_path:
        pairs.append((row.identity_path, row.identity_sha256))
    for relative, digest in pairs:
        path = out / str(relative)
        if not path.is_file() or sha256_file(path) != digest:
            return None
    return row


def _prepare_one(
    label: Label,
    out: Path,
    protocol: ProtocolSpec,
    pose: PoseBackend,
    identity: FaceIdentity | None,
    margin: float,
    encoding: str,
    progress: bool,
) -> ManifestRow:
    info = probe_video(label.video)
    indices = resample_indices(info.fps, info.num_frames, protocol.fps, protocol.num_frames, label.start)
    raw = read_video(label.video, indices)
    raw_keypoints = pose.video(raw, progress=progress)
    size = (protocol.height, protocol.width)
    box = person_crop(raw_keypoints, raw.shape[1:3], protocol.width / protocol.height, margin)
    frames = crop_frames(raw, box, size)
    keypoints = crop_keypoints(raw_keypoints, box, size)
    hand, face = hand_face_masks(keypoints, size, source_size=size)

    paths = {
        name: out / name / f"{label.video_id}.{'mp4' if name == 'videos' else 'npz'}" for name in FOLDERS
    }
    write_video(paths["videos"], frames, protocol.fps, encoding=encoding)
    save_keypoints(paths["poses"], keypoints)
    save_masks(paths["masks"], hand, face)
    identity_path = None
    paths["identity"].unlink(missing_ok=True)
    if identity is not None:
        face_result = identity.embed(frames[protocol.reference_frame])
        if face_result.found:
            assert face_result.embedding is not None
            identity_path = save_identity(paths["identity"], face_result.embedding)

    def relative(path: Path) -> str:
        return path.relative_to(out).as_posix()

    return ManifestRow(
        video_id=label.video_id,
        interaction=label.interaction,
        subject_id=label.subject_id,
        split=label.split,  # type: ignore[arg-type]
        path=relative(paths["videos"]),
        fps=protocol.fps,
        num_frames=protocol.num_frames,
        height=protocol.height,
        width=protocol.width,
        sha256=sha256_file(paths["videos"]),
        pose_path=relative(paths["poses"]),
        pose_sha256=sha256_file(paths["poses"]),
        mask_path=relative(paths["masks"]),
        mask_sha256=sha256_file(paths["masks"]),
        identity_path=relative(identity_path) if identity_path else None,
        identity_sha256=sha256_file(identity_path) if identity_path else None,
        pose_backend=pose.name,
    )
