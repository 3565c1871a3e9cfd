"""ArcFace identity through insightface: the real SCRFD detector, a random-weight IResNet-50 recognizer."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from interhf_bench.face.identity import FaceIdentity
from interhf_bench.io.video import read_video
from interhf_bench.weights.registry import get_weight
from interhf_bench.weights.store import WeightsError, resolve
from tests.conftest import shared_file

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")  # scikit-image, inside insightface


@pytest.fixture(scope="module")
def faces(face_weights: Path) -> FaceIdentity:
    recognizer = resolve(get_weight("arcface-w600k-r50"), allow_unverified=True, root=face_weights)
    detector = resolve(get_weight("scrfd-2.5g-kps"), root=face_weights)
    return FaceIdentity(recognizer, detector)


def test_insightface_loads_the_standin_as_an_arcface_recognizer(faces: FaceIdentity) -> None:
    assert type(faces.recognizer).__name__ == "ArcFaceONNX"
    assert faces.recognizer.input_size == (112, 112)
    assert type(faces.detector).__name__ == "SCRFD"
    assert faces.settings["recognizer"]["weights_verified"] is False
    assert faces.settings["detector"]["weights_verified"] is True


def test_the_real_detector_finds_every_face_of_the_solvay_photograph(faces: FaceIdentity) -> None:
    image = cv2.cvtColor(
        cv2.imread(str(shared_file("data/media/scrfd/solvay_conference_1927.png"))), cv2.COLOR_BGR2RGB
    )
    boxes, landmarks = faces.detect(image)
    assert len(boxes) == 29
    assert landmarks is not None and landmarks.shape == (29, 5, 2)


def test_a_real_video_frame_gives_a_unit_embedding_of_the_face(faces: FaceIdentity) -> None:
    frame = read_video(shared_file("data/media/liveportrait/s20.mp4"), [0])[0]
    result = faces.embed(frame)
    assert result.found and result.num_faces == 1
    assert result.embedding is not None and result.embedding.shape == (512,)
    assert np.linalg.norm(result.embedding) == pytest.approx(1, abs=1e-5)
    x0, y0, x1, y1 = result.box
    assert (
        0 <= x0 < x1 <= frame.shape[1] and 0 <= y0 < y1 <= frame.shape[0] / 2
    )  # the face is in the top half
    again = faces.embed(frame.copy())
    np.testing.assert_array_equal(again.embedding, result.embedding)


def test_a_frame_without_a_face_says_so(faces: FaceIdentity) -> None:
    result = faces.embed(np.full((240, 160, 3), 90, np.uint8))
    assert not result.found and result.embedding is None and result.num_faces == 0


def test_bad_frames_are_refused(faces: FaceIdentity) -> None:
    with pytest.raises(ValueError, match="uint8 RGB"):
        faces.embed(np.zeros((10, 10), np.uint8))


def test_missing_recognizer_weights_name_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERHF_BENCH_WEIGHTS", str(tmp_path))
    with pytest.raises(WeightsError, match="weights download arcface-w600k-r50"):
        FaceIdentity()
