"""What one detected hand shows relative to the face: how near it is, where, and how many fingers it extends.

All positions are in face coordinates (:mod:`interhf_bench.metrics.face_frame`). Nearness is measured
against the face ellipse, centred :data:`FACE_ELLIPSE` below the eyes with semi-axes reaching the ears
across and the hairline and the chin up and down: a joint's ellipse distance is 1 on the ellipse, below
1 inside. A finger is extended when its joints lie nearly on a line: the straight distance from its base
to its tip is at least :data:`STRAIGHT` of the length along its bones (2D, so a finger pointing at the
camera still reads as straight; a curled finger folds back).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from interhf_bench.metrics.face_frame import FaceFrame
from interhf_bench.pose.wholebody import BODY_INDEX, FINGERS, HAND_WRIST, finger_joints

JOINT_SCORE: Final = 0.3
MIN_JOINTS: Final = 3
FACE_ELLIPSE: Final = (0.0, 0.2, 0.62, 0.8)
"""Centre ``u``, ``v`` and semi-axes across and down of the face ellipse, in face widths."""
STRAIGHT: Final = 0.8
PALM_JOINTS: Final = (HAND_WRIST, *(finger_joints(name)[0] for name in FINGERS))
COUNTED_FINGERS: Final = FINGERS[1:]  # the thumb is not counted: a poke's thumb is tucked or not
WRIST_SCORE: Final = 0.5
WRIST_MATCH: Final = 0.5  # face widths between a hand's wrist and a body wrist that claims it
BODY_WRISTS: Final = (BODY_INDEX["left_wrist"], BODY_INDEX["right_wrist"])


@dataclass(frozen=True)
class HandReading:
    """One hand in one frame: side (0 the person's left, 1 right), ellipse distance of its nearest joint,
    the point where it is nearest the face (the mean of its touching joints), its palm centre (both face
    coordinates) and its extended fingers (thumb not counted)."""

    side: int
    distance: float
    point: np.ndarray
    palm: np.ndarray
    fingers: int


def is_hand(points: np.ndarray) -> bool:
    """At least :data:`MIN_JOINTS` confident joints: the hand was detected."""
    return int((points[:, 2] > JOINT_SCORE).sum()) >= MIN_JOINTS


def ellipse_distance(local: np.ndarray) -> np.ndarray:
    """``(N,)`` ellipse distance of ``(N, 2)`` face-coordinate points (1 on the face ellipse)."""
    cu, cv, au, av = FACE_ELLIPSE
    return np.hypot((local[:, 0] - cu) / au, (local[:, 1] - cv) / av)


def extended_fingers(points: np.ndarray, straight: float = STRAIGHT) -> int:
    """How many of index, middle, ring and little finger are straight (all their joints confident)."""
    count = 0
    for name in COUNTED_FINGERS:
        chain = points[list(finger_joints(name))]
        if (chain[:, 2] <= JOINT_SCORE).any():
            continue
        bones = np.linalg.norm(np.diff(chain[:, :2], axis=0), axis=1).sum()
        count += bool(bones > 0 and np.linalg.norm(chain[-1, :2] - chain[0, :2]) >= straight * bones)
    return count


def hand_side(points: np.ndarray, keypoints: np.ndarray, frame: FaceFrame) -> int:
    """The person's side of a hand: the body wrist (of ``keypoints``) at its wrist when one is there,
    else the side of the face its wrist is on (which also holds for a hand the body model lost)."""
    wrist = points[HAND_WRIST, :2]
    distances = [
        np.linalg.norm(keypoints[index, :2] - wrist) / frame.width
        if keypoints[index, 2] > WRIST_SCORE
        else np.inf
        for index in BODY_WRISTS
    ]
    if min(distances) <= WRIST_MATCH:
        return int(np.argmin(distances))
    return 0 if frame.local(wrist[None])[0, 0] >= 0 else 1


def read_hand(
    points: np.ndarray, side: int, frame: FaceFrame, reach: float, straight: float = STRAIGHT
) -> HandReading:
    """The reading of one detected hand; ``reach`` is the ellipse distance within which joints touch,
    ``straight`` the straightness of an extended finger."""
    valid = points[:, 2] > JOINT_SCORE
    local = frame.local(points[valid, :2])
    distance = ellipse_distance(local)
    touching = distance <= reach
    point = local[touching].mean(0) if touching.any() else local[int(np.argmin(distance))]
    palm_valid = valid[list(PALM_JOINTS)]
    palm = frame.local(points[list(PALM_JOINTS)][palm_valid, :2]).mean(0) if palm_valid.any() else point
    return HandReading(side, float(distance.min()), point, palm, extended_fingers(points, straight))
