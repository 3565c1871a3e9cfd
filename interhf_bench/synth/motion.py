"""The plan of a clip: head and body sway, both hands' poses and the face contacts, frame by frame.

Every clip has the same arc: frame 0 is the reference pose (frontal, both hands at rest low in front of the
chest); the acting hand then approaches its target pose, performs the class's motion for most of the clip
(pinch-hold-release, repeated strokes, repeated pokes, palm sweeps) and starts to withdraw near the end.
The other hand stays near rest with small idle motion. All timing, amplitude and sway values come from the
video seed.

What the acting hand does during the interaction is in :mod:`interhf_bench.synth.choreography`. Which
hand acts: the named hand for pinching and stroking, the hand on the same
side as the poked cheek, and for swipes the hand on the side the swipe starts from (LR-FS: left hand,
RL-FS: right hand).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from interhf_bench.protocol.taxonomy import Category, FacialRegion, InteractionClass, Side
from interhf_bench.synth import hand as hm
from interhf_bench.synth.body import HEAD_CENTER, HeadPose
from interhf_bench.synth.choreography import PALM_LENGTH, Ctx, choreography
from interhf_bench.synth.deform import Contact
from interhf_bench.synth.face import FaceGeometry
from interhf_bench.synth.hand import HandPose
from interhf_bench.synth.identity import Identity
from interhf_bench.synth.timing import engagement, sample_tempo, smooth


@dataclass(frozen=True)
class FrameState:
    """Everything the renderer needs for one frame (world units)."""

    head: HeadPose
    body_shift: np.ndarray
    hands: tuple[HandPose, HandPose]  # person's left, person's right
    contacts: tuple[Contact, ...]
    blink: bool
    engagement: float  # 0 at rest .. 1 in the interaction pose


def acting_side(interaction: InteractionClass) -> Side:
    """The hand that performs the interaction (see the module docstring for the rule)."""
    if interaction.hand is not None:
        return interaction.hand
    if interaction.category is Category.POKING:
        return Side.LEFT if interaction.region is FacialRegion.LEFT_CHEEK else Side.RIGHT
    if interaction.direction is not None:
        return interaction.direction[0]
    raise ValueError(f"cannot tell which hand performs {interaction.code}")


def side_sign(side: Side) -> float:
    """+1 for the person's left (image right), -1 for the right."""
    return 1.0 if side is Side.LEFT else -1.0


REST_CURL = (0.0, 0.4, 0.55, 0.3)


def rest_pose(sign: float, scale: float, wobble: np.ndarray) -> HandPose:
    """Hand resting low in front of the chest, back of the hand to the camera, fingers relaxed.

    ``wobble`` = (dx, dy, dz, curl): idle drift of the wrist (x mirrored per side) and finger curl.
    """
    wrist = np.array([sign * 0.12, 0.955, -0.14]) + wobble[:3] * [sign, 1.0, 1.0]
    f = np.array([-0.8 * sign, -0.6, -0.15])
    n = np.array([-0.2 * sign, 0.1, 1.0])
    a = (
        hm.angles(hm.THUMB_RELAXED, index=REST_CURL, middle=REST_CURL, ring=REST_CURL, pinky=REST_CURL)
        + wobble[3]
    )
    return HandPose(sign, wrist, f / np.linalg.norm(f), n / np.linalg.norm(n), a, scale)


def _rest_wobble(tau: float, phase: np.ndarray, jitter: np.ndarray) -> np.ndarray:
    """Idle motion of a resting hand: wrist drift (x, y, z) and a small change of finger curl."""
    wave = np.sin(2 * np.pi * 0.8 * tau + phase)
    return np.array([jitter[0] + 0.004 * wave[0], jitter[1] + 0.004 * wave[1], 0.0, 0.05 * wave[2]])


def plan_motion(
    interaction: InteractionClass, idt: Identity, face: FaceGeometry, num_frames: int, seed: int
) -> list[FrameState]:
    """The state of every frame of one video (deterministic in ``seed``).

    The random draws do not depend on the class, so one seed gives the same reference frame (frame 0)
    for every class: the reference never gives the interaction away.
    """
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, 0x5A])
    tempo = sample_tempo(num_frames, interaction, rng)
    sway_phase = rng.uniform(0, 2 * np.pi, 5)
    sway_freq = rng.uniform(0.4, 1.2, 5)
    # head x, head y, head roll (radians), body x, body y
    sway_amp = np.array([0.004, 0.003, 0.025, 0.003, 0.002]) * rng.uniform(0.5, 1.2, 5)
    wobble_phase = rng.uniform(0, 2 * np.pi, (2, 3))
    rest_jitter = rng.uniform(-0.012, 0.012, (2, 2))
    blink_frames: set[int] = set()
    if num_frames >= 12 and rng.uniform() < 0.75:
        first = int(rng.integers(max(2, num_frames // 6), num_frames))
        blink_frames = {first, first + 1} if num_frames >= 30 else {first}
    acting = acting_side(interaction)
    sign = side_sign(acting)
    scale = PALM_LENGTH * idt.hand_size
    perform = choreography(interaction)
    states = []
    for i in range(num_frames):
        tau = i / (num_frames - 1) if num_frames > 1 else 0.0
        waves = sway_amp * np.sin(2 * np.pi * sway_freq * tau + sway_phase)
        body_shift = waves[3:5]
        head = HeadPose(HEAD_CENTER + body_shift + waves[0:2], float(waves[2]))
        alpha = engagement(tau, tempo)
        contacts: tuple[Contact, ...] = ()
        hands = []
        for h, side in enumerate((Side.LEFT, Side.RIGHT)):
            rest = rest_pose(side_sign(side), scale, _rest_wobble(tau, wobble_phase[h], rest_jitter[h]))
            rest = replace(rest, wrist=rest.wrist + np.append(body_shift, 0.0))
            if side is acting and alpha > 0:
                u = (tau - tempo.approach_end) / max(tempo.withdraw_start - tempo.approach_end, 1e-6)
                target, touch = perform(Ctx(sign, face, head, tempo, scale, interaction), max(u, 0.0))
                weight = smooth((alpha - 0.85) / 0.15)  # touching only once the hand has arrived
                contacts = tuple(c.weighted(weight) for c in touch) if weight > 0 else ()
                hands.append(hm.blend(rest, target, alpha))
            else:
                hands.append(rest)
        states.append(FrameState(head, body_shift, (hands[0], hands[1]), contacts, i in blink_frames, alpha))
    return states
