"""How a command's failure reaches its user: one or two lines naming the file and the fix, exit status 1.

Every failure a user can cause or meet (bad data, a missing or refused file, a full disk, a folder that is
not writable, a bad method name or argument) is reported this way; the traceback is shown only with
``--debug`` or ``INTERHF_BENCH_DEBUG=1``, for bugs.
"""

from __future__ import annotations

import errno
import os
import pickle

DEBUG_ENV = "INTERHF_BENCH_DEBUG"
RESUME_HINT = "finished cases are kept; rerun the same command to resume"


class CommandError(Exception):
    """A user-facing failure: printed without a traceback, exit status 1."""


EXPECTED_FAILURES: tuple[type[BaseException], ...] = (
    CommandError,
    OSError,
    KeyError,
    ValueError,
    RuntimeError,
    pickle.UnpicklingError,
)

_OS_HINTS = {
    errno.ENOSPC: "the disk is full: free space (or choose another --out) and rerun",
    errno.EDQUOT: "the disk quota is exhausted: free space (or choose another --out) and rerun",
    errno.EACCES: "permission denied: choose a folder you can write to (--out) or fix its permissions",
    errno.EPERM: "operation not permitted: choose a folder you can write to (--out) or fix its permissions",
    errno.EROFS: "the file system is read-only: choose another folder (--out)",
}


def debug_requested(flag: bool) -> bool:
    """``--debug`` or ``INTERHF_BENCH_DEBUG=1``: let the traceback through."""
    return flag or os.environ.get(DEBUG_ENV, "") not in ("", "0")


def describe_failure(exc: BaseException) -> str:
    """The failure in one line: for an OS error the file, what happened and what to do."""
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        hint = _OS_HINTS.get(exc.errno or 0)
        return f"{where}{exc.strerror}" + (f" ({hint})" if hint else "")
    return str(exc) or type(exc).__name__
