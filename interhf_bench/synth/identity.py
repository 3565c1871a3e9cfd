"""Appearance of one synthetic subject, sampled from a seed.

Everything that should stay fixed across a subject's videos lives here (skin, face shape, hair, eyes,
clothing, background), so a subject is recognisably the same person in every class; what varies per
video (timing, amplitude, sway) comes from the video seed in :mod:`interhf_bench.synth.motion`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from interhf_bench.synth.canvas import RGB, mix

SKIN_TONES: Final[tuple[RGB, ...]] = (
    (255, 226, 200),
    (243, 200, 168),
    (228, 178, 138),
    (200, 142, 100),
    (160, 104, 70),
    (112, 72, 48),
)
HAIR_COLORS: Final[tuple[RGB, ...]] = (
    (28, 24, 24),
    (62, 40, 28),
    (104, 66, 38),
    (150, 70, 34),
    (214, 178, 110),
    (168, 166, 162),
    (190, 96, 46),
)
EYE_COLORS: Final[tuple[RGB, ...]] = (
    (92, 58, 32),
    (58, 38, 22),
    (66, 118, 178),
    (78, 128, 84),
    (132, 110, 58),
    (118, 134, 146),
)
HAIR_STYLES: Final = ("bald", "buzz", "short", "bob", "long", "bun")
PATTERNS: Final = ("plain", "stripes", "dots", "blocks")
NECKLINES: Final = ("round", "v", "collar")
SHAPE_KINDS: Final = ("circle", "rect", "frame", "blob")


@dataclass(frozen=True)
class BackgroundShape:
    """A soft shape behind the subject; position and size are fractions of the frame width/height."""

    kind: str
    center: tuple[float, float]
    size: tuple[float, float]
    color: RGB


@dataclass(frozen=True)
class Identity:
    """All appearance parameters of one synthetic subject (shape factors are relative to 1.0)."""

    seed: int
    skin: RGB
    lip_color: RGB
    face_width: float
    face_length: float
    jaw_width: float
    chin_width: float
    chin_length: float
    nose_width: float
    nose_length: float
    mouth_width: float
    smile: float
    eye_size: float
    eye_spacing: float
    eye_tilt: float
    eye_color: RGB
    brow_thickness: float
    brow_arch: float
    brow_color: RGB
    ear_size: float
    hair_style: str
    hair_color: RGB
    hairline: float
    fringe: float
    shoulder_width: float
    neck_width: float
    hand_size: float
    clothing_color: RGB
    clothing_accent: RGB
    clothing_pattern: str
    neckline: str
    long_sleeves: bool
    background_top: RGB
    background_bottom: RGB
    background_shapes: tuple[BackgroundShape, ...]


def _color(rng: np.random.Generator, palette: tuple[RGB, ...], jitter: float = 0.08) -> RGB:
    """A palette colour with its brightness varied by ``jitter`` (relative) and a faint per-channel noise."""
    base = np.asarray(palette[int(rng.integers(len(palette)))], dtype=np.float64)
    value = base * (1.0 + rng.normal(0, jitter)) + rng.normal(0, 3.0, 3)
    return tuple(int(v) for v in np.clip(np.round(value), 0, 255))  # type: ignore[return-value]


def _saturated(
    rng: np.random.Generator, lightness: tuple[float, float], saturation: tuple[float, float] = (0.25, 0.8)
) -> RGB:
    """A random hue at a chosen lightness and saturation range (clothing, background)."""
    hue = rng.uniform(0, 6)
    sat = rng.uniform(*saturation)
    light = rng.uniform(*lightness)
    x = 1 - abs(hue % 2 - 1)
    rgb = [(1, x, 0), (x, 1, 0), (0, 1, x), (0, x, 1), (x, 0, 1), (1, 0, x)][int(hue) % 6]
    color = [light * (1 - sat) + light * sat * c * 1.6 for c in rgb]
    return tuple(int(np.clip(round(255 * c), 0, 255)) for c in color)  # type: ignore[return-value]


def _skin(rng: np.random.Generator) -> RGB:
    pos = rng.uniform(0, len(SKIN_TONES) - 1)
    i = min(int(pos), len(SKIN_TONES) - 2)
    base = mix(SKIN_TONES[i], SKIN_TONES[i + 1], pos - i)
    return tuple(int(np.clip(c + rng.normal(0, 4), 0, 255)) for c in base)  # type: ignore[return-value]


def _background_shapes(rng: np.random.Generator, top: RGB, bottom: RGB) -> tuple[BackgroundShape, ...]:
    shapes = []
    for _ in range(int(rng.integers(2, 6))):
        kind = SHAPE_KINDS[int(rng.integers(len(SHAPE_KINDS)))]
        base = mix(top, bottom, rng.uniform())
        color = mix(base, _saturated(rng, (0.3, 0.95)), rng.uniform(0.25, 0.6))
        shapes.append(
            BackgroundShape(
                kind=kind,
                center=(float(rng.uniform(-0.05, 1.05)), float(rng.uniform(0.0, 0.75))),
                size=(float(rng.uniform(0.12, 0.45)), float(rng.uniform(0.08, 0.35))),
                color=color,
            )
        )
    return tuple(shapes)


def sample_identity(seed: int) -> Identity:
    """A subject drawn deterministically from ``seed`` (same seed, same person)."""
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, 0x1D])
    skin = _skin(rng)
    hair_color = _color(rng, HAIR_COLORS)
    hair_style = HAIR_STYLES[int(rng.integers(len(HAIR_STYLES)))]
    if hair_style == "bald" and rng.uniform() < 0.5:
        hair_color = HAIR_COLORS[5]
    lip = mix(skin, (176, 74, 78), float(rng.uniform(0.3, 0.55)))
    top = _saturated(rng, (0.55, 0.92), (0.1, 0.55))
    bottom = mix(top, _saturated(rng, (0.3, 0.8), (0.1, 0.55)), float(rng.uniform(0.2, 0.7)))
    clothing = _saturated(rng, (0.2, 0.85))
    return Identity(
        seed=int(seed),
        skin=skin,
        lip_color=lip,
        face_width=float(rng.uniform(0.9, 1.08)),
        face_length=float(rng.uniform(0.94, 1.06)),
        jaw_width=float(rng.uniform(0.68, 0.9)),
        chin_width=float(rng.uniform(0.22, 0.42)),
        chin_length=float(rng.uniform(0.95, 1.06)),
        nose_width=float(rng.uniform(0.85, 1.2)),
        nose_length=float(rng.uniform(0.9, 1.1)),
        mouth_width=float(rng.uniform(0.85, 1.15)),
        smile=float(rng.uniform(-0.3, 1.0)),
        eye_size=float(rng.uniform(0.9, 1.12)),
        eye_spacing=float(rng.uniform(0.94, 1.06)),
        eye_tilt=float(rng.uniform(-0.3, 0.4)),
        eye_color=_color(rng, EYE_COLORS, 0.1),
        brow_thickness=float(rng.uniform(0.7, 1.4)),
        brow_arch=float(rng.uniform(0.5, 1.3)),
        brow_color=mix(hair_color, (20, 16, 14), 0.35 if hair_style != "bald" else 0.6),
        ear_size=float(rng.uniform(0.9, 1.12)),
        hair_style=hair_style,
        hair_color=hair_color,
        hairline=float(rng.uniform(0.0, 1.0)),
        fringe=float(rng.uniform(-1.0, 1.0)),
        shoulder_width=float(rng.uniform(0.92, 1.06)),
        neck_width=float(rng.uniform(0.9, 1.12)),
        hand_size=float(rng.uniform(0.95, 1.06)),
        clothing_color=clothing,
        clothing_accent=mix(clothing, _saturated(rng, (0.3, 0.95)), float(rng.uniform(0.4, 0.9))),
        clothing_pattern=PATTERNS[int(rng.integers(len(PATTERNS)))],
        neckline=NECKLINES[int(rng.integers(len(NECKLINES)))],
        long_sleeves=bool(rng.uniform() < 0.5),
        background_top=top,
        background_bottom=bottom,
        background_shapes=_background_shapes(rng, top, bottom),
    )
