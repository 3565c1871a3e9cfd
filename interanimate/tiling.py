"""MimicMotion's tiled sampling windows and their triangular fusion weights (docs/interanimate.md#inference).

Frame 0 (the reference pose) belongs to every window, as an anchor at window position 0; windows step by
``tile - overlap``; a last window is added when the regular ones stop short of the final frame.
"""

from __future__ import annotations

import torch


def sampling_windows(num_frames: int, tile: int, overlap: int) -> list[list[int]]:
    """Frame indices of each window over ``num_frames`` frames (reference frame 0 included)."""
    if tile < 2 or not 0 <= overlap < tile - 1:
        raise ValueError(f"need tile >= 2 and 0 <= overlap < tile - 1, got tile={tile}, overlap={overlap}")
    if num_frames <= tile:
        return [list(range(num_frames))]
    windows = [
        [0, *range(start + 1, start + tile)] for start in range(0, num_frames - tile + 1, tile - overlap)
    ]
    if windows[-1][-1] < num_frames - 1:
        windows.append([0, *range(num_frames - tile + 1, num_frames)])
    return windows


def triangular_weights(length: int) -> torch.Tensor:
    """``w_k = min((k + 0.5) * 2 / T, 2 - (k + 0.5) * 2 / T)``: small at the window ends, ~1 mid-window."""
    position = (torch.arange(length, dtype=torch.float64) + 0.5) * 2 / length
    return torch.minimum(position, 2 - position).float()
