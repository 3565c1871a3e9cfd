"""Hand pose fidelity and identity similarity against hand-computed values."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from interhf_bench.face.identity import FaceResult
from interhf_bench.metrics.hand_fidelity import compare_hands
from interhf_bench.metrics.identity_similarity import IdentitySimilarity
from interhf_bench.metrics.interfaces import ScoringContext
from interhf_bench.pose.wholebody import LEFT_HAND, RIGHT_HAND


def hand_frames(frames: int = 2) -> np.ndarray:
    """A left hand spanning 40 px (wrist at (100, 100), joints along a line), no right hand."""
    keypoints = np.zeros((frames, 133, 3), np.float32)
    keypoints[:, LEFT_HAND, 0] = 100 + 2 * np.arange(21)
    keypoints[:, LEFT_HAND, 1] = 100
    keypoints[:, LEFT_HAND, 2] = 0.9
    return keypoints


def test_identical_hands_have_no_error_and_full_pck() -> None:
    values = compare_hands(hand_frames(), hand_frames())
    np.testing.assert_array_equal(values["hand_detected"], [1, 1])
    np.testing.assert_array_equal(values["hand_error"], [0, 0])
    np.testing.assert_array_equal(values["hand_pck@0.1"], [1, 1])


def test_a_shift_of_015_hand_sizes_passes_pck02_and_fails_pck01() -> None:
    detected = hand_frames()
    detected[:, LEFT_HAND, 1] += 0.15 * 40
    values = compare_hands(detected, hand_frames())
    np.testing.assert_allclose(values["hand_error"], [0.15, 0.15], rtol=1e-6)
    np.testing.assert_array_equal(values["hand_pck@0.1"], [0, 0])
    np.testing.assert_array_equal(values["hand_pck@0.2"], [1, 1])


def test_a_missing_or_swapped_hand_is_not_detected() -> None:
    detected = hand_frames()
    detected[0, LEFT_HAND, 2] = 0  # frame 0: no hand at all
    detected[1, RIGHT_HAND] = detected[1, LEFT_HAND]  # frame 1: the hand, on the wrong side
    detected[1, LEFT_HAND, 2] = 0
    values = compare_hands(detected, hand_frames())
    np.testing.assert_array_equal(values["hand_detected"], [0, 0])
    assert np.isnan(values["hand_error"]).all()
    np.testing.assert_array_equal(values["hand_pck@0.2"], [0, 0])  # missing joints are misses


def test_partly_detected_hands_count_missing_joints_as_misses() -> None:
    detected = hand_frames(1)
    detected[0, LEFT_HAND.start + 10 :, 2] = 0  # 11 of 21 joints lost
    values = compare_hands(detected, hand_frames(1))
    assert values["hand_detected"][0] == 1 and values["hand_error"][0] == 0
    assert values["hand_pck@0.1"][0] == pytest.approx(10 / 21)


def test_frames_without_a_driving_hand_have_no_values() -> None:
    driving = hand_frames()
    driving[1, LEFT_HAND, 2] = 0.2  # under the 0.3 threshold
    values = compare_hands(hand_frames(), driving)
    for name in ("hand_detected", "hand_error", "hand_pck@0.1"):
        assert values[name][0] == (0 if name == "hand_error" else 1) and np.isnan(values[name][1])


def test_two_hands_are_averaged() -> None:
    driving = hand_frames(1)
    driving[0, RIGHT_HAND] = driving[0, LEFT_HAND] + [0, 50, 0]
    detected = driving.copy()
    detected[0, RIGHT_HAND, 2] = 0
    values = compare_hands(detected, driving)
    assert values["hand_detected"][0] == 0.5 and values["hand_pck@0.1"][0] == 0.5
    assert values["hand_error"][0] == 0  # only the detected hand has an error


class FakeFaces:
    """Returns a stored result per frame, keyed by the frame's fill value."""

    def __init__(self, results: dict[int, FaceResult]):
        self.results = results

    @property
    def settings(self) -> dict[str, Any]:
        return {}

    def embed(self, frame: np.ndarray) -> FaceResult:
        return self.results[int(frame[0, 0, 0])]


def unit(*values: float) -> np.ndarray:
    vector = np.zeros(512, np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


def test_identity_similarity_is_the_cosine_and_faceless_frames_are_counted() -> None:
    faces = FakeFaces(
        {
            0: FaceResult(unit(1, 0)),
            1: FaceResult(unit(1, 1)),
            2: FaceResult(None),
            3: FaceResult(unit(-1, 0)),
        }
    )
    metric = IdentitySimilarity(faces)  # type: ignore[arg-type]
    generated = np.stack([np.full((4, 4, 3), value, np.uint8) for value in (1, 2, 3)])
    context = ScoringContext("v", np.zeros((4, 4, 3), np.uint8), np.zeros((3, 133, 3), np.float32))
    values = metric.per_frame(generated, context)
    np.testing.assert_allclose(values["identity_similarity"], [np.sqrt(0.5), np.nan, -1.0], atol=1e-6)
    np.testing.assert_array_equal(values["identity_no_face"], [0, 1, 0])


def test_a_reference_without_a_face_gives_no_similarity() -> None:
    faces = FakeFaces({0: FaceResult(None), 1: FaceResult(unit(1))})
    values = IdentitySimilarity(faces).per_frame(  # type: ignore[arg-type]
        np.full((2, 4, 4, 3), 1, np.uint8),
        ScoringContext("v", np.zeros((4, 4, 3), np.uint8), np.zeros((2, 133, 3), np.float32)),
    )
    assert np.isnan(values["identity_similarity"]).all()
    np.testing.assert_array_equal(values["identity_no_face"], [0, 0])
