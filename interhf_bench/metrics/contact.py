"""Hand-face contact frame by frame, from keypoints: which hand touches the face, and where.

The same rule reads the ground-truth frames and the generated frames (detected by the same backend), so
what the detector gets wrong on both cancels in the comparison (:mod:`interhf_bench.metrics.interaction`).
Per frame, every detected hand (the backend's two and the two it finds on the close face crop,
:mod:`interhf_bench.pose.face_hands`; a detection within :attr:`ContactRule.same_hand` face widths of
another is the same hand) is read against the face (:mod:`interhf_bench.metrics.hand_reading`), and each
side keeps its nearest hand. A side touches when its hand has a joint within :attr:`ContactRule.reach`
of the face ellipse. Over time, gaps of at most :attr:`ContactRule.fill_gaps` frames inside a touch are
closed (a detector losing the hand for a frame), then every touch loses :attr:`ContactRule.trim`
frames at each end: a hand in front of the face in the picture is still on its way for about a frame
before it reaches the skin and after it leaves. A frame whose face the model lost (a palm over it) uses
the nearest frame's face up to :attr:`ContactRule.face_hold` frames away; without one it has no contact.

``reach``, ``fill_gaps``, ``trim`` and ``straight`` (:mod:`interhf_bench.metrics.hand_reading`) are
calibrated on the synthetic set's training split against the generator's true contact
(``benchmarks/calibrate_contact.py``, docs/metrics.md); ``same_hand`` and ``face_hold`` are not fitted
(a fifth of a face width apart is one hand; the head moves little in four frames). Frames are the
protocol's 15 fps frames: the frame counts assume that rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from interhf_bench.metrics.face_frame import FaceFrame, face_frame
from interhf_bench.metrics.face_parts import NO_PART, PROTOTYPES, Prototypes, part_of
from interhf_bench.metrics.hand_reading import STRAIGHT, HandReading, hand_side, is_hand, read_hand
from interhf_bench.pose.wholebody import LEFT_HAND, RIGHT_HAND

SIDES = 2  # the person's left, then right
Readings = tuple[HandReading | None, HandReading | None]


@dataclass(frozen=True)
class ContactRule:
    """The calibrated constants of the contact rule (see the module docstring)."""

    reach: float = 1.1
    fill_gaps: int = 3
    trim: int = 1
    same_hand: float = 0.2
    face_hold: int = 4
    straight: float = STRAIGHT
    prototypes: Prototypes = field(default_factory=lambda: dict(PROTOTYPES))


@dataclass(frozen=True)
class ContactTrack:
    """One video's contact: per frame and side the nearest hand's reading, the contact, the part."""

    readings: list[Readings]
    contact: np.ndarray  # (T, 2) bool
    part: np.ndarray  # (T, 2) int8, data.arrays.CONTACT_PARTS index, -1 without contact
    face: np.ndarray  # (T,) bool: a face was found (or held from a frame at most face_hold away)

    @property
    def touching(self) -> np.ndarray:
        """``(T,)``: some hand touches the face."""
        return self.contact.any(axis=1)


def held_faces(frames: list[FaceFrame | None], hold: int) -> list[FaceFrame | None]:
    """Each missing face replaced by the nearest found one at most ``hold`` frames away (a palm over the
    face hides it from the face model while the head has hardly moved)."""
    found = [index for index, frame in enumerate(frames) if frame is not None]
    if not found:
        return frames
    held = list(frames)
    for index, frame in enumerate(frames):
        nearest = min(found, key=lambda other: abs(other - index))
        if frame is None and abs(nearest - index) <= hold:
            held[index] = frames[nearest]
    return held


def detected_hands(keypoints: np.ndarray, face_hands: np.ndarray, frame: FaceFrame, same: float) -> list:
    """The distinct detected hands of one frame: the face crop's first (closer view), then the backend's."""
    hands: list[np.ndarray] = []
    for points in (*face_hands, keypoints[LEFT_HAND], keypoints[RIGHT_HAND]):
        if is_hand(points) and not any(_same_hand(points, kept, frame, same) for kept in hands):
            hands.append(points)
    return hands


def _same_hand(a: np.ndarray, b: np.ndarray, frame: FaceFrame, same: float) -> bool:
    both = (a[:, 2] > 0) & (b[:, 2] > 0)
    if not both.any():
        return False
    return float(np.linalg.norm(a[both, :2] - b[both, :2], axis=1).mean()) / frame.width < same


def frame_readings(
    keypoints: np.ndarray, face_hands: np.ndarray, frame: FaceFrame | None, rule: ContactRule
) -> Readings:
    """Per side, the reading of the hand nearest the face (``None``: no hand, or no face)."""
    nearest: list[HandReading | None] = [None] * SIDES
    if frame is None:
        return (None, None)
    for points in detected_hands(keypoints, face_hands, frame, rule.same_hand):
        side = hand_side(points, keypoints, frame)
        reading = read_hand(points, side, frame, rule.reach, rule.straight)
        current = nearest[reading.side]
        if current is None or reading.distance < current.distance:
            nearest[reading.side] = reading
    return (nearest[0], nearest[1])


def settle(raw: np.ndarray, fill_gaps: int, trim: int) -> np.ndarray:
    """``(T,)`` contact with gaps of up to ``fill_gaps`` frames closed, then ``trim`` frames taken off
    each end of every touch (a touch shorter than that disappears)."""
    settled = raw.copy()
    if fill_gaps > 0:
        padded = np.pad(raw, fill_gaps)
        closed = ndimage.binary_closing(padded, structure=np.ones(fill_gaps + 1, bool))
        settled |= closed[fill_gaps:-fill_gaps]
    if trim > 0:
        settled = ndimage.binary_erosion(settled, structure=np.ones(2 * trim + 1, bool), border_value=0)
    return settled


def contact_parts(readings: list[Readings], contact: np.ndarray, prototypes: Prototypes) -> np.ndarray:
    """``(T, 2)`` part of each contact frame; a frame whose hand was lost keeps the part before it."""
    part = np.full(contact.shape, NO_PART, np.int8)
    for side in range(SIDES):
        previous = NO_PART
        for index in np.flatnonzero(contact[:, side]):
            reading = readings[index][side]
            previous = part_of(reading, prototypes) if reading is not None else previous
            part[index, side] = previous
    return part


def contact_track(
    keypoints: np.ndarray, face_hands: np.ndarray, rule: ContactRule | None = None
) -> ContactTrack:
    """The contact track of ``(T, 133, 3)`` keypoints and ``(T, 2, 21, 3)`` face-crop hands."""
    rule = rule or ContactRule()
    frames = held_faces([face_frame(points) for points in keypoints], rule.face_hold)
    readings = [
        frame_readings(points, hands, frame, rule)
        for points, hands, frame in zip(keypoints, face_hands, frames, strict=True)
    ]
    raw = np.array([[r is not None and r.distance <= rule.reach for r in pair] for pair in readings], bool)
    raw = raw.reshape(len(readings), SIDES)
    contact = np.stack([settle(raw[:, side], rule.fill_gaps, rule.trim) for side in range(SIDES)], axis=1)
    part = contact_parts(readings, contact, rule.prototypes)
    return ContactTrack(readings, contact, part, np.array([f is not None for f in frames], bool))
