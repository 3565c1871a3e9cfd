"""Per-class hand poses and face contacts while the interaction is under way.

Each choreography maps interaction time ``u`` to the acting hand's pose (fingertips placed on face features
by inverse kinematics) and the contacts that deform the skin. They are written once, for the person's
left hand (on the image's right); ``Ctx.sign`` mirrors them for the right hand. Hand orientations were
chosen by eye for a frontal camera.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from interhf_bench.protocol.taxonomy import Category, FacialRegion, InteractionClass
from interhf_bench.synth import hand as hm
from interhf_bench.synth.body import HeadPose
from interhf_bench.synth.canvas import resample
from interhf_bench.synth.deform import Contact, displace_points
from interhf_bench.synth.face import FaceGeometry
from interhf_bench.synth.hand import HandPose
from interhf_bench.synth.timing import Tempo, pulses, strokes

PALM_LENGTH = 0.105  # wrist to middle knuckle, frame-height units


@dataclass(frozen=True)
class Ctx:
    """What a choreography needs: the face, the head pose this frame, the side and the video's tempo."""

    sign: float
    face: FaceGeometry
    head: HeadPose
    tempo: Tempo
    scale: float
    interaction: InteractionClass

    @property
    def idx(self) -> int:
        """Index of this side's feature in the face's (image-left, image-right) pairs."""
        return 1 if self.sign > 0 else 0

    def local(self, x: float, y: float) -> np.ndarray:
        """A head-local point given for the left side, mirrored to this side."""
        return np.array([self.sign * x, y])

    def world(self, local: np.ndarray, z: float) -> np.ndarray:
        """Head-local point (2D) to a world point (3D) at depth ``z``."""
        return np.append(self.head.to_world(np.asarray(local) + self.tempo.offset * [self.sign, 1.0]), z)

    def direction(self, x: float, y: float, z: float) -> np.ndarray:
        """A world direction given for the left side (x mirrored), following the head roll in-plane."""
        xy = self.head.rotation() @ np.array([self.sign * x, y])
        v = np.array([xy[0], xy[1], z])
        return v / np.linalg.norm(v)

    def world_vector(self, local_vec: np.ndarray) -> np.ndarray:
        """A head-local 2D vector in world axes (rotated with the head)."""
        return self.head.rotation() @ np.asarray(local_vec)

    def pose(
        self, f: tuple[float, float, float], n: tuple[float, float, float], angles: np.ndarray
    ) -> HandPose:
        """A hand of this side at the origin, oriented by left-side ``f`` and ``n`` (moved later by place)."""
        return HandPose(self.sign, np.zeros(3), self.direction(*f), self.direction(*n), angles, self.scale)


def _along(line: np.ndarray, s: float) -> tuple[np.ndarray, np.ndarray]:
    """Point and unit tangent at arc-length fraction ``s`` of a polyline."""
    pts = resample(line, 64)
    i = min(int(s * 63), 62)
    t = s * 63 - i
    p = pts[i] + t * (pts[i + 1] - pts[i])
    d = pts[i + 1] - pts[i]
    return p, d / max(float(np.linalg.norm(d)), 1e-12)


def _drag(
    at: np.ndarray, direction: np.ndarray, amount: float, radius: float, shade: float = 0.08
) -> Contact:
    """Skin under a sliding finger at ``at`` (x, y[, z]) carried ``amount`` along ``direction``."""
    return Contact("drag", np.asarray(at)[:2].copy(), radius, np.asarray(direction) * amount, shade=shade)


