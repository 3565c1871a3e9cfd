"""The DWPose renderer: geometry, confidence alpha, colours, scaling, validation, MimicMotion parity."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from interhf_bench.pose.render import (
    OPENPOSE_PALETTE,
    PoseRenderStyle,
    draw_pose,
    openpose18,
    render_pose_video,
)
from interhf_bench.pose.wholebody import BODY_INDEX, FACE, LEFT_HAND, RIGHT_HAND

# Direct drawing at the output size: crisp pixels whose values can be predicted exactly.
CRISP = PoseRenderStyle(supersample=False)


def _empty() -> np.ndarray:
    return np.zeros((133, 3))


def _set(keypoints: np.ndarray, name: str, x: float, y: float, score: float = 1.0) -> None:
    keypoints[BODY_INDEX[name]] = (x, y, score)


def _person() -> np.ndarray:
    """A person in a 96x160 (W x H) frame, hand at the face; rational coordinates only, so every
    platform rasterises it identically."""
    kp = _empty()
    body = {
        "nose": (48, 30, 0.9), "left_eye": (52, 27, 0.9), "right_eye": (44, 27, 0.9),
        "left_ear": (57, 29, 0.7), "right_ear": (39, 29, 0.5), "left_shoulder": (64, 52, 0.9),
        "right_shoulder": (32, 52, 0.95), "left_elbow": (72, 80, 0.8), "right_elbow": (24, 76, 0.9),
        "left_wrist": (70, 106, 0.6), "right_wrist": (40.5, 44.25, 0.9), "left_hip": (58, 110, 0.8),
        "right_hip": (38, 110, 0.8), "left_knee": (60, 140, 0.5), "right_knee": (36, 140, 0.45),
        "left_ankle": (61, 158, 0.2), "right_ankle": (35, 158, 0.2),
    }  # fmt: skip
    for name, point in body.items():
        _set(kp, name, *point)
    k = np.arange(17)
    jaw = np.stack([38 + 1.25 * k, 40 - (k - 8.0) ** 2 * 12 / 64], axis=1)
    brows = np.stack([np.r_[40:46.5:1.5, 50:56.5:1.5], np.full(10, 24.5)], axis=1)
    nose = np.array(
        [[48, 26], [48, 28], [48, 30], [48, 32], [46, 33], [47, 33.5], [48, 34], [49, 33.5], [50, 33]]
    )
    eyes = np.array(
        [
            [x + dx, 27 + dy]
            for x in (44, 52)
            for dx, dy in ((-2, 0), (-1, -1), (1, -1), (2, 0), (1, 1), (-1, 1))
        ]
    )
    outer_lips = [[44, 37], [45, 36], [47, 35.5], [48, 36], [49, 35.5], [51, 36], [52, 37], [51, 38.5]]
    outer_lips += [[49.5, 39], [48, 39], [46.5, 39], [45, 38.5]]
    inner_lips = [
        [45, 37],
        [47, 36.5],
        [48, 36.75],
        [49, 36.5],
        [51, 37],
        [49, 37.5],
        [48, 37.75],
        [47, 37.5],
    ]
    mouth = np.array(outer_lips + inner_lips)
    kp[FACE, :2] = np.concatenate([jaw, brows, nose, eyes, mouth])
    kp[FACE, 2] = 0.8
    kp[FACE.start + 5, 2] = 0.0
    for hand, (wx, wy), step, score in (
        (RIGHT_HAND, (40.5, 44.25), -3.0, 0.9),
        (LEFT_HAND, (70, 106), 3.0, 0.6),
    ):
        points = [(wx, wy)]
        for finger, dx in enumerate((-4.0, -2.0, 0.0, 2.0, 4.0)):
            points += [(wx + dx * (1 + 0.5 * j), wy + step * (2 + j) + 0.25 * finger) for j in range(4)]
        kp[hand, :2] = points
        kp[hand, 2] = score
    return kp


def _hand_bone(x0: float, y0: float, x1: float, y1: float, s0: float = 1.0, s1: float = 1.0) -> np.ndarray:
    """Only the left hand's first bone (wrist to thumb base)."""
    kp = _empty()
    kp[LEFT_HAND.start] = (x0, y0, s0)
    kp[LEFT_HAND.start + 1] = (x1, y1, s1)
    return kp


def test_shape_dtype_and_black_background() -> None:
    for style in (PoseRenderStyle(), CRISP):
        image = draw_pose(_person(), 160, 96, style=style)
        assert image.shape == (160, 96, 3) and image.dtype == np.uint8
        assert image.any()
        assert not draw_pose(_empty(), 160, 96, style=style).any()
    video = render_pose_video(np.stack([_person(), _empty()]), 50, 30, source_size=(160, 96))
    assert video.shape == (2, 50, 30, 3) and video.dtype == np.uint8
    assert video[0].any() and not video[1].any()


