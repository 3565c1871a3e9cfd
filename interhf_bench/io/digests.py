"""File digests remembered between runs, so a warm run checks large files without reading them again.

A digest is reused only while the file's stat (absolute path, size, mtime_ns, ctime_ns, inode) is exactly
the one it was computed under; any write, replacement or rename changes one of them and the file is
hashed again. The store is a small JSON file written atomically. One that cannot be read or does not
have the expected form is ignored as a whole and rebuilt from fresh hashes, never partly trusted.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from interhf_bench.io.files import sha256_file, write_text_atomic

logger = logging.getLogger(__name__)


class FileStamp(BaseModel):
    """What must be unchanged for a remembered digest to still describe the file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stamp: FileStamp
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class _Store(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    files: dict[str, _Entry] = {}


def file_stamp(path: Path) -> FileStamp:
    """The stat fields that change whenever the file's content can have changed."""
    stat = path.stat()
    return FileStamp(
        size=stat.st_size, mtime_ns=stat.st_mtime_ns, ctime_ns=stat.st_ctime_ns, inode=stat.st_ino
    )


class DigestCache:
    """sha256 of files, remembered in ``store`` by absolute path and :class:`FileStamp` (one thread)."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self._entries = _read_store(store).files
        self._new: dict[str, _Entry] = {}

    def sha256(self, path: Path) -> str:
        """The file's sha256: remembered when its stamp is unchanged, else read and remembered."""
        key = str(Path(path).resolve())
        stamp = file_stamp(Path(key))
        entry = self._new.get(key) or self._entries.get(key)
        if entry is not None and entry.stamp == stamp:
            return entry.sha256
        digest = sha256_file(key)
        if file_stamp(Path(key)) == stamp:  # not written to while it was read
            self._new[key] = _Entry(stamp=stamp, sha256=digest)
        return digest

    def save(self) -> None:
        """Write the new digests atomically, merged with what other processes saved meanwhile; entries of
        files that are gone or changed are dropped. A store that cannot be written only costs a rehash."""
        if not self._new:
            return
        merged = {**_read_store(self.store).files, **self._new}
        current = {key: entry for key, entry in merged.items() if _still_matches(key, entry)}
        try:
            write_text_atomic(self.store, _Store(files=current).model_dump_json() + "\n")
        except OSError as exc:
            logger.warning("cannot save file digests to %s (%s); the next run hashes again", self.store, exc)
            return
        self._entries, self._new = current, {}


def _read_store(path: Path) -> _Store:
    """The saved digests, or none when the file is absent, unreadable or not in the expected form."""
    try:
        return _Store.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return _Store()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValidationError) as exc:
        logger.warning("ignoring the file digest store %s (%s); files are hashed again", path, exc)
        return _Store()


def _still_matches(key: str, entry: _Entry) -> bool:
    try:
        return file_stamp(Path(key)) == entry.stamp
    except OSError:
        return False