# Hand shapes (finger angle presets, see hand.angles) and orientations (finger direction f and palm normal n,
# given for the left hand: x is mirrored for the right). Orientations were chosen by eye for a frontal camera.
PINCH_SHAPE = hm.angles(
    hm.THUMB_OPEN, index=(0.0, 0.6, 0.9, 0.5), middle=hm.CURLED, ring=hm.CURLED, pinky=hm.CURLED
)
PINCH_AXES = ((-0.3, -1.0, 0.3), (-1.0, 0.0, 0.35))  # beside the nose, palm facing it, index hooked over
BROW_SHAPE = hm.angles(
    hm.THUMB_RELAXED,
    index=hm.STRAIGHT,
    middle=hm.STRAIGHT,
    ring=(0.0, 0.9, 1.2, 0.7),
    pinky=(0.0, 1.0, 1.3, 0.8),
)
BROW_AXES = ((-0.9, -0.45, 0.25), (-0.1, 0.1, 1.0))  # from the temple, fingers along the brow
_FLAT = (0.0, 0.12, 0.1, 0.05)
FOREHEAD_SHAPE = hm.angles(
    hm.THUMB_RELAXED, index=_FLAT, middle=_FLAT, ring=_FLAT, pinky=(0.0, 0.25, 0.3, 0.2)
)
FOREHEAD_AXES = ((-1.0, -0.3, 0.2), (0.0, 0.0, 1.0))  # flat fingers across the forehead
CHIN_SHAPE = hm.angles(
    hm.THUMB_RELAXED,
    index=(0.0, 0.1, 0.25, 0.15),
    middle=(0.0, 0.15, 0.3, 0.2),
    ring=(0.0, 0.7, 1.0, 0.6),
    pinky=(0.0, 0.9, 1.2, 0.7),
)
CHIN_AXES = ((-0.45, -1.0, 0.3), (-0.1, 0.2, 1.0))  # from below, fingertips on the jaw
EAR_SHAPE = hm.angles(
    hm.THUMB_RELAXED,
    index=(0.0, 0.1, 0.15, 0.1),
    middle=(0.0, 0.1, 0.15, 0.1),
    ring=(0.0, 0.25, 0.3, 0.2),
    pinky=(0.0, 0.35, 0.4, 0.25),
)
EAR_AXES = ((-0.2, -1.0, 0.2), (-0.9, 0.0, 0.4))  # beside the head, palm to the ear
POKE_AXES = ((-0.3, -1.0, 0.45), (-0.3, 0.3, 1.0))  # from below the cheek, fingers into it
POKE_FINGERS = ("index", "middle", "ring")
SWIPE_SHAPE = hm.angles(
    (0.0, 0.05, 0.15, 0.1),
    index=(0.08, 0.06, 0.08, 0.05),
    middle=(0.0, 0.06, 0.08, 0.05),
    ring=(-0.06, 0.08, 0.1, 0.06),
    pinky=(-0.16, 0.1, 0.12, 0.08),
)
SWIPE_AXES = ((-0.12, -1.0, 0.15), (0.0, 0.05, 1.0))  # open palm on the face, fingers up


def _pinch(ctx: Ctx, u: float) -> tuple[HandPose, list[Contact]]:
    """Thumb and index close on the nostril wings (thumb on the hand's side), hold, release."""
    t = ctx.tempo
    s = pulses(u, t.cycles, 0.22, 0.22)
    near, far = ctx.face.nose_wings[ctx.idx], ctx.face.nose_wings[1 - ctx.idx]
    center = 0.5 * (near + far) + np.array([0.0, -0.004])
    axis = ctx.world_vector(np.array([1.0, 0.0]))
    squeeze = Contact("squeeze", ctx.head.to_world(center), 0.022, axis, 0.42 * s * t.amplitude)
    squeezed = displace_points((squeeze,), ctx.head.to_world(np.stack([near, far])))
    gap = (1.0 - s) * 0.022 + 0.004  # open before the pinch, just outside the skin when closed
    out = ctx.world_vector(np.array([ctx.sign, 0.0]))
    thumb = np.append(squeezed[0] + out * gap, -0.105)
    index = np.append(squeezed[1] - out * gap, -0.105)
    pose = hm.place(ctx.pose(*PINCH_AXES, PINCH_SHAPE), "index", index)
    pose = hm.reach(hm.reach(pose, "index", index), "thumb", thumb)
    presses = [Contact("press", tip[:2], 0.012, np.zeros(2), 0.12 * s, 0.3 * s) for tip in (thumb, index)]
    return pose, [squeeze, *presses]


