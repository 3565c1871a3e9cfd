"""Seeds derived from names, so a result never depends on order, sharding or process count."""

from __future__ import annotations

import hashlib
import random
import sys

import numpy as np


def derive_seed(*parts: object) -> int:
    """A 32-bit seed from the sha256 of the parts joined by ``:`` (e.g. global seed and video id)."""
    text = ":".join(str(part) for part in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "little")


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and (if loaded) torch's global generators for adapters that use them."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)
