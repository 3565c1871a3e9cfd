"""The COCO-WholeBody 133-keypoint layout, in the order DWPose emits it.

Every keypoint array in the suite has shape ``(T, 133, 3)`` holding ``(x, y, score)`` per point:
``x`` and ``y`` are pixel coordinates in the frame the keypoints were measured on (origin at the
top-left pixel corner), ``score`` is a confidence in ``[0, 1]``; a point that is absent has score 0.
"Left" and "right" are the person's own sides, as in COCO (the left hand of a person facing the
camera appears on the right of the image).
"""

from __future__ import annotations

from typing import Final

NUM_KEYPOINTS: Final = 133

BODY: Final = slice(0, 17)
FEET: Final = slice(17, 23)
FACE: Final = slice(23, 91)
LEFT_HAND: Final = slice(91, 112)
RIGHT_HAND: Final = slice(112, 133)

BODY_NAMES: Final = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
)  # fmt: skip
FEET_NAMES: Final = (
    "left_big_toe", "left_small_toe", "left_heel", "right_big_toe", "right_small_toe", "right_heel",
)  # fmt: skip
BODY_INDEX: Final = {name: i for i, name in enumerate(BODY_NAMES)}

# Face: the 68 iBUG 300-W landmarks. Their order is image-based: for a frontal face the first brow
# (17-21) and the first eye (36-41) are on the image's left, i.e. the person's right.
FACE_JAW: Final = slice(0, 17)
FACE_RIGHT_BROW: Final = slice(17, 22)
FACE_LEFT_BROW: Final = slice(22, 27)
FACE_NOSE_BRIDGE: Final = slice(27, 31)
FACE_NOSE_BOTTOM: Final = slice(31, 36)
FACE_RIGHT_EYE: Final = slice(36, 42)
FACE_LEFT_EYE: Final = slice(42, 48)
FACE_OUTER_LIPS: Final = slice(48, 60)
FACE_INNER_LIPS: Final = slice(60, 68)
NUM_FACE_POINTS: Final = 68

# Hand: 21 points, wrist then four joints per finger from the base to the tip.
HAND_WRIST: Final = 0
FINGERS: Final = ("thumb", "index", "middle", "ring", "pinky")
NUM_HAND_POINTS: Final = 21


def finger_joints(finger: str) -> tuple[int, int, int, int]:
    """Indices (within one hand's 21 points) of a finger's four joints, base first, tip last."""
    start = 1 + 4 * FINGERS.index(finger)
    return (start, start + 1, start + 2, start + 3)


def fingertip(finger: str) -> int:
    """Index (within one hand's 21 points) of a finger's tip."""
    return finger_joints(finger)[-1]


HAND_EDGES: Final = tuple(
    (a, b)
    for finger in FINGERS
    for a, b in zip((HAND_WRIST, *finger_joints(finger)[:-1]), finger_joints(finger), strict=True)
)
"""The 20 bones of a hand (wrist to each finger's base, then along the finger)."""