def _brow(ctx: Ctx, u: float) -> tuple[HandPose, list[Contact]]:
    """Middle fingertip slides along the brow from its inner end outwards, index just above it."""
    t = ctx.tempo
    s, contact, lift = strokes(u, t.cycles)
    a0, a1 = 0.1, 0.1 + 0.75 * min(t.amplitude, 1.15)
    p, d = _along(ctx.face.brows[ctx.idx], a0 + (a1 - a0) * s)
    up = np.array([d[1], -d[0]]) if d[0] > 0 else np.array([-d[1], d[0]])  # towards the forehead
    lifted = p + np.array([0.0, -0.014 * lift])
    depth = -0.092 - 0.03 * lift
    middle, index = ctx.world(lifted, depth), ctx.world(lifted + 0.02 * up, depth)
    pose = hm.place(ctx.pose(*BROW_AXES, BROW_SHAPE), "middle", middle)
    pose = hm.reach(hm.reach(pose, "middle", middle), "index", index)
    drag = ctx.world_vector(d) * (0.0075 * contact * t.amplitude)
    return pose, [_drag(middle, drag, 1.0, 0.02), _drag(index, drag, 0.6, 0.018, 0.0)]


def _forehead(ctx: Ctx, u: float) -> tuple[HandPose, list[Contact]]:
    """Flat fingers sweep across the forehead towards the other side, lift and come back."""
    t = ctx.tempo
    s, contact, lift = strokes(u, t.cycles)
    x = 0.045 - 0.09 * t.amplitude * s
    y = ctx.face.forehead[1] - 0.006 - 0.01 * lift
    target = ctx.world(ctx.local(x, y), -0.09 - 0.03 * lift)
    pose = hm.place(ctx.pose(*FOREHEAD_AXES, FOREHEAD_SHAPE), "middle", target)
    d = ctx.world_vector(np.array([-ctx.sign, 0.0]))
    return pose, [_drag(tip, d, 0.0065 * contact, 0.024) for tip in hm.joints(pose)[[8, 12, 16]]]


def _chin(ctx: Ctx, u: float) -> tuple[HandPose, list[Contact]]:
    """Fingertips stroke along the jaw from the side down to the chin."""
    t, lm = ctx.tempo, ctx.face.landmarks
    s, contact, lift = strokes(u, t.cycles)
    start, end = (lm[12], lm[9]) if ctx.sign > 0 else (lm[4], lm[7])
    start = start + np.array([-ctx.sign * 0.004, -0.012])  # just inside the jaw line
    end = end + np.array([0.0, -0.012])
    p = start + (end - start) * (0.15 + 0.85 * s * min(t.amplitude, 1.0))
    target = ctx.world(p + np.array([0.0, 0.012 * lift]), -0.08 - 0.03 * lift)
    pose = hm.place(ctx.pose(*CHIN_AXES, CHIN_SHAPE), "index", target)
    pose = hm.reach(pose, "index", target)
    d = ctx.world_vector((end - start) / np.linalg.norm(end - start))
    middle = hm.joints(pose)[12]
    return pose, [
        _drag(target, d, 0.008 * contact * t.amplitude, 0.024),
        _drag(middle, d, 0.004 * contact, 0.02),
    ]


def _ear(ctx: Ctx, u: float) -> tuple[HandPose, list[Contact]]:
    """Fingertips stroke down the ear from its top to the lobe, lift and go back up."""
    t = ctx.tempo
    ear = ctx.face.ears[ctx.idx]
    s, contact, lift = strokes(u, t.cycles)
    p = ear.top + (ear.lobe - ear.top) * (0.1 + 0.9 * s * min(t.amplitude, 1.0))
    target = ctx.world(p + np.array([ctx.sign * 0.012 * lift, 0.0]), -0.02 - 0.02 * lift)
    pose = hm.place(ctx.pose(*EAR_AXES, EAR_SHAPE), "ring", target)
    pose = hm.reach(pose, "ring", target)
    d = ctx.world_vector((ear.lobe - ear.top) / np.linalg.norm(ear.lobe - ear.top))
    return pose, [_drag(target, d, 0.008 * contact * t.amplitude, 0.018)]


