"""Hand and face masks: closed-form boxes, the pixel convention, resolution changes, validity rules."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from interhf_bench.pose.masks import (
    MaskSpec,
    boxes_to_masks,
    face_mask,
    hand_face_masks,
    hand_mask,
    region_boxes,
)
from interhf_bench.pose.wholebody import BODY_INDEX, FACE, LEFT_HAND, RIGHT_HAND

SOURCE = (100, 80)  # (height, width)


def _frame(right: list | None = None, left: list | None = None, face: list | None = None) -> np.ndarray:
    """Keypoints with only the given (x, y, score) points set, each list filling its region from the start."""
    kp = np.zeros((133, 3))
    for region, points in ((RIGHT_HAND, right), (LEFT_HAND, left), (FACE, face)):
        if points:
            kp[region.start : region.start + len(points)] = points
    return kp


def _rect(rows: range, cols: range, size: tuple[int, int] = SOURCE) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[rows.start : rows.stop, cols.start : cols.stop] = True
    return mask


RIGHT = [(10, 20, 1.0), (30, 20, 0.9), (10, 60, 0.8), (30, 60, 0.5)]
"""A 20 x 40 box centred on (20, 40): x1.5 gives x in [5, 35], y in [10, 70] (aspect 0.5 is kept)."""


def test_hand_box_closed_form() -> None:
    boxes = region_boxes(_frame(right=RIGHT), source_size=SOURCE)
    np.testing.assert_allclose(boxes["right_hand"], (5.0, 10.0, 35.0, 70.0))
    assert np.isnan(boxes["left_hand"]).all() and np.isnan(boxes["face"]).all()
    # Pixel c is inside when c + 0.5 lies in [5, 35]: columns 5..34; rows 10..69.
    np.testing.assert_array_equal(
        hand_mask(_frame(right=RIGHT), SOURCE, source_size=SOURCE), _rect(range(10, 70), range(5, 35))
    )


def test_box_enlargement_aspect_and_clipping() -> None:
    # 10 x 10 box centred on (7, 55) at the left edge: x1.5 gives x in [-0.5, 14.5] -> clipped to [0, 14.5],
    # y in [47.5, 62.5]. Borders are inclusive: column 14 (centre 14.5) and row 62 (centre 62.5) are in.
    corner = [(2, 50, 1.0), (12, 50, 1.0), (2, 60, 1.0), (12, 60, 1.0)]
    np.testing.assert_allclose(
        region_boxes(_frame(left=corner), source_size=SOURCE)["left_hand"], (0, 47.5, 14.5, 62.5)
    )
    np.testing.assert_array_equal(
        hand_mask(_frame(left=corner), SOURCE, source_size=SOURCE), _rect(range(47, 63), range(0, 15))
    )
    # Without source_size the box is not clipped.
    np.testing.assert_allclose(region_boxes(_frame(left=corner))["left_hand"], (-0.5, 47.5, 14.5, 62.5))
    # A thin hand (40 x 4) is widened to aspect 0.5 (40 x 20) before the x1.5: x in [40, 100] -> [40, 80].
    thin = [(50, 88, 1.0), (90, 92, 1.0), (70, 90, 1.0)]
    box = region_boxes(_frame(right=thin), source_size=SOURCE)["right_hand"]
    np.testing.assert_allclose(box, (40.0, 75.0, 80.0, 100.0))  # y in [75, 105] clipped to the bottom edge
    square = region_boxes(_frame(right=thin), spec=MaskSpec(min_aspect=1.0, hand_scale=1.0))["right_hand"]
    np.testing.assert_allclose(square, (50.0, 70.0, 90.0, 110.0))


def test_face_box_with_forehead_and_head_points() -> None:
    face = [(100, 100, 1.0), (140, 100, 1.0), (120, 140, 1.0)]
    size = (200, 200)
    # x [100, 140]; the top rises by 0.3 x 40 -> y [88, 140];
    # x1.2 about (120, 114) -> x [96, 144], y [82.8, 145.2].
    box = region_boxes(_frame(face=face), source_size=size)["face"]
    np.testing.assert_allclose(box, (96.0, 82.8, 144.0, 145.2))
    mask = face_mask(_frame(face=face), size, source_size=size)
    np.testing.assert_array_equal(mask, _rect(range(83, 145), range(96, 144), size))
    # An ear (body keypoint) widens the box; turning head points off ignores it.
    kp = _frame(face=face)
    kp[BODY_INDEX["left_ear"]] = (170, 110, 0.9)
    np.testing.assert_allclose(region_boxes(kp, source_size=size)["face"][[0, 2]], (93.0, 177.0))
    no_head = region_boxes(kp, source_size=size, spec=MaskSpec(face_head_points=False))["face"]
    np.testing.assert_allclose(no_head, box)
    # The head points alone are enough for a face box when the landmarks are missing.
    head = np.zeros((133, 3))
    for name, x in (("nose", 100), ("left_eye", 110), ("right_eye", 90)):
        head[BODY_INDEX[name]] = (x, 100, 0.9)
    assert np.isfinite(region_boxes(head)["face"]).all()


def test_low_scores_are_ignored() -> None:
    far = [*RIGHT, (75, 95, 0.2), (0, 0, 0.3), (70, 5, 0.0)]  # at or under the 0.3 threshold
    np.testing.assert_allclose(region_boxes(_frame(right=far))["right_hand"], (5.0, 10.0, 35.0, 70.0))
    counted = region_boxes(_frame(right=far), spec=MaskSpec(score_threshold=0.1))["right_hand"]
    assert counted[2] > 35.0 and counted[3] > 70.0


def test_empty_and_too_few_points_give_no_mask() -> None:
    assert not hand_mask(np.zeros((133, 3)), SOURCE, source_size=SOURCE).any()
    two = _frame(right=RIGHT[:2], face=[(40, 40, 1.0), (50, 50, 1.0)])
    hand, face = hand_face_masks(two, SOURCE, source_size=SOURCE)
    assert not hand.any() and not face.any()
    assert np.isnan(region_boxes(two)["right_hand"]).all()
    assert hand_mask(two, SOURCE, source_size=SOURCE, spec=MaskSpec(min_points=2)).any()
    # A box that lies wholly outside the frame is no box.
    outside = [(x + 200, y, s) for x, y, s in RIGHT]
    assert np.isnan(region_boxes(_frame(right=outside), source_size=SOURCE)["right_hand"]).all()
    assert not hand_mask(_frame(right=outside), SOURCE, source_size=SOURCE).any()


def test_union_of_both_hands() -> None:
    left = [(50, 10, 1.0), (60, 10, 1.0), (50, 20, 1.0), (60, 20, 1.0)]  # x [47.5, 62.5], y [7.5, 22.5]
    kp = _frame(right=RIGHT, left=left)
    expected = _rect(range(10, 70), range(5, 35)) | _rect(range(7, 23), range(47, 63))
    hand, face = hand_face_masks(kp, SOURCE, source_size=SOURCE)
    np.testing.assert_array_equal(hand, expected)
    assert not face.any()
    np.testing.assert_array_equal(
        hand,
        hand_mask(_frame(right=RIGHT), SOURCE, source_size=SOURCE)
        | hand_mask(_frame(left=left), SOURCE, source_size=SOURCE),
    )


def test_single_frame_and_video_forms_agree() -> None:
    frames = np.stack(
        [_frame(right=RIGHT), np.zeros((133, 3)), _frame(face=[(40, 40, 1), (60, 40, 1), (50, 70, 1)])]
    )
    hand, face = hand_face_masks(frames, (50, 40), source_size=SOURCE)
    assert hand.shape == face.shape == (3, 50, 40) and hand.dtype == face.dtype == np.bool_
    for t, frame in enumerate(frames):
        single_hand, single_face = hand_face_masks(frame, (50, 40), source_size=SOURCE)
        assert single_hand.shape == (50, 40)
        np.testing.assert_array_equal(single_hand, hand[t])
        np.testing.assert_array_equal(single_face, face[t])
        np.testing.assert_array_equal(face_mask(frame, (50, 40), source_size=SOURCE), face[t])
    assert hand[0].any() and not hand[1].any() and not hand[2].any() and face[2].any()
    boxes = region_boxes(frames)
    assert boxes["right_hand"].shape == (3, 4)


def _near_border(mask: np.ndarray) -> np.ndarray:
    """Pixels within one pixel (8-neighbourhood) of the mask's border, on either side."""
    kernel = np.ones((3, 3), np.uint8)
    grown = cv2.dilate(mask.astype(np.uint8), kernel).astype(bool)
    shrunk = cv2.erode(mask.astype(np.uint8), kernel, borderValue=1).astype(bool)
    return grown & ~shrunk