def test_points_with_score_but_no_confidence_are_not_drawn() -> None:
    kp = _person()
    kp[:, 2] = 0.0
    assert not draw_pose(kp, 160, 96).any()
    kp = _person()
    kp[:, 2] = 0.3  # body threshold is strict: nothing of the body, only hands and face
    body_only = PoseRenderStyle(draw_hands=False, draw_face=False)
    assert not draw_pose(kp, 160, 96, style=body_only).any()


def test_hand_bone_lies_on_the_segment_with_its_hue() -> None:
    image = draw_pose(_hand_bone(20.0, 30.0, 80.0, 30.0), 60, 100, style=CRISP)
    # Bone 0 has hue 0 (red in OpenPose's palette); MimicMotion's BGR->RGB swap makes it blue.
    assert (image[29:31, 30:71] == (0, 0, 255)).all(axis=-1).any(axis=0).all()
    far = np.ones((60, 100), dtype=bool)
    far[25:36, 15:86] = False
    assert not image[far].any()
    # The endpoints get hand dots: red once swapped (OpenPose's blue dots).
    assert tuple(image[30, 20]) == (255, 0, 0) and tuple(image[30, 80]) == (255, 0, 0)
    unswapped = draw_pose(
        _hand_bone(20.0, 30.0, 80.0, 30.0),
        60,
        100,
        style=PoseRenderStyle(supersample=False, swap_red_blue=False),
    )
    assert tuple(unswapped[30, 50]) == (255, 0, 0) and tuple(unswapped[30, 20]) == (0, 0, 255)


def test_supersampled_bone_is_visible_along_its_length() -> None:
    """Area downsampling keeps every stretch of a thin bone (bilinear, MimicMotion's, may skip rows)."""
    image = draw_pose(
        _hand_bone(40.0, 60.0, 340.0, 260.0), 384, 384, style=PoseRenderStyle(downsample="area")
    )
    for x in range(60, 321, 10):
        y = 60.0 + (x + 0.5 - 40.0) * 200.0 / 300.0
        assert image[int(y) - 1 : int(y) + 2, x].any(), x
    assert not image[300:, :].any() and not image[:, :30].any()


def test_confidence_scales_colour_and_threshold_hides() -> None:
    bright = draw_pose(_hand_bone(20.0, 30.0, 80.0, 30.0, 1.0, 1.0), 60, 100, style=CRISP)
    dim = draw_pose(_hand_bone(20.0, 30.0, 80.0, 30.0, 1.0, 0.5), 60, 100, style=CRISP)
    assert tuple(bright[30, 50]) == (0, 0, 255) and tuple(dim[30, 50]) == (0, 0, 127)
    flat = draw_pose(
        _hand_bone(20.0, 30.0, 80.0, 30.0, 1.0, 0.5),
        60,
        100,
        style=PoseRenderStyle(supersample=False, confidence_alpha=False),
    )
    assert tuple(flat[30, 50]) == (0, 0, 255)

    def limb(elbow_score: float) -> np.ndarray:
        kp = _empty()
        _set(kp, "left_shoulder", 20.0, 40.0, 1.0)
        _set(kp, "left_elbow", 80.0, 40.0, elbow_score)
        return draw_pose(kp, 80, 100, style=CRISP)

    # OpenPose limb 4 (left shoulder-elbow): palette (170, 255, 0), x score product, x 0.6, then swapped.
    assert OPENPOSE_PALETTE[4] == (170, 255, 0)
    assert tuple(limb(1.0)[40, 50]) == (0, 153, 102)
    assert tuple(limb(0.5)[40, 50]) == (0, 76, 51)
    below = limb(0.3)
    assert not below[40, 30:71].any()  # no limb, no elbow joint
    assert below[40, 20].any()  # the shoulder joint is still drawn


def test_face_dots_are_grey_by_score() -> None:
    kp = _empty()
    kp[FACE.start] = (10.0, 10.0, 1.0)
    kp[FACE.start + 1] = (30.0, 10.0, 0.5)
    kp[FACE.start + 2] = (50.0, 10.0, 0.0)
    image = draw_pose(kp, 20, 60, style=CRISP)
    assert tuple(image[10, 10]) == (255, 255, 255) and tuple(image[10, 30]) == (127, 127, 127)
    assert not image[:, 45:].any()


