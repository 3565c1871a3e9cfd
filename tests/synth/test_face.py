"""Face landmarks follow the iBUG 68 image-based order and sit on the drawn features."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from interhf_bench.pose import wholebody as wb
from interhf_bench.synth.face import FaceGeometry, closed_eye_landmarks, face_geometry
from interhf_bench.synth.identity import sample_identity


@pytest.fixture(params=[0, 7, 23])
def face(request: pytest.FixtureRequest) -> FaceGeometry:
    return face_geometry(sample_identity(request.param))


def test_jaw_runs_from_image_left_round_the_chin(face: FaceGeometry) -> None:
    jaw = face.landmarks[wb.FACE_JAW]
    assert jaw[0, 0] < 0 < jaw[16, 0]
    assert np.argmax(jaw[:, 1]) in (7, 8, 9) and abs(jaw[8, 0]) < 0.01
    assert np.all(np.diff(jaw[:9, 1]) > 0) and np.all(np.diff(jaw[8:, 1]) < 0)
    np.testing.assert_allclose(jaw[:, 0], -jaw[::-1, 0], atol=1e-3)  # symmetric face


def test_features_in_ibug_order(face: FaceGeometry) -> None:
    lm = face.landmarks
    for part in (wb.FACE_RIGHT_BROW, wb.FACE_LEFT_BROW, wb.FACE_NOSE_BOTTOM):
        assert np.all(np.diff(lm[part, 0]) > 0), part  # left to right in the image
    assert lm[wb.FACE_RIGHT_BROW, 0].max() < 0 < lm[wb.FACE_LEFT_BROW, 0].min()
    assert np.all(np.diff(lm[wb.FACE_NOSE_BRIDGE, 1]) > 0)  # bridge top to tip
    for eye in (lm[wb.FACE_RIGHT_EYE], lm[wb.FACE_LEFT_EYE]):
        assert eye[0, 0] < eye[1, 0] < eye[2, 0] < eye[3, 0]  # corner, upper lid, corner
        assert eye[1, 1] < eye[5, 1] and eye[2, 1] < eye[4, 1]  # upper lid above lower lid
    assert lm[36:42, 0].max() < 0 < lm[42:48, 0].min()  # first eye on the image left
    outer = lm[wb.FACE_OUTER_LIPS]
    assert outer[0, 0] < outer[3, 0] < outer[6, 0] and outer[3, 1] < outer[9, 1]
    brow_y, eye_y, nose_y, mouth_y, chin_y = lm[19, 1], lm[36:48, 1].mean(), lm[33, 1], lm[62, 1], lm[8, 1]
    assert brow_y < eye_y < nose_y < mouth_y < chin_y


def test_landmarks_inside_the_face_outline(face: FaceGeometry) -> None:
    outline = face.contour.astype(np.float32)
    inner = face.landmarks[17:]
    inside = [cv2.pointPolygonTest(outline, (float(x), float(y)), False) >= 0 for x, y in inner]
    assert all(inside)


def test_closed_eyes_move_only_the_upper_lids(face: FaceGeometry) -> None:
    closed = closed_eye_landmarks(face)
    moved = np.flatnonzero(np.any(closed != face.landmarks, axis=1))
    assert set(moved) == {37, 38, 43, 44}
    assert np.all(closed[[37, 38, 43, 44], 1] > face.landmarks[[37, 38, 43, 44], 1])
