"""``interhf-bench data validate``: check a dataset root against every rule of the format and protocol.

Every violation is collected (none stops the check), each naming the file, the manifest line, the
video and the field, so one run tells a user everything to fix.

Rules, for every row: schema; unique video id; paths relative and inside the root; files exist;
sha256 matches; the video decodes completely with the row's frame count, fps and size; keypoints are
``(num_frames, 133, 3)`` floats with scores in [0, 1] (and an optional ``contact`` array is
``(num_frames, 2)`` face-part indices); masks are bool ``(num_frames, H, W)``.
For rows of the ``test`` split, also: frame count, fps and size equal the protocol's; every protocol
class is present with exactly ``videos_per_class`` videos from distinct subjects.
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from interhf_bench.data.arrays import (
    ArrayFileError,
    load_contact,
    load_identity,
    load_keypoints,
    load_masks,
)
from interhf_bench.data.manifest import MANIFEST_NAME, ManifestRow, Violation, parse_manifest, resolve_in_root
from interhf_bench.io.files import sha256_file
from interhf_bench.io.video import VideoError, probe_video, read_video
from interhf_bench.protocol.spec import ProtocolSpec

FPS_TOLERANCE = 1e-3


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate_dataset`."""

    root: Path
    manifest: Path
    protocol: ProtocolSpec
    num_rows: int
    num_test_rows: int
    violations: list[Violation]

    @property
    def ok(self) -> bool:
        return not self.violations


def validate_dataset(
    root: str | os.PathLike[str],
    protocol: ProtocolSpec,
    *,
    manifest_name: str = MANIFEST_NAME,
    check_hashes: bool = True,
    decode: bool = True,
    progress: bool = False,
    complete_test_split: bool = True,
) -> ValidationReport:
    """Check ``root`` against the dataset format and ``protocol``; return every violation found.

    ``complete_test_split=False`` accepts a test split that is only part of the protocol's (a prepared
    sample of recordings): the per-class count is not checked, every other rule is.
    """
    root = Path(root)
    manifest = root / manifest_name
    numbered_rows, violations = parse_manifest(manifest)
    seen: dict[str, int] = {}
    for line, row in numbered_rows:
        if row.video_id in seen:
            message = f"duplicate video_id (first on line {seen[row.video_id]})"
            violations.append(Violation(str(manifest), message, "video_id", line, row.video_id))
        seen.setdefault(row.video_id, line)

    rows = tqdm(numbered_rows, desc="validate", unit="video", disable=not progress)
    for line, row in rows:
        report = _row_reporter(violations, manifest, line, row)
        if row.split == "test":
            _check_protocol_values(row, protocol, report)
        _check_video(root, row, report, check_hashes=check_hashes, decode=decode)
        _check_arrays(root, row, report, check_hashes=check_hashes)

    test_rows = [(line, row) for line, row in numbered_rows if row.split == "test"]
    violations.extend(_check_test_split(manifest, test_rows, protocol, complete=complete_test_split))
    return ValidationReport(root, manifest, protocol, len(numbered_rows), len(test_rows), violations)


def check_rows_for_run(
    root: str | os.PathLike[str], rows: Sequence[ManifestRow], protocol: ProtocolSpec, manifest: Path
) -> list[Violation]:
    """The rules a run depends on, for the rows it will use: the protocol's frame count, fps and size, and
    each video's header and array files agreeing with them (no hashing, no full decode: fast enough to
    run before every run, so a bad row stops it before anything is generated)."""
    root = Path(root)
    violations: list[Violation] = []
    for row in rows:
        report = _row_reporter(violations, manifest, None, row)
        _check_protocol_values(row, protocol, report)
        _check_video(root, row, report, check_hashes=False, decode=False)
        _check_arrays(root, row, report, check_hashes=False)
    return violations


Reporter = Callable[..., None]


def _row_reporter(
    violations: list[Violation], manifest: Path, line: int | None, row: ManifestRow
) -> Reporter:
    def report(message: str, field: str | None = None, file: str | os.PathLike[str] | None = None) -> None:
        violations.append(Violation(str(file or manifest), message, field, line, row.video_id))

    return report


def _check_protocol_values(row: ManifestRow, protocol: ProtocolSpec, report: Reporter) -> None:
    if row.num_frames != protocol.num_frames:
        report(
            f"{row.num_frames} frames, protocol {protocol.id} requires {protocol.num_frames}", "num_frames"
        )
    if not math.isclose(row.fps, protocol.fps, abs_tol=FPS_TOLERANCE):
        report(f"fps {row.fps:g}, protocol {protocol.id} requires {protocol.fps:g}", "fps")
    if (row.height, row.width) != (protocol.height, protocol.width):
        required = f"{protocol.height}x{protocol.width}"
        report(
            f"size {row.height}x{row.width} (HxW), protocol {protocol.id} requires {required}", "height/width"
        )


