"""The body below the head: skeleton, torso with clothing (drawn once per video), arms with elbow IK.

World units are frame heights, x right from the body's centre line, y down from the top of the frame,
z away from the camera. The torso is flat (drawn once, shifted by the body sway each frame); the arms are
two-link chains solved in 3D, so a hand raised to the face gets a plausible dropped elbow instead of a
stretched 2D arm, then projected orthographically and drawn over everything but the hands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from interhf_bench.synth.canvas import (
    RGB,
    Layer,
    capsule_points,
    catmull_rom,
    ellipse_points,
    fill_polygon,
    mix,
    offset_polygon,
    shade,
    thick_line,
)
from interhf_bench.synth.identity import Identity

HEAD_CENTER = np.array([0.0, 0.3])
UPPER_ARM = 0.33
FOREARM = 0.27


@dataclass(frozen=True)
class HeadPose:
    """Where the face centre is (world units) and the head's in-plane roll (radians, clockwise)."""

    center: np.ndarray
    roll: float

    def rotation(self) -> np.ndarray:
        c, s = np.cos(self.roll), np.sin(self.roll)
        return np.array([[c, -s], [s, c]])

    def to_world(self, local: np.ndarray) -> np.ndarray:
        return np.asarray(local) @ self.rotation().T + self.center


@dataclass(frozen=True)
class Skeleton:
    """Body keypoints that do not depend on the arms (world units, before sway)."""

    shoulders: tuple[np.ndarray, np.ndarray]  # person's left (image right), right
    hips: tuple[np.ndarray, np.ndarray]
    knees: tuple[np.ndarray, np.ndarray]
    ankles: tuple[np.ndarray, np.ndarray]
    feet: np.ndarray  # (6, 2) COCO-WholeBody order: left big toe, small toe, heel, right ...
    neck_half_width: float


def skeleton(idt: Identity) -> Skeleton:
    sw = 0.19 * idt.shoulder_width

    def pair(x: float, y: float) -> tuple[np.ndarray, np.ndarray]:
        return (np.array([x, y]), np.array([-x, y]))

    feet = np.array([[0.16, 2.42], [0.22, 2.4], [0.12, 2.34], [-0.16, 2.42], [-0.22, 2.4], [-0.12, 2.34]])
    return Skeleton(
        shoulders=(np.array([sw, 0.618]), np.array([-sw, 0.618])),
        hips=pair(0.12, 1.33),
        knees=pair(0.12, 1.85),
        ankles=pair(0.12, 2.33),
        feet=feet,
        neck_half_width=0.058 * idt.neck_width,
    )


def elbow_pole(sign: float) -> np.ndarray:
    """Direction elbows bend towards: down, a little outwards (``sign`` = +1 for the left arm) and back."""
    return np.array([0.4 * sign, 1.0, 0.25])


def solve_elbow(
    shoulder: np.ndarray, wrist: np.ndarray, pole: np.ndarray, upper: float = UPPER_ARM, fore: float = FOREARM
) -> np.ndarray:
    """The elbow of a two-link arm from ``shoulder`` to ``wrist`` (3D), bent towards ``pole``.

    If the wrist is out of reach the arm points straight at it (the wrist keypoint stays where the hand
    is; the forearm then stretches, which only happens for extreme poses).
    """
    axis = wrist - shoulder
    dist = float(np.linalg.norm(axis))
    u = axis / max(dist, 1e-9)
    d = float(np.clip(dist, abs(upper - fore) + 1e-6, upper + fore - 1e-6))
    along = (upper**2 - fore**2 + d**2) / (2 * d)
    height = float(np.sqrt(max(upper**2 - along**2, 0.0)))
    v = pole - (pole @ u) * u
    v = v / max(float(np.linalg.norm(v)), 1e-9)
    return shoulder + along * u + height * v


