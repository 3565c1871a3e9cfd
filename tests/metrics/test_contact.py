"""The contact rule and the classifier on the generator's own keypoints (a perfect detector), and their
parts on hand-built keypoints."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from interhf_bench.data.arrays import CONTACT_PARTS, NO_CONTACT
from interhf_bench.metrics.contact import ContactRule, contact_track, held_faces, settle
from interhf_bench.metrics.face_frame import face_frame
from interhf_bench.metrics.face_parts import PROTOTYPES, part_name
from interhf_bench.metrics.hand_reading import HandReading, extended_fingers, hand_side
from interhf_bench.metrics.interaction_classifier import recognise
from interhf_bench.pose.wholebody import BODY_INDEX, FACE, LEFT_HAND, finger_joints
from interhf_bench.protocol.taxonomy import CLASS_CODES, FacialRegion, get_class
from interhf_bench.synth.identity import sample_identity
from interhf_bench.synth.render import SynthVideo, render_video

NO_CROP_HANDS = np.zeros((25, 2, 21, 3), np.float32)


@cache
def video(code: str) -> SynthVideo:
    index = CLASS_CODES.index(code)
    return render_video(
        get_class(code), sample_identity(index), num_frames=25, height=160, width=96, seed=index + 7
    )


def generator_track(code: str):
    return contact_track(video(code).keypoints, NO_CROP_HANDS)


@pytest.mark.parametrize("code", CLASS_CODES)
def test_the_generators_keypoints_give_its_contact_and_class(code: str) -> None:
    truth = video(code).contact != NO_CONTACT
    track = generator_track(code)
    assert (track.contact == truth).mean() >= 0.9
    assert recognise(track) == get_class(code)


def test_the_touched_part_is_the_classs_region() -> None:
    track = generator_track("RH-EB")
    parts = track.part[track.contact]
    assert (parts == CONTACT_PARTS.index(FacialRegion.EYEBROW)).mean() >= 0.9


def test_the_reference_pose_has_no_contact() -> None:
    rest = np.repeat(video("LH-NP").keypoints[:1], 25, axis=0)
    track = contact_track(rest, NO_CROP_HANDS)
    assert not track.contact.any() and recognise(track) is None


def test_settle_closes_short_gaps_then_trims_each_touch() -> None:
    raw = np.array([0, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1], bool)
    np.testing.assert_array_equal(settle(raw, 2, 0), [0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(settle(raw, 2, 1), [0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0])
    np.testing.assert_array_equal(settle(raw, 0, 0), raw)


def test_a_missing_face_is_held_from_a_near_frame_only() -> None:
    frame = face_frame(video("LH-CH").keypoints[0])
    held = held_faces([frame, None, None, None, None, None, None], 4)
    assert held[4] is frame and held[5] is None and held[6] is None


def test_the_face_frame_is_centred_between_the_eyes_in_face_widths() -> None:
    keypoints = video("LH-CH").keypoints[0]
    frame = face_frame(keypoints)
    assert frame is not None
    face = keypoints[FACE, :2]
    eyes = frame.local(np.stack([face[36:42].mean(0), face[42:48].mean(0)]))
    np.testing.assert_allclose(eyes, [[-eyes[1, 0], 0], [eyes[1, 0], 0]], atol=1e-9)
    jaw = frame.local(face[[0, 16]])
    assert np.linalg.norm(jaw[1] - jaw[0]) == pytest.approx(1.0)
    assert frame.local(face[8:9])[0, 1] > 0.5  # the chin is down the face


def test_no_face_no_frame() -> None:
    keypoints = video("LH-CH").keypoints[0].copy()
    keypoints[FACE, 2] = 0
    assert face_frame(keypoints) is None


def straight_hand() -> np.ndarray:
    """A left hand pointing up: wrist at (50, 100), every finger a straight vertical line."""
    hand = np.zeros((21, 3), np.float32)
    hand[0] = (50, 100, 1)
    for column, finger in enumerate(("thumb", "index", "middle", "ring", "pinky")):
        for step, joint in enumerate(finger_joints(finger)):
            hand[joint] = (40 + 5 * column, 90 - 6 * step, 1)
    return hand


def test_extended_fingers_counts_straight_fingers_but_not_the_thumb() -> None:
    hand = straight_hand()
    assert extended_fingers(hand) == 4
    for finger in ("ring", "pinky"):
        base, *_, tip = finger_joints(finger)
        hand[tip, :2] = hand[base, :2] + (0, 1)  # folded back onto its base
    assert extended_fingers(hand) == 2


def test_a_hand_is_on_the_side_of_the_body_wrist_at_its_wrist_else_of_the_face() -> None:
    keypoints = video("LH-CH").keypoints[0].copy()
    frame = face_frame(keypoints)
    assert frame is not None
    hand = keypoints[LEFT_HAND].copy()
    assert hand_side(hand, keypoints, frame) == 0
    keypoints[BODY_INDEX["left_wrist"], 2] = keypoints[BODY_INDEX["right_wrist"], 2] = 0
    hand[:, 0] = 2 * frame.origin[0] - hand[:, 0]  # mirrored to the person's right of the face
    assert hand_side(hand, keypoints, frame) == 1


@pytest.mark.parametrize("name", list(PROTOTYPES))
def test_a_reading_at_a_prototype_takes_its_part(name: str) -> None:
    au, v, palm_u, palm_v, fingers = PROTOTYPES[name]
    reading = HandReading(0, 0.5, np.array([-au, v]), np.array([palm_u, palm_v]), round(4 * fingers))
    expected = "right_cheek" if name == "cheek" else name  # u < 0 is the person's right
    assert part_name(reading) == expected


def test_a_rule_with_no_reach_sees_no_contact() -> None:
    track = contact_track(video("LC-TF").keypoints, NO_CROP_HANDS, ContactRule(reach=0.0))
    assert not track.contact.any()
