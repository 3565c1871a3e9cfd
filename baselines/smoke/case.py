"""One short synthetic case for the smoke test: a figure on a plain background raising its right hand to
its face, with COCO-WholeBody keypoints for every frame (body, feet, 68 face points, both hands)."""

from __future__ import annotations

import numpy as np

from interhf_bench.adapters.api import Case

BACKGROUND = (70, 110, 160)  # the reference's plain background
BODY = np.array([  # COCO body (x, y) as fractions of the frame: nose, eyes, ears, shoulders ... ankles
    (0.50, 0.16), (0.47, 0.14), (0.53, 0.14), (0.44, 0.15), (0.56, 0.15), (0.38, 0.28), (0.62, 0.28),
    (0.34, 0.42), (0.66, 0.42), (0.33, 0.55), (0.67, 0.55), (0.42, 0.58), (0.58, 0.58), (0.42, 0.75),
    (0.58, 0.75), (0.42, 0.92), (0.58, 0.92),
])  # fmt: skip


def _hand(wrist: np.ndarray, spread: float) -> np.ndarray:
    """21 hand points fanned out from the wrist (five fingers of four joints)."""
    angles = np.linspace(-0.9, 0.9, 5) - np.pi / 2
    joints = [wrist] + [
        wrist + spread * (k + 1) * np.array([np.cos(a), np.sin(a)]) for a in angles for k in range(4)
    ]
    return np.array(joints)


def pose_at(t: float) -> np.ndarray:
    """``(133, 2)`` keypoints (fractions of the frame) with the right wrist ``t`` of the way to the face."""
    body = BODY.copy()
    body[9] = (1 - t) * BODY[9] + t * np.array([0.42, 0.22])  # the left-image-side wrist rises to the cheek
    body[7] = (1 - t) * BODY[7] + t * np.array([0.36, 0.34])
    feet = np.repeat(body[15:17], 3, axis=0) + np.array([[0.0, 0.03], [0.02, 0.03], [-0.01, 0.03]] * 2)
    angle = np.linspace(0, 2 * np.pi, 68, endpoint=False)
    face = body[0] + np.stack([0.05 * np.cos(angle), 0.06 * np.sin(angle)], axis=1)
    hands = np.concatenate([_hand(body[9], 0.012), _hand(body[10], 0.012)])
    return np.concatenate([body, feet, face, hands])


def smoke_case(height: int, width: int, frames: int, seed: int = 0) -> Case:
    """The case at ``height x width`` with ``frames`` target frames; the reference is frame 0's pose."""
    import cv2

    scale = np.array([width, height], np.float32)
    poses = np.zeros((frames, 133, 3), np.float32)
    for index in range(frames):
        poses[index, :, :2] = pose_at(index / max(frames - 1, 1)) * scale + 0.3  # off the pixel grid
    poses[..., 2] = 0.9
    reference = np.full((height, width, 3), BACKGROUND, np.uint8)
    points = poses[0, :17, :2].astype(int)
    cv2.fillConvexPoly(reference, points[[5, 6, 12, 11]], (200, 60, 60))
    cv2.circle(reference, tuple(points[0]), max(width // 10, 2), (230, 190, 160), -1)
    return Case(
        video_id="smoke", interaction="LH-NP", reference=reference, reference_pose=poses[0], poses=poses,
        num_frames=frames, fps=15, height=height, width=width, seed=seed,
    )  # fmt: skip


LIMBS = (  # COCO body segments, one DensePose-like part colour each (viridis, dark to light)
    ((5, 6), (68, 1, 84)), ((5, 11), (72, 35, 116)), ((6, 12), (64, 67, 135)), ((11, 12), (52, 94, 141)),
    ((5, 7), (41, 120, 142)), ((7, 9), (32, 144, 140)), ((6, 8), (34, 167, 132)), ((8, 10), (68, 190, 112)),
    ((11, 13), (121, 209, 81)), ((13, 15), (189, 222, 38)), ((12, 14), (253, 231, 37)),
    ((14, 16), (230, 200, 30)), ((0, 0), (150, 220, 60)),
)  # fmt: skip


def densepose_standin(case: Case) -> np.ndarray:
    """``(T, H, W, 3)`` part renderings in DensePose's demo style (coloured body parts on black) drawn from
    the case's keypoints: a control input of the right form for the smoke test only; real runs need
    detectron2 DensePose's renderings (the adapter never makes its own)."""
    import cv2

    frames = np.zeros((case.num_frames, case.height, case.width, 3), np.uint8)
    thickness = max(case.width // 12, 2)
    for frame, pose in zip(frames, case.poses, strict=True):
        points = pose[:17, :2].astype(int)
        for (start, end), colour in LIMBS:
            if start == end:  # the head
                cv2.circle(frame, tuple(points[start]), thickness, colour, -1)
            else:
                cv2.line(frame, tuple(points[start]), tuple(points[end]), colour, thickness)
    return frames


def person_mask(case: Case) -> np.ndarray:
    """The reference's person mask (everything drawn over the plain background), as a Grounded-SAM mask
    PNG holds it: ``(H, W)`` uint8, 255 = person."""
    return np.where((case.reference != BACKGROUND).any(-1), 255, 0).astype(np.uint8)
