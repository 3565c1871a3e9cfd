"""``pose-warp``: identity for an unchanged pose, translation follows the keypoints, safe fallbacks."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from interhf_bench.adapters.api import Case, check_output
from interhf_bench.adapters.pose_warp import PoseWarp, PoseWarpSettings, border_points

HEIGHT, WIDTH = 160, 96


def textured_reference() -> np.ndarray:
    rng = np.random.default_rng(0)
    return cv2.GaussianBlur(rng.integers(0, 256, (HEIGHT, WIDTH, 3), dtype=np.uint8), (7, 7), 2)


def make_case(poses: np.ndarray, reference_pose: np.ndarray) -> Case:
    return Case("v", "LC-SF", textured_reference(), reference_pose, poses, len(poses), 15.0, HEIGHT, WIDTH, 7)


@pytest.fixture
def reference_pose() -> np.ndarray:
    rng = np.random.default_rng(1)
    pose = np.zeros((133, 3))
    pose[:, 0] = rng.uniform(25, 70, 133)
    pose[:, 1] = rng.uniform(40, 120, 133)
    pose[:, 2] = 0.9
    return pose


def test_unchanged_pose_gives_the_reference_and_translation_moves_the_content(reference_pose) -> None:
    shifted = reference_pose + np.array([6, -4, 0])
    case = make_case(np.stack([reference_pose, shifted]), reference_pose)
    frames = check_output("pose-warp", case, PoseWarp().generate(case))
    np.testing.assert_array_equal(frames[0], case.reference)
    inner = case.reference[60:100, 35:60].astype(int)
    moved = frames[1][60 - 4 : 100 - 4, 35 + 6 : 60 + 6].astype(int)
    assert np.abs(moved - inner).mean() < 1.0 < np.abs(frames[1][60:100, 35:60].astype(int) - inner).mean()


def test_without_shared_points_the_frame_is_the_reference(reference_pose) -> None:
    hidden = reference_pose.copy()
    hidden[:, 2] = 0.1
    two = hidden.copy()
    two[:2] = reference_pose[:2] + np.array([3, 0, 0])
    case = make_case(np.stack([hidden, two]), reference_pose)
    frames = PoseWarp().generate(case)
    np.testing.assert_array_equal(frames[0], case.reference)
    np.testing.assert_array_equal(frames[1][:, 3:], case.reference[:, :-3])  # mean translation of 2 points


def test_deterministic_and_settings_are_validated(reference_pose) -> None:
    rng = np.random.default_rng(2)
    poses = reference_pose + np.concatenate([rng.normal(0, 3, (4, 133, 2)), np.zeros((4, 133, 1))], axis=2)
    case = make_case(poses, reference_pose)
    np.testing.assert_array_equal(PoseWarp().generate(case), PoseWarp().generate(case))
    smoother = PoseWarp(PoseWarpSettings(smoothing=50.0)).generate(case)
    assert not np.array_equal(smoother, PoseWarp().generate(case))
    with pytest.raises(ValueError, match="min_points"):
        PoseWarpSettings(min_points=2)


def test_border_anchors_cover_the_edges_once() -> None:
    points = border_points(HEIGHT, WIDTH, 4)
    assert len(points) == len(np.unique(points, axis=0)) == 16
    assert {0.0, WIDTH - 1.0} <= set(points[:, 0]) and {0.0, HEIGHT - 1.0} <= set(points[:, 1])
