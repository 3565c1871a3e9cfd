"""The contact rule with the offline detector on real frames: hands away from the face give no contact.

``liveportrait/s20.mp4`` holds her hands in front of her chest for ten seconds; in ``s13.mp4`` she
raises them beside her head, close to it but never on it. The shared media hold no real frame of a hand
on a face, so the opposite case is tested on the synthetic set only.
"""

from __future__ import annotations

from importlib.util import find_spec

import pytest

from interhf_bench.io.video import read_video
from interhf_bench.metrics.contact import contact_track
from interhf_bench.metrics.interaction_detections import InteractionDetections, unpack
from tests.conftest import shared_file

INSTALL = "needs MediaPipe: pip install --no-deps -r requirements/mediapipe.txt"
pytestmark = pytest.mark.skipif(find_spec("mediapipe") is None, reason=INSTALL)


@pytest.fixture(scope="module")
def detections() -> InteractionDetections:
    from interhf_bench.pose.backends import get_pose_backend

    return InteractionDetections(get_pose_backend("mediapipe"))


@pytest.mark.parametrize(
    ("name", "frames"),
    [("s20", range(0, 297, 15)), ("s13", range(0, 103, 5))],
)
def test_hands_away_from_the_face_give_no_contact(
    detections: InteractionDetections, name: str, frames: range
) -> None:
    video = read_video(shared_file(f"data/media/liveportrait/{name}.mp4"), list(frames))
    track = contact_track(*unpack(detections.features(video)))
    assert track.face.all()  # the face was seen, so "no contact" is a reading, not a miss
    assert not track.contact.any()
    seen = [reading.distance for pair in track.readings for reading in pair if reading is not None]
    assert len(seen) >= len(frames) and min(seen) > 1.5  # hands were found, all well outside the face
