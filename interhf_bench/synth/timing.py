"""Time shapes of a clip: the approach-act-withdraw arc and the cycles within the act.

Clip time ``tau`` runs from 0 (reference frame) to 1 (last frame); interaction time ``u`` runs from 0 when
the hand arrives to 1 when it starts to leave, and the class's cycles (pinches, strokes, pokes, sweeps)
are laid out over ``u``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interhf_bench.protocol.taxonomy import Category, InteractionClass


@dataclass(frozen=True)
class Tempo:
    """Per-video timing and amplitude (fractions of the clip unless noted)."""

    start: float
    approach_end: float
    withdraw_start: float
    withdraw_depth: float  # engagement left at the last frame
    cycles: int
    amplitude: float
    offset: np.ndarray  # small shift of the contact spot (head-local units)


def smooth(x: float) -> float:
    """Smoothstep on [0, 1] (clamped): eases motions in and out."""
    x = min(max(x, 0.0), 1.0)
    return x * x * (3 - 2 * x)


def pulses(u: float, n: int, rise: float, fall: float) -> float:
    """``n`` smooth on-hold-off pulses over u in [0, 1] (continuing periodically after 1)."""
    if u <= 0:
        return 0.0
    frac = (u * n) % 1.0
    if frac < rise:
        return smooth(frac / rise)
    if frac > 1 - fall:
        return smooth((1 - frac) / fall)
    return 1.0


def strokes(u: float, n: int, forward: float = 0.62) -> tuple[float, float, float]:
    """Position along the stroke (0..1), contact (0..1) and lift (0..1) for ``n`` strokes over u in [0, 1].

    Each stroke slides forward in contact, then the finger lifts and returns.
    """
    if u <= 0:
        return 0.0, 0.0, 0.0
    frac = (u * n) % 1.0
    if frac < forward:
        p = frac / forward
        return smooth(p), float(np.sin(np.pi * p)) ** 0.5, 0.0
    p = (frac - forward) / (1 - forward)
    return 1.0 - smooth(p), 0.0, float(np.sin(np.pi * p))


FRAMES_PER_CYCLE = {
    Category.PINCHING: 16.0,
    Category.STROKING: 11.0,
    Category.POKING: 9.0,
    Category.SWIPING: 18.0,
}
"""Typical cycle length; at 15 fps about 1 s per pinch, 0.7 s per stroke, 0.6 s per poke, 1.2 s per sweep."""


def sample_tempo(num_frames: int, interaction: InteractionClass, rng: np.random.Generator) -> Tempo:
    """A video's timing: approach over the first ~20% of the clip, act, start leaving in the last ~10%.

    The number of random draws does not depend on the class, so a seed's other draws (sway, rest pose)
    are the same for every class.
    """
    approach_end = float(rng.uniform(0.16, 0.26))
    withdraw_start = float(rng.uniform(0.84, 0.94))
    busy_frames = max(num_frames, 2) * (withdraw_start - approach_end)
    per_cycle = FRAMES_PER_CYCLE[interaction.category] * float(rng.uniform(0.8, 1.25))
    cycles = max(1, round(busy_frames / per_cycle))
    if interaction.category is Category.SWIPING:
        cycles = min(cycles, 2)
    return Tempo(
        start=float(rng.uniform(0.0, 0.05)),
        approach_end=approach_end,
        withdraw_start=withdraw_start,
        withdraw_depth=float(rng.uniform(0.35, 0.75)),
        cycles=cycles,
        amplitude=float(rng.uniform(0.85, 1.15)),
        offset=rng.uniform(-0.006, 0.006, 2),
    )


def engagement(tau: float, tempo: Tempo) -> float:
    """How far the acting hand is from rest (0) towards its interaction pose (1) at clip time ``tau``."""
    if tau <= tempo.start:
        return 0.0
    if tau < tempo.approach_end:
        return smooth((tau - tempo.start) / (tempo.approach_end - tempo.start))
    if tau <= tempo.withdraw_start:
        return 1.0
    x = (tau - tempo.withdraw_start) / max(1.0 - tempo.withdraw_start, 1e-6)
    return 1.0 - (1.0 - tempo.withdraw_depth) * smooth(x)
