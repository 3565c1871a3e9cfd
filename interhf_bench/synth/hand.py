"""A 3D five-finger hand: kinematics, fingertip reaching and drawing.

The hand is modelled in its own frame (a, f, n): ``f`` runs from the wrist towards the middle finger,
``n`` is the palm normal (out of the palm) and ``a`` points to the thumb side. Lengths are in palm lengths
(wrist to middle knuckle). Each finger is a chain of three segments that spreads (abduction) about ``n``
and curls towards the palm; :func:`reach` solves a finger's angles so its tip lands on a target, which is
how pinches, pokes and strokes put fingertips exactly on the face. World coordinates are frame-height
units with x right, y down and z away from the camera (OpenCV camera axes); drawing is an orthographic
projection, so the 21 keypoints are the projected joints and lie on the drawn fingers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Final

import cv2
import numpy as np

from interhf_bench.pose.wholebody import FINGERS
from interhf_bench.synth.canvas import (
    RGB,
    capsules_points,
    ellipse_points,
    fill_polygon,
    fill_polygons,
    mix,
    offset_polygon,
    shade,
)


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """3-vector cross product (np.cross is slow for single vectors)."""
    return np.array([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]])


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    return v / max(float(np.linalg.norm(v)), 1e-12)


@dataclass(frozen=True)
class FingerModel:
    """Rest geometry of one finger in the hand frame (a, f, n)."""

    base: np.ndarray
    direction: np.ndarray  # rest direction of the first segment
    flex_normal: np.ndarray  # the direction the finger curls towards
    lengths: tuple[float, float, float]
    radius: float
    coupling: float  # distal joint angle = coupling x middle joint angle when reaching


def _finger(
    base: tuple[float, float, float],
    direction: tuple[float, float, float],
    flex: tuple[float, float, float],
    lengths: tuple[float, float, float],
    radius: float,
    coupling: float = 0.75,
) -> FingerModel:
    d = _unit(np.array(direction))
    m = np.array(flex, dtype=np.float64)
    m = _unit(m - (m @ d) * d)
    return FingerModel(np.array(base, dtype=np.float64), d, m, lengths, radius, coupling)


MODEL: Final[dict[str, FingerModel]] = {
    "thumb": _finger((0.28, 0.18, 0.05), (0.8, 0.58, 0.15), (-0.7, 0.2, 0.7), (0.36, 0.3, 0.25), 0.105, 0.9),
    "index": _finger((0.32, 0.95, 0.0), (0.07, 1.0, 0.0), (0.0, 0.0, 1.0), (0.45, 0.27, 0.21), 0.092),
    "middle": _finger((0.1, 1.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0), (0.49, 0.3, 0.22), 0.094),
    "ring": _finger((-0.12, 0.96, 0.0), (-0.06, 1.0, 0.0), (0.0, 0.0, 1.0), (0.46, 0.28, 0.21), 0.088),
    "pinky": _finger((-0.33, 0.86, 0.0), (-0.13, 1.0, 0.0), (0.0, 0.0, 1.0), (0.36, 0.22, 0.19), 0.078),
}

PALM: Final = np.array(
    [
        [0.0, -0.04, 0.0],
        [-0.27, 0.02, 0.0],
        [-0.38, 0.4, 0.0],
        [-0.42, 0.8, 0.0],
        [-0.34, 0.93, 0.0],
        [-0.12, 1.03, 0.0],
        [0.1, 1.07, 0.0],
        [0.33, 1.03, 0.0],
        [0.42, 0.92, 0.0],
        [0.43, 0.55, 0.0],
        [0.4, 0.32, 0.06],
        [0.3, 0.08, 0.04],
    ]
)
"""Palm outline in the hand frame (knuckle line on top, thenar bulge on the thumb side)."""
PALM_THICKNESS: Final = 0.11  # half thickness of the palm slab, palm lengths

# Finger angle presets: (abduction, flex at base, middle and distal joints), radians.
STRAIGHT: Final = (0.0, 0.05, 0.06, 0.04)
RELAXED: Final = (0.0, 0.32, 0.42, 0.26)
CURLED: Final = (0.0, 1.32, 1.7, 0.95)
THUMB_OPEN: Final = (0.15, 0.0, 0.1, 0.08)
THUMB_RELAXED: Final = (0.0, 0.2, 0.3, 0.2)
THUMB_TUCKED: Final = (-0.45, 0.75, 0.55, 0.35)


def angles(thumb: tuple[float, ...], **fingers: tuple[float, ...]) -> np.ndarray:
    """A (5, 4) angle array: the thumb preset, then one preset per finger (default relaxed)."""
    rows = [thumb] + [fingers.get(name, RELAXED) for name in FINGERS[1:]]
    return np.array(rows, dtype=np.float64)


@dataclass(frozen=True)
class HandPose:
    """Where a hand is and how it is shaped; ``sign`` is +1 for the person's left hand, -1 for the right."""

    sign: float
    wrist: np.ndarray  # world (x, y, z)
    finger_dir: np.ndarray  # world direction of f
    palm_normal: np.ndarray  # world direction of n
    angles: np.ndarray  # (5, 4), see :func:`angles`
    scale: float  # palm length in frame-height units

    def axes(self) -> np.ndarray:
        """3x3 matrix whose columns are the world directions of a, f, n (orthonormal)."""
        f = _unit(self.finger_dir)
        n = _unit(self.palm_normal - (self.palm_normal @ f) * f)
        a = self.sign * _cross(n, f)  # right hands mirror left ones
        return np.stack([a, f, n], axis=1)

    def to_world(self, local: np.ndarray) -> np.ndarray:
        return self.wrist + self.scale * (np.asarray(local) @ self.axes().T)

    def to_local(self, world: np.ndarray) -> np.ndarray:
        return ((np.asarray(world) - self.wrist) / self.scale) @ self.axes()