def _torso_outline(idt: Identity, sk: Skeleton) -> tuple[np.ndarray, np.ndarray]:
    """The clothing outline (with the neckline cut) and the neckline curve itself, world units."""
    sx = sk.shoulders[0][0]
    nw = sk.neck_half_width
    depth = {"round": 0.045, "v": 0.095, "collar": 0.065}[idt.neckline]
    neck_y = 0.535
    if idt.neckline == "v":
        neckline = np.array([[-nw - 0.012, neck_y], [0.0, neck_y + depth], [nw + 0.012, neck_y]])
        neckline = np.concatenate(
            [np.linspace(neckline[0], neckline[1], 8), np.linspace(neckline[1], neckline[2], 8)]
        )
    else:
        neckline = ellipse_points(np.array([0.0, neck_y]), nw + 0.016, depth, 0.0, 24, 0.0, np.pi)[::-1]
    right = np.array(
        [
            [nw + 0.012, neck_y - 0.004],
            [0.5 * (nw + sx), 0.556],
            [sx, 0.575],
            [sx + 0.045, 0.605],
            [sx + 0.058, 0.67],
            [sx + 0.05, 0.85],
            [sx + 0.06, 1.5],
            [sx + 0.06, 2.6],
        ]
    )
    right_side = catmull_rom(right, 8)
    left_side = right_side[::-1] * np.array([-1.0, 1.0])  # bottom-left up to the neck
    outline = np.concatenate([left_side, neckline, right_side])
    return outline, neckline


def render_torso(
    idt: Identity,
    sk: Skeleton,
    to_px: Callable[[np.ndarray], np.ndarray],
    scale: float,
    box: tuple[float, float, float, float],
    bottom: float,
) -> Layer:
    """Neck and clothed torso on a transparent layer covering the canvas ``box`` (pixels).

    ``bottom`` is the world y of the frame's lower edge: the clothing pattern stops there.
    """
    layer = Layer.empty(*box)
    skin = idt.skin
    nw = sk.neck_half_width
    neck = np.array(
        [[-nw, 0.36], [nw, 0.36], [nw * 1.04, 0.53], [nw * 1.3, 0.62], [-nw * 1.3, 0.62], [-nw * 1.04, 0.53]]
    )
    layer.fill(to_px(neck), shade(skin, 0.68))
    inner = neck.copy()
    inner[:, 0] *= 0.93
    layer.fill(to_px(inner), shade(skin, 0.96))
    jaw_shadow = layer.mask()
    layer.mask_polygon(jaw_shadow, to_px(ellipse_points(np.array([0.0, 0.45]), nw * 1.25, 0.05)))
    layer.tint(jaw_shadow, shade(skin, 0.6), 0.6, blur=0.012 * scale)

    outline, neckline = _torso_outline(idt, sk)
    cloth = idt.clothing_color
    layer.fill(to_px(outline), shade(cloth, 0.62))
    body = offset_polygon(outline, -0.0028)
    layer.fill(to_px(body), cloth)
    mask = layer.mask()
    layer.mask_polygon(mask, to_px(body))
    _pattern(layer, idt, to_px, scale, mask, bottom)
    fold = layer.mask()
    for sign in (-1.0, 1.0):
        crease = np.array([[sign * 0.1, 0.75], [sign * 0.13, 0.9], [sign * 0.12, 1.05]])
        layer.mask_polygon(fold, to_px(thick_line(catmull_rom(crease, 6), 0.005)))
    layer.tint(fold, shade(cloth, 0.7), 0.35, blur=0.012 * scale)
    rim = layer.mask()
    layer.mask_polygon(rim, to_px(thick_line(neckline, 0.0035)))
    layer.tint(rim, shade(cloth, 0.7), 0.9)
    if idt.neckline == "collar":
        for sign in (-1.0, 1.0):
            flap = np.array([[sign * (nw + 0.018), 0.555], [sign * 0.004, 0.64], [sign * (nw + 0.05), 0.615]])
            layer.fill(to_px(flap), shade(idt.clothing_accent, 0.7))
            layer.fill(to_px(offset_polygon(flap, -0.002)), mix(idt.clothing_accent, (255, 255, 255), 0.4))
    return layer


