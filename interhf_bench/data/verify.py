"""Ground-truth files checked against the manifest's sha256 before a run or a score reads them.

``data validate`` hashes every file once; a run and ``score`` read the same files again later, when a
video may have been swapped or another video's pose file copied in. :func:`verify_rows` checks every file
a row lists with a sha256 (video, pose, mask, identity) and stops with a :class:`DatasetError` naming the
file, the manifest, the expected and the actual hash. Digests are remembered under the cache folder by
each file's stat (:mod:`interhf_bench.io.digests`), so a warm run stats files instead of reading them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from interhf_bench.data.dataset import Dataset
from interhf_bench.data.manifest import DatasetError, ManifestRow, Violation
from interhf_bench.io.digests import DigestCache
from interhf_bench.paths import cache_dir

DIGESTS_FILE = "file-digests.json"
# (path field, hash field) of every file a row can list.
HASHED_FILES = (
    ("path", "sha256"),
    ("pose_path", "pose_sha256"),
    ("mask_path", "mask_sha256"),
    ("identity_path", "identity_sha256"),
)


@dataclass(frozen=True)
class VerifiedFile:
    """A ground-truth file whose content had the manifest's sha256 when it was checked.

    Only :func:`verify_rows` makes these, so code that takes one (the feature cache) cannot key anything
    on a hash that was merely written in the manifest.
    """

    path: Path
    sha256: str


def default_digests() -> DigestCache:
    """The digest store shared by every run and score of this user: ``<cache>/file-digests.json``."""
    return DigestCache(cache_dir() / DIGESTS_FILE)


def verify_rows(
    dataset: Dataset, rows: Iterable[ManifestRow], *, digests: DigestCache | None = None
) -> dict[str, VerifiedFile]:
    """Check every file of ``rows`` that the manifest lists with a sha256; return each row's video.

    Raises:
        DatasetError: one violation per file that is missing, outside the root or has another hash.
    """
    digests = digests or default_digests()
    violations: list[Violation] = []
    videos: dict[str, VerifiedFile] = {}
    for row in rows:
        for path_field, hash_field, relative, expected in _hashed_files(row):
            verified = _verify_file(dataset, row, relative, expected, (path_field, hash_field), digests)
            if isinstance(verified, Violation):
                violations.append(verified)
            elif path_field == "path":
                videos[row.video_id] = verified
    digests.save()
    if violations:
        raise DatasetError(violations)
    return videos


def _hashed_files(row: ManifestRow) -> Iterator[tuple[str, str, str, str]]:
    """``(path field, hash field, relative path, expected sha256)`` of each file listed with a hash."""
    for path_field, hash_field in HASHED_FILES:
        relative, expected = getattr(row, path_field), getattr(row, hash_field)
        if relative is not None and expected is not None:
            yield path_field, hash_field, relative, expected


def _verify_file(
    dataset: Dataset,
    row: ManifestRow,
    relative: str,
    expected: str,
    fields: tuple[str, str],
    digests: DigestCache,
) -> VerifiedFile | Violation:
    """The verified file, or the violation that says why it cannot be used."""
    path_field, hash_field = fields
    manifest = dataset.manifest_path
    try:
        path = dataset.path(relative)
        actual = digests.sha256(path)
    except ValueError as exc:
        return Violation(str(manifest), str(exc), path_field, video_id=row.video_id)
    except OSError as exc:
        return Violation(str(manifest), f"cannot read {relative} ({exc})", path_field, video_id=row.video_id)
    if actual != expected:
        message = f"sha256 mismatch: {manifest} says {expected}, the file has {actual}"
        return Violation(str(path), message, hash_field, video_id=row.video_id)
    return VerifiedFile(path, actual)
