"""Loaded weights in owned, aligned memory (bit-exact reproduction after a reload)."""

from __future__ import annotations

import torch


def own_memory(network: torch.nn.Module) -> None:
    """Copy tensors mapped from safetensors files into owned memory.

    Mapped tensors can start at unaligned addresses; CPU kernels then take other code paths whose float
    results differ in the last bits, and a loaded checkpoint would not reproduce the frames of the
    model that saved it. Copies are aligned like freshly built ones.
    """
    with torch.no_grad():
        for tensor in [*network.parameters(), *network.buffers()]:
            tensor.data = tensor.data.clone()