def _finger_chain(model: FingerModel, row: np.ndarray) -> np.ndarray:
    """Four local points (base, two joints, tip) of one finger with angles ``row``."""
    psi, t1, t2, t3 = row
    d, m = model.direction, model.flex_normal
    k = _cross(d, m)
    d2 = np.cos(psi) * d + np.sin(psi) * k
    pts = [model.base]
    theta = 0.0
    for length, angle in zip(model.lengths, (t1, t2, t3), strict=True):
        theta += angle
        pts.append(pts[-1] + length * (np.cos(theta) * d2 + np.sin(theta) * m))
    return np.stack(pts)


def local_joints(pose_angles: np.ndarray) -> np.ndarray:
    """The 21 keypoints in the hand frame: wrist, then four per finger (thumb, index, ..., pinky)."""
    chains = [_finger_chain(MODEL[name], pose_angles[i]) for i, name in enumerate(FINGERS)]
    return np.concatenate([np.zeros((1, 3)), *chains])


def joints(pose: HandPose) -> np.ndarray:
    """The 21 keypoints in world coordinates."""
    return pose.to_world(local_joints(pose.angles))


def _tip_offset(model: FingerModel, curl: float) -> complex:
    """Tip position in the finger's curl plane for base angle 0, as a complex number (along, towards palm)."""
    l1, l2, l3 = model.lengths
    return l1 + l2 * np.exp(1j * curl) + l3 * np.exp(1j * curl * (1 + model.coupling))


def reach(pose: HandPose, finger: str, target: np.ndarray) -> HandPose:
    """The pose with ``finger`` bent so its tip lands on the world point ``target`` (as close as it can)."""
    model = MODEL[finger]
    v = pose.to_local(target) - model.base
    d, m = model.direction, model.flex_normal
    k = _cross(d, m)
    q, pd, pk = float(v @ m), float(v @ d), float(v @ k)
    psi = float(np.arctan2(pk, pd)) if np.hypot(pd, pk) > 1e-9 else 0.0
    p = float(np.hypot(pd, pk))
    r = float(np.hypot(p, q))
    lo, hi = 0.0, 1.75
    if r >= abs(_tip_offset(model, lo)):
        curl = lo
    elif r <= abs(_tip_offset(model, hi)):
        curl = hi
    else:
        for _ in range(40):  # the reach distance shrinks monotonically as the finger curls
            mid = 0.5 * (lo + hi)
            if abs(_tip_offset(model, mid)) > r:
                lo = mid
            else:
                hi = mid
        curl = 0.5 * (lo + hi)
    base = float(np.arctan2(q, p) - np.angle(_tip_offset(model, curl)))
    new = pose.angles.copy()
    new[FINGERS.index(finger)] = (psi, base, curl, curl * model.coupling)
    return replace(pose, angles=new)


def place(pose: HandPose, finger: str, target: np.ndarray, local_point: np.ndarray | None = None) -> HandPose:
    """The pose moved (not reshaped) so the finger's tip, or ``local_point``, lands on ``target``."""
    point = local_joints(pose.angles)[4 * FINGERS.index(finger) + 4] if local_point is None else local_point
    current = pose.to_world(point)
    return replace(pose, wrist=pose.wrist + (np.asarray(target, dtype=np.float64) - current))


def blend(a: HandPose, b: HandPose, w: float) -> HandPose:
    """Interpolate two poses of the same hand (``w`` = 0 gives ``a``)."""
    return HandPose(
        sign=a.sign,
        wrist=(1 - w) * a.wrist + w * b.wrist,
        finger_dir=_unit((1 - w) * _unit(a.finger_dir) + w * _unit(b.finger_dir)),
        palm_normal=_unit((1 - w) * _unit(a.palm_normal) + w * _unit(b.palm_normal)),
        angles=(1 - w) * a.angles + w * b.angles,
        scale=(1 - w) * a.scale + w * b.scale,
    )


