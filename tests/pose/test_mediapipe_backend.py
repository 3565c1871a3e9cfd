"""The offline MediaPipe backend on real frames and on the synthetic cartoon, in the 133-point layout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from interhf_bench.data.dataset import Dataset
from interhf_bench.io.video import read_video
from interhf_bench.pose.checks import keypoint_problem
from interhf_bench.pose.wholebody import BODY_INDEX, FACE, LEFT_HAND, RIGHT_HAND
from tests.conftest import shared_file

mediapipe_wholebody = pytest.importorskip("interhf_bench.pose.backends.mediapipe_wholebody")
pytest.importorskip("mediapipe", reason="install with: pip install --no-deps -r requirements/mediapipe.txt")


@pytest.fixture(scope="module")
def backend() -> mediapipe_wholebody.MediaPipeWholeBody:
    return mediapipe_wholebody.MediaPipeWholeBody()


@pytest.fixture(scope="module")
def s20(backend: mediapipe_wholebody.MediaPipeWholeBody) -> tuple[np.ndarray, np.ndarray]:
    frames = read_video(shared_file("data/media/liveportrait/s20.mp4"), list(range(0, 60, 6)))
    return frames, backend.video(frames)


def test_real_frames_give_a_body_a_face_and_both_hands(s20: tuple[np.ndarray, np.ndarray]) -> None:
    frames, keypoints = s20
    assert keypoints.shape == (len(frames), 133, 3) and keypoint_problem(keypoints) is None
    for frame_points in keypoints:
        assert frame_points[BODY_INDEX["nose"], 2] > 0.5
        assert (frame_points[FACE, 2] == 1).all()
        assert (frame_points[LEFT_HAND, 2] > 0.5).all() and (frame_points[RIGHT_HAND, 2] > 0.5).all()


def test_hands_are_assigned_to_the_persons_own_sides(s20: tuple[np.ndarray, np.ndarray]) -> None:
    _, keypoints = s20
    for frame_points in keypoints:
        left_wrist, right_wrist = frame_points[LEFT_HAND][0, :2], frame_points[RIGHT_HAND][0, :2]
        body_left, body_right = (frame_points[BODY_INDEX[n], :2] for n in ("left_wrist", "right_wrist"))
        assert np.linalg.norm(left_wrist - body_left) < np.linalg.norm(left_wrist - body_right)
        assert np.linalg.norm(right_wrist - body_right) < np.linalg.norm(right_wrist - body_left)
        assert left_wrist[0] > right_wrist[0]  # she faces the camera: her left hand is on the image's right


def test_face_points_follow_the_ibug_order(s20: tuple[np.ndarray, np.ndarray]) -> None:
    _, keypoints = s20
    face = keypoints[:, FACE]
    jaw_first, chin, jaw_last = face[:, 0, :2], face[:, 8, :2], face[:, 16, :2]
    assert (jaw_first[:, 0] < chin[:, 0]).all() and (chin[:, 0] < jaw_last[:, 0]).all()
    eyes_y = face[:, 36:48, 1].mean(1)
    mouth_y = face[:, 48:68, 1].mean(1)
    assert (face[:, 19, 1] < eyes_y).all() and (eyes_y < face[:, 30, 1]).all()  # brow, eyes, nose tip
    assert (face[:, 30, 1] < mouth_y).all() and (mouth_y < chin[:, 1]).all()  # nose tip, mouth, chin
    assert (face[:, 36, 0] < face[:, 39, 0]).all() and (face[:, 42, 0] < face[:, 45, 0]).all()


def test_static_image_mode_agrees_with_the_first_tracked_frame(
    backend: mediapipe_wholebody.MediaPipeWholeBody, s20: tuple[np.ndarray, np.ndarray]
) -> None:
    frames, keypoints = s20
    np.testing.assert_allclose(backend.image(frames[0]), keypoints[0], atol=1e-3)


def test_a_frame_without_a_person_gives_absent_points(
    backend: mediapipe_wholebody.MediaPipeWholeBody,
) -> None:
    keypoints = backend.image(np.full((200, 120, 3), 128, np.uint8))
    assert keypoints.shape == (133, 3) and (keypoints[:, 2] == 0).all()


def test_bad_frames_are_refused(backend: mediapipe_wholebody.MediaPipeWholeBody) -> None:
    with pytest.raises(ValueError, match="uint8 RGB"):
        backend.video(np.zeros((2, 10, 10), np.float32))


def test_settings_name_every_model_file_with_its_hash(
    backend: mediapipe_wholebody.MediaPipeWholeBody,
) -> None:
    settings = backend.settings
    assert settings["backend"] == "mediapipe" and settings["package"] == "mediapipe==0.10.21"
    assert set(settings["models"]) == set(mediapipe_wholebody.MODEL_FILES)
    # the hand landmark model recorded in the research note (shared/research/weights-and-media.md)
    assert settings["models"]["modules/hand_landmark/hand_landmark_full.tflite"].startswith("11c272b8")


def test_synthetic_cartoon_keypoints_agree_with_the_generators_ground_truth(
    mini_dataset: Path, backend: mediapipe_wholebody.MediaPipeWholeBody
) -> None:
    """Where MediaPipe sees the cartoon (160x96 frames), its points land on the generator's."""
    dataset = Dataset(mini_dataset)
    nose, face, wrists, seen = [], [], [], 0
    for row in list(dataset)[:4]:
        detected = backend.video(dataset.frames(row.video_id, list(range(5))))
        truth = dataset.keypoints(row.video_id)[:5]
        for got, want in zip(detected, truth, strict=True):
            seen += got[0, 2] > 0.3
            if got[0, 2] > 0.3 and want[0, 2] > 0.3:
                nose.append(np.linalg.norm(got[0, :2] - want[0, :2]))
            if (got[FACE, 2] > 0).all():
                face.append(np.linalg.norm(got[FACE, :2].mean(0) - want[FACE, :2].mean(0)))
            for side in (LEFT_HAND, RIGHT_HAND):
                if (got[side, 2] > 0).all() and (want[side, 2] > 0.3).sum() > 3:
                    wrists.append(np.linalg.norm(got[side][0, :2] - want[side][0, :2]))
    assert seen >= 15  # of 20 frames
    assert np.median(nose) < 6 and np.median(face) < 2 and np.median(wrists) < 4  # pixels of a 96-wide frame