def test_resolution_change_matches_nearest_upscale_off_the_border() -> None:
    rng = np.random.default_rng(0)
    frames = np.zeros((6, 133, 3))
    frames[..., 2] = 1.0
    for region in (LEFT_HAND, RIGHT_HAND, FACE):  # compact clusters so that boxes do not fill the frame
        centre = rng.uniform([0, 0], [80, 100], (6, 1, 2))
        frames[:, region, :2] = centre + rng.normal(0, 6, (6, region.stop - region.start, 2))
    frames[:, :23, 2] = 0.0
    small = hand_face_masks(frames, SOURCE, source_size=SOURCE)
    large = hand_face_masks(frames, (200, 160), source_size=SOURCE)
    for coarse, fine in zip(small, large, strict=True):
        assert coarse.any() and fine.any()
        upscaled = coarse.repeat(2, axis=1).repeat(2, axis=2)
        for t in range(len(frames)):
            differ = upscaled[t] != fine[t]
            assert not (differ & ~_near_border(fine[t])).any()
            assert differ.sum() < 0.1 * fine[t].sum() + 1


def test_boxes_to_masks_scales_each_axis() -> None:
    boxes = np.array([[10.0, 20.0, 30.0, 40.0], [np.nan] * 4])
    masks = boxes_to_masks(boxes, (50, 160), source_size=(100, 80))  # x x2, y x0.5: x [20, 60], y [10, 20]
    np.testing.assert_array_equal(masks[0], _rect(range(10, 20), range(20, 60), (50, 160)))
    assert not masks[1].any()


@pytest.mark.parametrize(
    ("keypoints", "match"),
    [
        (np.zeros((5, 132, 3)), "shape"),
        (np.zeros((133,)), "shape"),
        (np.zeros((2, 5, 133, 3)), "shape"),
        (np.full((133, 3), np.inf), "NaN or infinite"),
        (np.zeros((133, 3), dtype=object), "numeric"),
    ],
)
def test_bad_keypoints_raise(keypoints: np.ndarray, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        hand_mask(keypoints, SOURCE, source_size=SOURCE)


def test_bad_sizes_and_specs_raise() -> None:
    with pytest.raises(ValueError, match="out_size"):
        hand_mask(np.zeros((133, 3)), (0, 10), source_size=SOURCE)
    with pytest.raises(ValueError, match="source_size"):
        face_mask(np.zeros((133, 3)), SOURCE, source_size=(10, 2.5))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="boxes"):
        boxes_to_masks(np.zeros((3, 3)), SOURCE, source_size=SOURCE)
    with pytest.raises(ValueError, match="min_points"):
        MaskSpec(min_points=0)
    with pytest.raises(ValueError, match="min_aspect"):
        MaskSpec(min_aspect=1.5)
