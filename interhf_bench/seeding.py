"""Seeds derived from names, so a result never depends on order, sharding or process count."""

from __future__ import annotations

import hashlib


def derive_seed(*parts: object) -> int:
    """A 32-bit seed from the sha256 of the parts joined by ``:`` (e.g. global seed and video id)."""
    text = ":".join(str(part) for part in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "little")