def _resolve(root: Path, relative: str, field: str, report: Reporter) -> Path | None:
    try:
        path = resolve_in_root(root, relative)
    except ValueError as exc:
        report(str(exc), field)
        return None
    if not path.is_file():
        report(f"file not found: {relative}", field, path)
        return None
    return path


def _check_hash(path: Path, expected: str | None, field: str, report: Reporter) -> None:
    if expected is None:
        return
    actual = sha256_file(path)
    if actual != expected:
        report(f"sha256 mismatch: manifest says {expected}, file has {actual}", field, path)


def _check_video(root: Path, row: ManifestRow, report: Reporter, *, check_hashes: bool, decode: bool) -> None:
    path = _resolve(root, row.path, "path", report)
    if path is None:
        return
    if check_hashes:
        _check_hash(path, row.sha256, "sha256", report)
    try:
        info = probe_video(path)
        if not math.isclose(info.fps, row.fps, abs_tol=FPS_TOLERANCE):
            report(f"video runs at {info.fps:g} fps, manifest says {row.fps:g}", "fps", path)
        if (info.height, info.width) != (row.height, row.width):
            actual = f"{info.height}x{info.width}"
            report(f"video is {actual} (HxW), manifest says {row.height}x{row.width}", "height/width", path)
        num_frames = len(read_video(path)) if decode else info.num_frames
    except VideoError as exc:
        report(exc.problem, "path", path)
        return
    if num_frames != row.num_frames:
        report(f"video has {num_frames} frames, manifest says {row.num_frames}", "num_frames", path)


def _check_arrays(root: Path, row: ManifestRow, report: Reporter, *, check_hashes: bool) -> None:
    def check_pose(path: Path) -> None:
        _check_keypoints_in_frame(load_keypoints(path, row.num_frames), row, report, path)
        load_contact(path, row.num_frames)

    def check_masks(path: Path) -> None:
        load_masks(path, (row.num_frames, row.height, row.width))

    files = (
        ("pose", row.pose_path, row.pose_sha256, check_pose),
        ("mask", row.mask_path, row.mask_sha256, check_masks),
        ("identity", row.identity_path, row.identity_sha256, load_identity),
    )
    for kind, relative, digest, check in files:
        if relative is None:
            continue
        path = _resolve(root, relative, f"{kind}_path", report)
        if path is None:
            continue
        if check_hashes:
            _check_hash(path, digest, f"{kind}_sha256", report)
        try:
            check(path)
        except ArrayFileError as exc:
            report(exc.problem, f"{kind}_path", path)


def _check_keypoints_in_frame(keypoints: np.ndarray, row: ManifestRow, report: Reporter, path: Path) -> None:
    """Confident points must lie in the frame: a sign of keypoints measured on another resolution."""
    confident = keypoints[..., 2] > 0
    xs, ys = keypoints[..., 0][confident], keypoints[..., 1][confident]
    margin = 0.05 * max(row.height, row.width)
    outside = (xs < -margin) | (xs > row.width + margin) | (ys < -margin) | (ys > row.height + margin)
    if outside.any():
        report(
            f"{int(outside.sum())} keypoints with score > 0 lie outside the {row.height}x{row.width} frame "
            "(keypoints must be in pixel coordinates of the video)",
            "pose_path",
            path,
        )


def _check_test_split(
    manifest: Path, test_rows: list[tuple[int, ManifestRow]], protocol: ProtocolSpec, *, complete: bool = True
) -> list[Violation]:
    violations: list[Violation] = []
    by_class: dict[str, list[tuple[int, ManifestRow]]] = defaultdict(list)
    for line, row in test_rows:
        by_class[row.interaction].append((line, row))
    for code in protocol.classes:
        members = by_class.get(code, [])
        if complete and len(members) != protocol.videos_per_class:
            message = (
                f"class {code} has {len(members)} test videos, protocol {protocol.id} requires "
                f"{protocol.videos_per_class}"
            )
            violations.append(Violation(str(manifest), message, "class"))
        first_line: dict[str, int] = {}
        for line, row in members:
            if row.subject_id in first_line:
                message = (
                    f"subject {row.subject_id!r} appears twice in class {code} "
                    f"(also line {first_line[row.subject_id]}); test subjects must be distinct within a class"
                )
                violations.append(Violation(str(manifest), message, "subject_id", line, row.video_id))
            first_line.setdefault(row.subject_id, line)
    for code in sorted(set(by_class) - set(protocol.classes)):
        message = f"class {code} is not part of protocol {protocol.id}"
        violations.append(
            Violation(str(manifest), message, "class", by_class[code][0][0], by_class[code][0][1].video_id)
        )
    return violations
