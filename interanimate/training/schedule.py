"""Learning-rate schedules of the two training phases, as pure functions of the step so a resumed run
needs no schedule state beyond its step count."""

from __future__ import annotations

import math


def cosine_learning_rate(step: int, steps: int, start: float, end: float | None) -> float:
    """The rate of ``step`` of ``steps``: cosine from ``start`` down to ``end`` (``None``: constant)."""
    if end is None or steps <= 1:
        return start
    return end + (start - end) * 0.5 * (1 + math.cos(math.pi * step / (steps - 1)))


def diffusion_rate_factor(
    step: int, *, steps: int, warmup_steps: int, decay_steps: int, min_factor: float
) -> float:
    """The InterAnimate phase's rate at ``step`` as a fraction of ``learning_rate``.

    A linear warm-up over ``warmup_steps`` (as diffusers' ``constant_with_warmup``), then constant, then a
    cosine down to ``min_factor`` over the last ``decay_steps`` of ``steps`` (a short run decays over all
    its steps after the warm-up). The decay sits at the end so a run can be extended: raise ``steps`` and
    the constant part grows.
    """
    if step < warmup_steps:
        return step / max(1, warmup_steps)
    decay_start = max(warmup_steps, steps - decay_steps)
    if decay_steps == 0 or step < decay_start:
        return 1.0
    span = steps - decay_start
    return cosine_learning_rate(min(step - decay_start, span - 1), span, 1.0, min_factor)