def test_points_at_the_origin_are_placeholders() -> None:
    kp = _empty()
    kp[LEFT_HAND.start] = (0.0, 0.0, 1.0)
    kp[FACE.start] = (-1.0, -1.0, 1.0)
    assert not draw_pose(kp, 40, 40, style=CRISP).any()
    assert draw_pose(kp, 40, 40, style=PoseRenderStyle(supersample=False, skip_origin_points=False)).any()


def test_parts_can_be_switched_off() -> None:
    kp = _person()
    assert not draw_pose(
        kp, 160, 96, style=PoseRenderStyle(draw_body=False, draw_hands=False, draw_face=False)
    ).any()
    body = draw_pose(kp, 160, 96, style=PoseRenderStyle(draw_hands=False, draw_face=False))
    assert body.any() and not body[150:].any()  # the ankles (score 0.2) stay hidden


def test_openpose18_neck_and_order() -> None:
    kp = _person()
    points = openpose18(kp[:17])
    assert points.shape == (18, 3)
    np.testing.assert_allclose(points[1], (48.0, 52.0, 1.0))  # neck: shoulders' midpoint, score 1
    np.testing.assert_allclose(points[2], kp[BODY_INDEX["right_shoulder"]])
    np.testing.assert_allclose(points[17], kp[BODY_INDEX["left_ear"]])
    kp[BODY_INDEX["left_shoulder"], 2] = 0.3
    assert openpose18(kp[:17])[1, 2] == 0.0


def test_source_size_scales_coordinates() -> None:
    kp = _person()
    doubled = kp.copy()
    doubled[:, :2] *= 2
    expected = draw_pose(doubled, 320, 192)
    np.testing.assert_array_equal(draw_pose(kp, 320, 192, source_size=(160, 96)), expected)
    squeezed = kp.copy()
    squeezed[:, 0] *= 2  # x already doubled; only y scales from source (160, 192) to output (320, 192)
    np.testing.assert_array_equal(draw_pose(squeezed, 320, 192, source_size=(160, 192)), expected)
    assert not np.array_equal(draw_pose(kp, 320, 192), expected)


def test_video_matches_frames() -> None:
    frames = np.stack([_person(), _empty(), _person() * [1.1, 0.9, 1.0]])
    video = render_pose_video(frames, 160, 96, style=CRISP)
    for t, frame in enumerate(frames):
        np.testing.assert_array_equal(video[t], draw_pose(frame, 160, 96, style=CRISP))


# sha256 of the 384x640 render of _person() (measured in 96x160) with PoseRenderStyle(subpixel=False), as
# produced by a
# transcription of Tencent/MimicMotion mimicmotion/dwpose/util.py:draw_pose (with DWPose's neck and
# OpenPose reordering) on the same keypoints: integer geometry reproduces it pixel for pixel.
MIMICMOTION_SHA256 = "4ebe3a35bd63092a2706e4574e45bfd867c28143ddf9114129ca85f734954666"


def test_integer_geometry_reproduces_mimicmotion() -> None:
    image = draw_pose(_person(), 640, 384, source_size=(160, 96), style=PoseRenderStyle(subpixel=False))
    assert hashlib.sha256(np.ascontiguousarray(image).tobytes()).hexdigest() == MIMICMOTION_SHA256
    # The default, sub-pixel geometry differs only by small shifts: same colours, similar amount of ink.
    default = draw_pose(_person(), 640, 384, source_size=(160, 96)).astype(np.int64)
    assert abs(default.sum() - image.astype(np.int64).sum()) < 0.1 * image.astype(np.int64).sum()


@pytest.mark.parametrize(
    ("keypoints", "match"),
    [
        (np.zeros((132, 3)), "shape"),
        (np.zeros((133, 2)), "shape"),
        (np.zeros((1, 133, 3)), "shape"),
        (np.full((133, 3), np.nan), "NaN"),
        (np.full((133, 3), 2.0), r"\[0, 1\]"),
        (np.zeros((133, 3), dtype=object), "numeric"),
    ],
)
def test_bad_keypoints_raise(keypoints: np.ndarray, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        draw_pose(keypoints, 10, 10)


def test_bad_sizes_and_styles_raise() -> None:
    with pytest.raises(ValueError, match=r"\(T, 133, 3\)"):
        render_pose_video(_empty(), 10, 10)
    with pytest.raises(ValueError, match="height, width"):
        draw_pose(_empty(), 0, 10)
    with pytest.raises(ValueError, match="source_size"):
        draw_pose(_empty(), 10, 10, source_size=(10, -1))
    with pytest.raises(ValueError, match="score_threshold"):
        PoseRenderStyle(score_threshold=-0.1)
    with pytest.raises(ValueError, match="downsample"):
        PoseRenderStyle(downsample="cubic")  # type: ignore[arg-type]