def _pattern(
    layer: Layer,
    idt: Identity,
    to_px: Callable[[np.ndarray], np.ndarray],
    scale: float,
    mask: np.ndarray,
    bottom: float,
) -> None:
    """Stripes, dots or a colour block in the accent colour, clipped to the clothing."""
    accent = idt.clothing_accent
    pattern = layer.blank()
    if idt.clothing_pattern == "stripes":
        for y in np.arange(0.66, bottom + 0.06, 0.06):
            pattern.fill(to_px(np.array([[-0.6, y], [0.6, y], [0.6, y + 0.025], [-0.6, y + 0.025]])), accent)
    elif idt.clothing_pattern == "dots":
        for row, y in enumerate(np.arange(0.64, bottom + 0.045, 0.045)):
            for x in np.arange(-0.6 + 0.0225 * (row % 2), 0.6, 0.045):
                pattern.disc(to_px(np.array([x, y])[None])[0], 0.007 * scale, accent)
    elif idt.clothing_pattern == "blocks":
        pattern.fill(to_px(np.array([[-0.6, 0.78], [0.6, 0.7], [0.6, 0.8], [-0.6, 0.88]])), accent)
    else:
        return
    pattern.clip_to(mask)
    layer.paste(pattern)


@dataclass(frozen=True)
class ArmStyle:
    sleeve: RGB
    sleeve_dark: RGB
    skin: RGB
    skin_dark: RGB
    long_sleeves: bool

    @classmethod
    def from_identity(cls, idt: Identity) -> ArmStyle:
        return cls(
            sleeve=shade(idt.clothing_color, 0.94),
            sleeve_dark=shade(idt.clothing_color, 0.6),
            skin=idt.skin,
            skin_dark=shade(idt.skin, 0.62),
            long_sleeves=idt.long_sleeves,
        )


def _sleeve_points(p0: np.ndarray, p1: np.ndarray, r0: float, r1: float) -> np.ndarray:
    """A sleeve from ``p0`` (round, at the shoulder) to a straight hem at ``p1``."""
    cap = capsule_points(p0, p1, r0, r1)
    half = len(cap) // 2
    return np.concatenate([cap[[0, half - 1]], cap[half:]])


def draw_arm(
    img: np.ndarray, shoulder: np.ndarray, elbow: np.ndarray, wrist: np.ndarray, unit: float, style: ArmStyle
) -> None:
    """Upper arm and forearm (canvas pixels, 2D); ``unit`` is pixels per frame-height unit."""
    ow = max(0.9, 0.0025 * unit)
    r_sh, r_el, r_wr = 0.041 * unit, 0.033 * unit, 0.026 * unit

    def shape(
        points_fn: Callable[..., np.ndarray],
        p0: np.ndarray,
        p1: np.ndarray,
        r0: float,
        r1: float,
        color: RGB,
        dark: RGB,
    ) -> None:
        fill_polygon(img, points_fn(p0, p1, r0 + ow, r1 + ow), dark)
        fill_polygon(img, points_fn(p0, p1, r0, r1), color)

    if style.long_sleeves:
        shape(capsule_points, shoulder, elbow, r_sh, r_el, style.sleeve, style.sleeve_dark)
        shape(capsule_points, elbow, wrist, r_el * 0.92, r_wr, style.skin, style.skin_dark)
        cuff = elbow + 0.84 * (wrist - elbow)
        shape(_sleeve_points, elbow, cuff, r_el * 1.02, r_wr * 1.3, style.sleeve, style.sleeve_dark)
    else:
        shape(capsule_points, shoulder, elbow, r_sh * 0.9, r_el, style.skin, style.skin_dark)
        shape(capsule_points, elbow, wrist, r_el * 0.92, r_wr, style.skin, style.skin_dark)
        hem = shoulder + 0.5 * (elbow - shoulder)
        shape(_sleeve_points, shoulder, hem, r_sh * 1.05, r_el * 1.25, style.sleeve, style.sleeve_dark)
