"""A per-case time limit for in-process generation.

Python cannot stop a thread, and running each case in a fresh process would reload the model every
time, so the limit uses ``SIGALRM``: the main thread gets :class:`CaseTimeout` raised at the next Python
instruction after the deadline. A long native call (one CUDA kernel, one big matmul) finishes first.
Where ``SIGALRM`` does not exist (Windows) or off the main thread, no limit is applied and a warning says so.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)


class CaseTimeout(TimeoutError):
    """A case ran past its time limit."""


def timeouts_supported() -> bool:
    return hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`CaseTimeout` in the body after ``seconds`` (no limit when ``None`` or 0)."""
    if not seconds:
        yield
        return
    if not timeouts_supported():
        logger.warning("per-case timeout ignored: SIGALRM is not available here")
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise CaseTimeout(f"ran past the per-case limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