@dataclass(frozen=True)
class HandStyle:
    """Colours of a hand: back and palm skin, the outline, and the nails."""

    back: RGB
    palm: RGB
    outline: RGB
    nail: RGB

    @classmethod
    def from_skin(cls, skin: RGB) -> HandStyle:
        return cls(
            back=skin,
            palm=mix(skin, (255, 214, 200), 0.28),
            outline=shade(skin, 0.62),
            nail=mix(skin, (255, 236, 236), 0.6),
        )


def draw_hand(
    img: np.ndarray,
    pose: HandPose,
    to_px: Callable[[np.ndarray], np.ndarray],
    px_per_unit: float,
    style: HandStyle,
) -> None:
    """Draw the hand on ``img`` (HxWx3 uint8, canvas pixels); ``to_px`` maps world (N, 3) to pixels (N, 2).

    The whole silhouette gets a dark outline first; then the palm (a slab, so it keeps some width when
    seen edge-on) and the fingers are filled far to near, each with a faint rim, so a fist reads as one
    shape with creases rather than a tangle of outlines.
    """
    axes = pose.axes()
    local = local_joints(pose.angles)
    world = pose.wrist + pose.scale * (local @ axes.T)
    px = to_px(world)
    unit = pose.scale * px_per_unit
    outline = max(0.9, 0.022 * unit)
    rim = 0.45 * outline
    thickness = np.array([0.0, 0.0, PALM_THICKNESS])
    slab = to_px(pose.to_world(np.concatenate([PALM + thickness, PALM - thickness])))
    palm = cv2.convexHull(slab.astype(np.float32)).reshape(-1, 2).astype(np.float64)
    # segments of all fingers: (5 fingers x 3 segments) start/end points and radii
    chains = px[1:].reshape(5, 4, 2)
    radii = np.array([MODEL[name].radius for name in FINGERS])[:, None] * unit * _TAPER
    starts, ends = chains[:, :3].reshape(-1, 2), chains[:, 1:].reshape(-1, 2)
    r0, r1 = radii[:, :3].reshape(-1), radii[:, 1:].reshape(-1)
    fill_polygon(img, offset_polygon(palm, outline), style.outline)
    fill_polygons(img, capsules_points(starts, ends, r0 + outline, r1 + outline), style.outline)
    rims = capsules_points(starts, ends, r0 + rim, r1 + rim).reshape(5, 3, -1, 2)
    fills = capsules_points(starts, ends, r0, r1).reshape(5, 3, -1, 2)
    # painter's order: larger z is farther from the camera; the palm sits slightly behind its own plane
    depth = {name: float(world[2 + 4 * i : 5 + 4 * i, 2].mean()) for i, name in enumerate(FINGERS)}
    depth["palm"] = float(pose.to_world(PALM)[:, 2].mean()) + 0.02 * pose.scale
    crease = shade(style.back, 0.8)
    for name in sorted(depth, key=lambda key: -depth[key]):
        if name == "palm":
            fill_polygon(img, offset_polygon(palm, rim), crease)
            fill_polygon(img, palm, style.palm if axes[2, 2] < 0 else style.back)
            continue
        i = FINGERS.index(name)
        fill_polygons(img, rims[i], crease)
        palmar = _palmar_z(pose, axes, i, local[1 + 4 * i : 5 + 4 * i])
        for j in range(3):
            fill_polygon(img, fills[i, j], style.palm if palmar[j] < -0.15 else style.back)
        tip_r = float(radii[i, 3])
        d = chains[i, 3] - chains[i, 2]
        length = float(np.hypot(*d))
        if palmar[2] > 0.35 and length > 1.6 * tip_r:  # the nail side of the tip faces the camera
            center = chains[i, 3] - d / length * 0.9 * tip_r
            nail = ellipse_points(center, 0.95 * tip_r, 0.6 * tip_r, float(np.arctan2(d[1], d[0])), 20)
            fill_polygon(img, offset_polygon(nail, 0.6), shade(style.nail, 0.88))
            fill_polygon(img, nail, style.nail)


_TAPER = np.array([1.0, 0.93, 0.86, 0.8])  # finger radius at the four joints, relative to the base


def _palmar_z(pose: HandPose, axes: np.ndarray, index: int, local: np.ndarray) -> list[float]:
    """Depth component of each segment's palm-side normal: negative when the palm side faces the camera."""
    model = MODEL[FINGERS[index]]
    psi = float(pose.angles[index, 0])
    k = _cross(model.direction, model.flex_normal)
    bend_axis = np.cos(psi) * k - np.sin(psi) * model.direction
    return [float(axes[2] @ _cross(bend_axis, _unit(local[j + 1] - local[j]))) for j in range(3)]