def _poke(ctx: Ctx, u: float) -> tuple[HandPose, list[Contact]]:
    """One, two or three extended fingers press into the cheek and release, the others curled."""
    t = ctx.tempo
    count = ctx.interaction.finger_count or 1
    p = pulses(u, t.cycles, 0.3, 0.3)
    extended = POKE_FINGERS[:count]
    shape = hm.angles(
        hm.THUMB_TUCKED, **{n: (hm.STRAIGHT if n in extended else hm.CURLED) for n in hm.FINGERS[1:]}
    )
    pose = ctx.pose(*POKE_AXES, shape)
    axes = pose.axes()
    across = axes[:2, 0] / max(float(np.linalg.norm(axes[:2, 0])), 1e-9)  # side by side fingertips
    back = -axes[:2, 1] / max(float(np.linalg.norm(axes[:2, 1])), 1e-9)  # pulled back along the fingers
    center = ctx.head.to_world(ctx.face.cheeks[ctx.idx] + t.offset * [ctx.sign, 1.0])
    spacing = 0.021 * ctx.scale / PALM_LENGTH
    contacts: list[Contact] = []
    targets = {}
    for j, name in enumerate(extended):
        spot = center + ((count - 1) / 2 - j) * spacing * across  # index on the thumb side
        targets[name] = np.append(spot + (1 - p) * 0.022 * back, -0.085 - 0.03 * (1 - p))
        if p > 0:
            contacts.append(Contact("press", spot, 0.016, np.zeros(2), 0.38 * p * t.amplitude, 0.3 * p))
    pose = hm.place(pose, "index", targets["index"])
    for name in extended:
        pose = hm.reach(pose, name, targets[name])
    return pose, contacts


def _swipe(ctx: Ctx, u: float) -> tuple[HandPose, list[Contact]]:
    """The open palm sweeps across the face from this hand's side to the other, then returns low."""
    t = ctx.tempo
    s, contact, lift = strokes(u, t.cycles, forward=0.7)
    x = 0.17 - 0.32 * s
    y = 0.035 - 0.025 * np.sin(np.pi * s) + 0.2 * lift
    target = ctx.world(ctx.local(x, y), -0.1 - 0.06 * lift)
    pose = hm.place(
        ctx.pose(*SWIPE_AXES, SWIPE_SHAPE), "middle", target, local_point=np.array([0.05, 0.6, 0.0])
    )
    d = ctx.world_vector(np.array([-ctx.sign, 0.0]))
    middle = hm.joints(pose)[10]
    return pose, [
        _drag(target, d, 0.011 * contact, 0.045, 0.04),
        _drag(middle, d, 0.007 * contact, 0.035, 0.03),
    ]


CHOREOGRAPHY: dict[
    tuple[Category, FacialRegion | None], Callable[[Ctx, float], tuple[HandPose, list[Contact]]]
] = {
    (Category.PINCHING, FacialRegion.NOSE): _pinch,
    (Category.STROKING, FacialRegion.EYEBROW): _brow,
    (Category.STROKING, FacialRegion.FOREHEAD): _forehead,
    (Category.STROKING, FacialRegion.CHIN): _chin,
    (Category.STROKING, FacialRegion.EAR): _ear,
    (Category.POKING, None): _poke,
    (Category.SWIPING, None): _swipe,
}


def choreography(interaction: InteractionClass) -> Callable[[Ctx, float], tuple[HandPose, list[Contact]]]:
    key = (interaction.category, interaction.region)
    if interaction.category in (Category.POKING, Category.SWIPING):
        key = (interaction.category, None)
    return CHOREOGRAPHY[key]
