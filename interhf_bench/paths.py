"""Where the suite keeps what it makes: one cache root, overridable by environment variables."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "INTERHF_BENCH_CACHE"


def cache_dir() -> Path:
    """``$INTERHF_BENCH_CACHE``, else ``$XDG_CACHE_HOME/interhf_bench``, else ``~/.cache/interhf_bench``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "interhf_bench"


def default_dataset_dir(protocol_id: str) -> Path:
    """Where the embedded synthetic dataset of a protocol is generated on first use."""
    return cache_dir() / "data" / protocol_id
