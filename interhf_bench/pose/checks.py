"""Input checks shared by everything that takes keypoint arrays or frame sizes.

One place decides what a valid keypoint array is, so the file loader, the renderer and the mask
builder accept and refuse exactly the same inputs with the same messages.
"""

from __future__ import annotations

import numpy as np

from interhf_bench.pose.wholebody import NUM_KEYPOINTS


def keypoint_problem(keypoints: np.ndarray, ndims: tuple[int, ...] = (3,)) -> str | None:
    """Describe what is wrong with a keypoint array, or return ``None`` when it is valid.

    Valid: shape ``(T, 133, 3)`` (or ``(133, 3)`` when 2 is in ``ndims``), numeric, finite, scores in
    [0, 1].
    """
    keypoints = np.asarray(keypoints)
    if keypoints.ndim not in ndims or keypoints.shape[-2:] != (NUM_KEYPOINTS, 3):
        expected = " or ".join("(133, 3)" if n == 2 else "(T, 133, 3)" for n in ndims)
        return f"keypoints must have shape {expected}, got {keypoints.shape}"
    if not (np.issubdtype(keypoints.dtype, np.floating) or np.issubdtype(keypoints.dtype, np.integer)):
        return f"keypoints must be numeric, got dtype {keypoints.dtype}"
    if not np.isfinite(keypoints).all():
        return "keypoints contain NaN or infinite values"
    scores = keypoints[..., 2]
    if scores.size and (scores.min() < 0 or scores.max() > 1):
        return f"keypoint scores must lie in [0, 1], found [{scores.min():.3g}, {scores.max():.3g}]"
    return None


def as_keypoints(keypoints: np.ndarray, ndims: tuple[int, ...] = (3,)) -> np.ndarray:
    """The keypoints as float64 after :func:`keypoint_problem`; a problem raises ``ValueError``."""
    problem = keypoint_problem(keypoints, ndims)
    if problem:
        raise ValueError(problem)
    return np.asarray(keypoints, dtype=np.float64)


def check_size(name: str, size: tuple[int, int]) -> tuple[int, int]:
    """A ``(height, width)`` pair of positive ints, or a ``ValueError`` naming the argument."""
    try:
        height, width = (int(v) for v in size)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a (height, width) pair of ints, got {size!r}") from None
    if height < 1 or width < 1 or (height, width) != tuple(size):
        raise ValueError(f"{name} must be positive integers (height, width), got {size!r}")
    return height, width
