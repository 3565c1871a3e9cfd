"""Name lookups that fail helpfully: the unknown name, the closest known ones, and the full list."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")


def lookup(table: Mapping[str, T], key: str, kind: str) -> T:
    """``table[key]``, or a ``KeyError`` saying "unknown <kind> 'x'; did you mean ...? (known: ...)"."""
    try:
        return table[key]
    except KeyError:
        close = difflib.get_close_matches(key, list(table), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"unknown {kind} {key!r}{hint} (known: {', '.join(table)})") from None
