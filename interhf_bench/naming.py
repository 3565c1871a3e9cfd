"""Names: lookups that fail helpfully, and the names that may become part of a path.

A protocol id or a method name becomes a folder of a run (``<out>/<method>/<protocol>/``); both come
from files a user or a third party controls, so only names of :data:`NAME_PATTERN` are accepted, which
cannot climb out of the folder or name another one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")

NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"  # lower case, digits, ".", "_", "-"; never starting with "."


def check_path_name(name: str, kind: str) -> str:
    """``name`` if it is safe as one path component, else a ``ValueError`` naming the rule."""
    if not re.fullmatch(NAME_PATTERN, name):
        raise ValueError(
            f"{kind} {name!r} is not a valid name: lower-case letters, digits, '.', '_' and '-', "
            "starting with a letter or digit"
        )
    return name


def lookup(table: Mapping[str, T], key: str, kind: str) -> T:
    """``table[key]``, or a ``KeyError`` saying "unknown <kind> 'x'; did you mean ...? (known: ...)"."""
    try:
        return table[key]
    except KeyError:
        close = difflib.get_close_matches(key, list(table), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"unknown {kind} {key!r}{hint} (known: {', '.join(table)})") from None
