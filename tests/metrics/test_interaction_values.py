"""Interaction values of a generated track against the ground truth's, on the generator's keypoints."""

from __future__ import annotations

import numpy as np
import pytest

from interhf_bench.metrics.interaction import InteractionFidelity
from interhf_bench.metrics.interaction_detections import pack, unpack
from interhf_bench.metrics.interaction_values import VALUE_NAMES, timing
from interhf_bench.metrics.interfaces import ScoringContext
from interhf_bench.pose.backends.base import PoseBackend
from tests.metrics.test_contact import NO_CROP_HANDS, video


class Unused(PoseBackend):
    name = "unused"

    @property
    def settings(self) -> dict[str, str]:
        return {"backend": self.name}

    def image(self, frame: np.ndarray) -> np.ndarray:
        raise AssertionError("compare never detects")


def compare(code: str, generated: np.ndarray, truth: np.ndarray) -> dict[str, float | None]:
    metric = InteractionFidelity(Unused())
    context = ScoringContext("v", np.zeros((2, 2, 3), np.uint8), truth, code)
    values = metric.compare(pack(generated, NO_CROP_HANDS), pack(truth, NO_CROP_HANDS), context)
    assert tuple(values) == VALUE_NAMES
    return {name: (float(np.nanmean(v)) if np.isfinite(v).any() else None) for name, v in values.items()}


def test_timing_f1_and_onset_and_offset_errors() -> None:
    truth = np.array([0, 0, 1, 1, 1, 1, 0, 0], bool)
    generated = np.array([0, 0, 0, 1, 1, 1, 1, 1], bool)
    values = timing(truth, generated)
    assert values["contact_f1"] == pytest.approx(2 * 3 / (4 + 5))
    assert (values["contact_onset_error"], values["contact_offset_error"]) == (1.0, 2.0)


def test_timing_without_contact_on_one_side() -> None:
    none = np.zeros(5, bool)
    assert np.isnan(timing(none, none)["contact_f1"])
    missed = timing(np.ones(5, bool), none)
    assert missed["contact_f1"] == 0 and np.isnan(missed["contact_onset_error"])


@pytest.mark.parametrize("code", ["LH-NP", "RC-TF", "LR-FS"])
def test_the_ground_truth_against_itself_is_perfect(code: str) -> None:
    keypoints = video(code).keypoints
    values = compare(code, keypoints, keypoints)
    assert values["contact_f1"] == values["contact_location"] == values["contact_hand"] == 1.0
    assert values["contact_onset_error"] == values["contact_offset_error"] == 0.0
    assert values["recognition"] == values["recognition_gt"] == 1.0
    assert values["contact_fingers"] == (1.0 if code == "RC-TF" else None)
    assert values["contact_direction"] == (1.0 if code == "LR-FS" else None)


def test_a_person_who_never_moves_scores_zero_where_the_truth_touches() -> None:
    keypoints = video("LR-FS").keypoints
    still = np.repeat(keypoints[:1], len(keypoints), axis=0)
    values = compare("LR-FS", still, keypoints)
    assert values["contact_f1"] == values["contact_location"] == values["contact_hand"] == 0.0
    assert values["contact_onset_error"] is None and values["contact_direction"] == 0.0
    assert values["recognition"] == 0.0 and values["recognition_gt"] == 1.0


def test_the_other_swipe_is_the_wrong_direction_and_class() -> None:
    values = compare("LR-FS", video("RL-FS").keypoints, video("LR-FS").keypoints)
    assert values["contact_direction"] == 0.0 and values["recognition"] == 0.0


def test_detections_pack_and_unpack() -> None:
    keypoints = video("LH-CH").keypoints
    hands = np.random.default_rng(0).random((25, 2, 21, 3)).astype(np.float32)
    back_keypoints, back_hands = unpack(pack(keypoints, hands))
    np.testing.assert_array_equal(back_keypoints, keypoints)
    np.testing.assert_array_equal(back_hands, hands)
