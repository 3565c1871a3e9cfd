"""Claiming a case, so that several processes can work on one run folder without doing a case twice.

Processes started independently (a Slurm array, two terminals, several machines on a shared filesystem)
all run the same command into the same folder. Before a case is generated its ``<video_id>.lock`` is
created with an exclusive create, which exactly one process can win; the lock records the owner's host,
pid and start time and is removed when the case's record is written. A lock is stale, and taken over,
when its owner is a process of this host that no longer exists or when it is older than
``stale_after`` seconds (an owner on another host that died, or hangs). Taking over renames the stale
lock away first, which again exactly one process can do.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_STALE_AFTER = 6 * 3600.0  # seconds: longer than any one case of the published methods
UNREADABLE_GRACE = 10.0  # seconds a lock may stay unreadable (its creator still writing it)


@dataclass(frozen=True)
class Owner:
    """Who holds a lock."""

    host: str
    pid: int
    since: float  # time.time() when the lock was taken

    @staticmethod
    def me() -> Owner:
        return Owner(socket.gethostname(), os.getpid(), time.time())

    @property
    def is_this_process(self) -> bool:
        return (self.host, self.pid) == (socket.gethostname(), os.getpid())


def lock_path(video_path: Path) -> Path:
    return video_path.with_suffix(".lock")


def try_claim(video_path: Path, stale_after: float = DEFAULT_STALE_AFTER) -> bool:
    """Claim the case of ``video_path`` for this process; False when another live process holds it."""
    lock = lock_path(video_path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(2):  # a second try after taking over a stale lock
        if _create(lock):
            return True
        owner = read_owner(lock)
        if owner is None and _age(lock) < UNREADABLE_GRACE:
            return False  # being written by the process that just created it
        if owner is not None and not is_stale(owner, stale_after):
            return False
        _move_aside(lock)
    return False


def release(video_path: Path) -> None:
    """Remove this process's lock of the case (a lock another process took over is left alone)."""
    lock = lock_path(video_path)
    owner = read_owner(lock)
    if owner is not None and owner.is_this_process:
        lock.unlink(missing_ok=True)


def read_owner(lock: Path) -> Owner | None:
    """The lock's owner; None when it vanished or is unreadable (a half-written lock is not an owner)."""
    try:
        return Owner(**json.loads(lock.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def is_stale(owner: Owner, stale_after: float) -> bool:
    """The owner is a dead process of this host, or the lock is older than ``stale_after`` seconds."""
    if time.time() - owner.since > stale_after:
        return True
    return owner.host == socket.gethostname() and not _alive(owner.pid)


def held_elsewhere(video_path: Path, stale_after: float = DEFAULT_STALE_AFTER) -> bool:
    """Another live process holds the case's lock."""
    lock = lock_path(video_path)
    owner = read_owner(lock)
    if owner is None:
        return lock.exists() and _age(lock) < UNREADABLE_GRACE
    return not owner.is_this_process and not is_stale(owner, stale_after)


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")


def _create(lock: Path) -> bool:
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(asdict(Owner.me()), handle)
    return True


def _move_aside(lock: Path) -> None:
    """Rename a stale (or unreadable) lock away and delete it; losing the race to another process is fine."""
    aside = lock.with_name(f".{lock.name}.{uuid.uuid4().hex}.stale")
    try:
        os.rename(lock, aside)
    except FileNotFoundError:
        return
    aside.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True
