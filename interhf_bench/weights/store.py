"""The local weights folder: find, verify, import and download registry files.

A file whose checksum does not match the registry is refused. A user who must use such a file (or a
file the registry has no checksum for) opts in explicitly; the store then records it as unverified and
every result computed with it says so.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from tqdm import tqdm

from interhf_bench.io.files import atomic_path, write_text_atomic
from interhf_bench.paths import cache_dir
from interhf_bench.weights.registry import WeightFile

WEIGHTS_ENV = "INTERHF_BENCH_WEIGHTS"
UNVERIFIED_DIR = ".unverified"


class WeightsError(RuntimeError):
    """A weight file is missing or fails its checksum; the message says how to fix it."""


class Status(str, Enum):
    VERIFIED = "verified"
    MISSING = "missing"
    MISMATCH = "checksum mismatch"
    UNVERIFIED = "unverified (accepted by the user)"


@dataclass(frozen=True)
class ResolvedWeight:
    """A file ready to load, with what is known about it (written into results)."""

    entry: WeightFile
    path: Path
    sha256: str
    verified: bool

    @property
    def provenance(self) -> dict[str, object]:
        """What every metric's settings record about its weights."""
        return {"weights": self.entry.name, "weights_sha256": self.sha256, "weights_verified": self.verified}


def weights_dir() -> Path:
    """``$INTERHF_BENCH_WEIGHTS`` or ``<cache>/weights``."""
    override = os.environ.get(WEIGHTS_ENV)
    return Path(override).expanduser() if override else cache_dir() / "weights"


def file_digests(path: Path) -> tuple[str, str]:
    """``(sha256, git blob id)`` of a file in one read."""
    sha256 = hashlib.sha256()
    blob = hashlib.sha1(f"blob {path.stat().st_size}\0".encode(), usedforsecurity=False)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha256.update(chunk)
            blob.update(chunk)
    return sha256.hexdigest(), blob.hexdigest()


def matches(entry: WeightFile, path: Path) -> tuple[bool, str]:
    """Whether the file has the registry checksum, and its sha256."""
    sha256, blob = file_digests(path)
    if entry.sha256 is not None:
        return sha256 == entry.sha256, sha256
    if entry.git_blob is not None:
        return blob == entry.git_blob, sha256
    return False, sha256


def _marker(root: Path, entry: WeightFile) -> Path:
    return root / UNVERIFIED_DIR / f"{entry.name}.json"


def status(entry: WeightFile, root: Path | None = None) -> tuple[Status, str | None]:
    """The state of a registry file in the weights folder, and its sha256 when present."""
    root = root or weights_dir()
    path = root / entry.path
    if not path.is_file():
        return Status.MISSING, None
    ok, sha256 = matches(entry, path)
    if ok:
        return Status.VERIFIED, sha256
    marker = _marker(root, entry)
    if marker.is_file() and json.loads(marker.read_text()).get("sha256") == sha256:
        return Status.UNVERIFIED, sha256
    return Status.MISMATCH, sha256


def _expected(entry: WeightFile) -> str:
    if entry.sha256 is not None:
        return f"registry sha256 {entry.sha256} does not match"
    if entry.git_blob is not None:
        return f"registry git blob {entry.git_blob} does not match"
    return "the registry has no checksum for this file"


def how_to_get(entry: WeightFile) -> str:
    if entry.url:
        return f"interhf-bench weights download {entry.name}"
    return f"get it from {entry.source}, then: interhf-bench weights import {entry.name} FILE"


def resolve(entry: WeightFile, *, allow_unverified: bool = False, root: Path | None = None) -> ResolvedWeight:
    """The path of a usable file, or :class:`WeightsError` saying what is wrong and how to fix it."""
    root = root or weights_dir()
    state, sha256 = status(entry, root)
    path = root / entry.path
    if state is Status.MISSING:
        raise WeightsError(f"{entry.name} ({entry.used_by}) not found at {path}; {how_to_get(entry)}")
    if state is Status.MISMATCH and not allow_unverified:
        raise WeightsError(
            f"{path}: {_expected(entry)}, file sha256 {sha256}. Replace it, or accept it with `interhf-bench "
            f"weights import {entry.name} {path} --allow-unverified` (results then say 'unverified')"
        )
    assert sha256 is not None
    return ResolvedWeight(entry, path, sha256, verified=state is Status.VERIFIED)


def import_file(
    entry: WeightFile, source: Path, *, allow_unverified: bool = False, root: Path | None = None
) -> ResolvedWeight:
    """Copy a user-supplied file into the weights folder after checking it."""
    root = root or weights_dir()
    source = Path(source)
    if not source.is_file():
        raise WeightsError(f"{source}: file not found")
    ok, sha256 = matches(entry, source)
    if not ok and not allow_unverified:
        raise WeightsError(
            f"{source} (sha256 {sha256}) for {entry.name}: {_expected(entry)}; --allow-unverified accepts it"
        )
    target = root / entry.path
    if source.resolve() != target.resolve():
        with atomic_path(target) as tmp:
            shutil.copyfile(source, tmp)
    if not ok:
        write_text_atomic(_marker(root, entry), json.dumps({"sha256": sha256, "source": str(source)}) + "\n")
    return ResolvedWeight(entry, target, sha256, verified=ok)


def download(entry: WeightFile, *, root: Path | None = None, progress: bool = True) -> ResolvedWeight:
    """Fetch a file from its official URL (or extract it from the official archive) and verify it."""
    root = root or weights_dir()
    if not entry.url:
        raise WeightsError(f"{entry.name} has no direct download; {how_to_get(entry)}")
    with tempfile.TemporaryDirectory(dir=_existing_parent(root)) as tmp:
        fetched = Path(tmp) / "download"
        _fetch(entry.url, fetched, progress=progress, label=entry.name)
        if entry.archive_member is not None:
            if entry.archive_sha256 and file_digests(fetched)[0] != entry.archive_sha256:
                raise WeightsError(
                    f"{entry.url}: archive checksum does not match the registry; not extracted"
                )
            fetched = _extract_member(fetched, entry.archive_member, Path(tmp) / "member")
        return import_file(entry, fetched, root=root)


def _existing_parent(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    return root


def _fetch(url: str, target: Path, *, progress: bool, label: str) -> None:
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(target, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=label, disable=not progress) as bar:
                for chunk in iter(lambda: response.read(1 << 20), b""):
                    out.write(chunk)
                    bar.update(len(chunk))
    except OSError as exc:
        raise WeightsError(f"download of {url} failed: {exc}") from exc


def _extract_member(archive: Path, member: str, target: Path) -> Path:
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as bundle:
            try:
                with bundle.open(member) as handle, open(target, "wb") as out:
                    shutil.copyfileobj(handle, out)
            except KeyError:
                raise WeightsError(f"{archive}: archive has no member {member}") from None
        return target
    with tarfile.open(archive) as tar:
        try:
            info = tar.getmember(member)
        except KeyError:
            raise WeightsError(f"{archive}: archive has no member {member}") from None
        handle = tar.extractfile(info)
        if handle is None:
            raise WeightsError(f"{archive}: member {member} is not a regular file")
        with handle, open(target, "wb") as out:
            shutil.copyfileobj(handle, out)
    return target
