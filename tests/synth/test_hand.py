"""Hand kinematics: fingertips reach their targets, left mirrors right, keypoints lie on the drawing."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from interhf_bench.pose.wholebody import FINGERS, fingertip
from interhf_bench.synth import hand as hm


def _pose(sign: float, shape: np.ndarray | None = None) -> hm.HandPose:
    shape = hm.angles(hm.THUMB_RELAXED) if shape is None else shape
    return hm.HandPose(
        sign, np.array([0.1, 0.5, -0.1]), np.array([0.2, -1.0, 0.1]), np.array([0.1, 0.2, 1.0]), shape, 0.1
    )


def test_straight_finger_reaches_its_full_length() -> None:
    pose = _pose(1.0, np.zeros((5, 4)))
    local = hm.local_joints(pose.angles)
    for name in FINGERS[1:]:
        model = hm.MODEL[name]
        tip = local[fingertip(name)]
        assert np.linalg.norm(tip - model.base) == pytest.approx(sum(model.lengths))


@pytest.mark.parametrize("finger", ["thumb", "index", "middle", "ring", "pinky"])
def test_reach_lands_on_reachable_targets(finger: str) -> None:
    rng = np.random.default_rng(3)
    pose = _pose(-1.0)
    for _ in range(20):
        wanted = pose.angles.copy()
        i = FINGERS.index(finger)
        curl = rng.uniform(0.0, 1.2)
        coupling = hm.MODEL[finger].coupling
        wanted[i] = (rng.uniform(-0.3, 0.3), rng.uniform(-0.2, 0.8), curl, curl * coupling)
        target = hm.joints(replace(pose, angles=wanted))[fingertip(finger)]
        reached = hm.joints(hm.reach(pose, finger, target))[fingertip(finger)]
        assert np.linalg.norm(reached - target) < 1e-6


def test_reach_points_at_unreachable_targets() -> None:
    pose = _pose(1.0)
    far = pose.wrist + np.array([0.0, -10.0, 0.0])
    tip = hm.joints(hm.reach(pose, "index", far))[fingertip("index")]
    base = hm.joints(pose)[5]
    assert np.dot(_unit(tip - base), _unit(far - base)) > 0.999


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def test_right_hand_is_the_mirror_of_the_left() -> None:
    mirror = np.diag([-1.0, 1.0, 1.0])
    left = _pose(1.0)
    right = hm.HandPose(
        -1.0,
        mirror @ left.wrist,
        mirror @ left.finger_dir,
        mirror @ left.palm_normal,
        left.angles,
        left.scale,
    )
    np.testing.assert_allclose(hm.joints(right), hm.joints(left) @ mirror, atol=1e-12)


def test_thumb_is_on_the_thumb_side() -> None:
    # left hand, back of the hand to the camera, fingers up: the thumb is on the image right
    pose = hm.HandPose(
        1.0,
        np.zeros(3),
        np.array([0.0, -1.0, 0.0]),
        np.array([0.0, 0.0, 1.0]),
        hm.angles(hm.THUMB_OPEN, index=hm.STRAIGHT, middle=hm.STRAIGHT, ring=hm.STRAIGHT, pinky=hm.STRAIGHT),
        0.1,
    )
    pts = hm.joints(pose)
    assert pts[fingertip("thumb"), 0] > pts[fingertip("index"), 0] > pts[fingertip("pinky"), 0]


def test_place_moves_without_reshaping() -> None:
    pose = _pose(1.0)
    target = np.array([0.3, 0.2, -0.1])
    moved = hm.place(pose, "middle", target)
    np.testing.assert_allclose(hm.joints(moved)[fingertip("middle")], target)
    np.testing.assert_allclose(moved.angles, pose.angles)


def test_keypoints_lie_on_the_drawn_hand() -> None:
    rng = np.random.default_rng(0)
    style = hm.HandStyle((255, 255, 255), (255, 255, 255), (255, 255, 255), (255, 255, 255))
    scale = 400.0
    for _ in range(12):
        shape = np.column_stack([rng.uniform(-0.2, 0.2, 5), rng.uniform(0, 1.4, (5, 3))])
        f = rng.normal(size=3)
        pose = hm.HandPose(
            float(rng.choice([-1.0, 1.0])), np.array([0.5, 0.6, 0.0]), f, rng.normal(size=3), shape, 0.1
        )
        img = np.zeros((400, 400, 3), np.uint8)
        hm.draw_hand(img, pose, lambda w: w[..., :2] * scale, scale, style)
        px = hm.joints(pose)[:, :2] * scale
        inside = (px >= 0).all(axis=1) & (px < 400).all(axis=1)
        drawn = img[px[inside, 1].astype(int), px[inside, 0].astype(int), 0] > 0
        assert inside.sum() > 15 and drawn.all()


def test_blend_ends_are_the_poses() -> None:
    a, b = _pose(1.0), hm.place(_pose(1.0, hm.angles(hm.THUMB_TUCKED)), "index", np.array([0.0, 0.3, -0.1]))
    np.testing.assert_allclose(hm.joints(hm.blend(a, b, 0.0)), hm.joints(a), atol=1e-12)
    np.testing.assert_allclose(hm.joints(hm.blend(a, b, 1.0)), hm.joints(b), atol=1e-12)
