"""Reading a Flax checkpoint pickle of float32 numpy arrays without letting it run code.

A plain ``pickle.load`` would run whatever a tampered file asks for, so the loader admits only the
globals numpy needs to rebuild arrays, and checks that the tree holds float32 arrays only.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np


def _array_globals() -> dict[tuple[str, str], Any]:
    """The only globals a pickle of plain numpy arrays refers to; both numpy 1 and numpy 2 spellings."""
    try:
        from numpy._core.multiarray import _reconstruct  # numpy >= 2
    except ImportError:  # numpy 1.x
        from numpy.core.multiarray import _reconstruct
    return {
        ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
    }


class UnsafePickleError(pickle.UnpicklingError):
    """A pickle refers to a global outside the numpy-array allow-list; it is refused, never imported."""


class NumpyArrayUnpickler(pickle.Unpickler):
    """Unpickler that can rebuild numpy arrays and nothing else (no code runs on load)."""

    def __init__(self, file: BinaryIO, source: str | os.PathLike[str] = "<pickle>") -> None:
        super().__init__(file)
        self.source = str(source)
        self._allowed = _array_globals()

    def find_class(self, module: str, name: str) -> Any:
        try:
            return self._allowed[(module, name)]
        except KeyError:
            raise UnsafePickleError(
                f"{self.source}: refused global {module}.{name}; only numpy array reconstruction "
                "(numpy.core.multiarray._reconstruct, numpy.ndarray, numpy.dtype) is allowed"
            ) from None


def load_flax_checkpoint(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read ``{'params': ..., 'batch_stats': ...}`` of float32 arrays with :class:`NumpyArrayUnpickler`."""
    path = Path(path)
    with path.open("rb") as file:
        try:
            tree = NumpyArrayUnpickler(file, path).load()
        except UnsafePickleError:
            raise
        except Exception as error:  # truncated or not a pickle at all
            raise ValueError(f"{path}: not a readable Flax checkpoint pickle ({error})") from error
    if not isinstance(tree, dict) or set(tree) != {"params", "batch_stats"}:
        found = sorted(tree) if isinstance(tree, dict) else type(tree).__name__
        raise ValueError(f"{path}: expected a dict with 'params' and 'batch_stats', found {found}")
    for key, value in flatten_tree(tree).items():
        if not isinstance(value, np.ndarray) or value.dtype != np.float32:
            kind = getattr(value, "dtype", type(value).__name__)
            raise ValueError(f"{path}: {'/'.join(key)} is {kind}, expected a float32 array")
    return tree


def flatten_tree(tree: dict[str, Any], prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    flat: dict[tuple[str, ...], Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(flatten_tree(value, (*prefix, key)))
        else:
            flat[(*prefix, key)] = value
    return flat
