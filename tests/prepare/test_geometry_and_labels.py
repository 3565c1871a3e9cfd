"""Time resampling, the person-centred crop and the labels CSV of ``data prepare``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from interhf_bench.prepare.geometry import (
    CropBox,
    PrepareError,
    crop_frames,
    crop_keypoints,
    person_crop,
    resample_indices,
)
from interhf_bench.prepare.labels import LabelsError, read_labels


def test_resampling_picks_the_nearest_raw_frame_in_time() -> None:
    assert resample_indices(30, 300, 15, 4, 1.0) == [30, 32, 34, 36]
    assert resample_indices(25, 100, 15, 4, 0) == [0, 2, 3, 5]  # 0, 1.67, 3.33, 5 -> nearest
    assert resample_indices(10, 100, 15, 3, 0) == [0, 1, 1]  # upsampling repeats frames


def test_a_video_too_short_for_the_protocol_is_refused() -> None:
    with pytest.raises(PrepareError, match=r"too short: 49 frames at 15 fps from 0 s need 3.20 s"):
        resample_indices(30, 60, 15, 49, 0)
    with pytest.raises(PrepareError, match="frame rate"):
        resample_indices(0, 60, 15, 4, 0)


def _keypoints_in_box(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    keypoints = np.zeros((2, 133, 3), np.float32)
    keypoints[0, :2] = [[x0, y0, 1], [x1, y1, 1]]
    keypoints[1, 5] = [x0 + 1, y1 - 1, 0.9]
    keypoints[1, 6] = [5000, 5000, 0.1]  # below the threshold: ignored
    return keypoints


def test_the_crop_has_the_protocols_aspect_and_is_centred_on_the_person() -> None:
    box = person_crop(_keypoints_in_box(200, 300, 260, 500), (1000, 800), aspect=0.6, margin=1.2)
    assert box.width / box.height == pytest.approx(0.6)
    assert box.height == pytest.approx(200 * 1.2)
    assert box.x0 + box.width / 2 == pytest.approx(230) and box.y0 + box.height / 2 == pytest.approx(400)


def test_the_crop_is_shifted_then_shrunk_to_stay_inside_the_frame() -> None:
    shifted = person_crop(_keypoints_in_box(0, 0, 40, 100), (1000, 800), aspect=0.6, margin=1.2)
    assert (shifted.x0, shifted.y0) == (0, 0)
    wide = person_crop(_keypoints_in_box(0, 0, 799, 999), (1000, 800), aspect=0.6, margin=1.2)
    assert wide.height == pytest.approx(1000) and wide.width == pytest.approx(600)
    assert 0 <= wide.x0 <= 200 and wide.y0 == 0


def test_no_confident_keypoint_means_no_person() -> None:
    with pytest.raises(PrepareError, match="no person found"):
        person_crop(np.zeros((3, 133, 3), np.float32), (100, 100), aspect=0.6)


def test_keypoints_are_mapped_onto_the_same_pixels_as_the_frames() -> None:
    """A white dot at a keypoint lands where the mapped keypoint says."""
    frame = np.zeros((400, 300, 3), np.uint8)
    frame[250:254, 120:124] = 255  # dot centred on (122, 252)
    keypoints = np.zeros((1, 133, 3), np.float32)
    keypoints[0, 0] = [122, 252, 1.0]
    keypoints[0, 1] = [10, 10, 1.0]  # outside the crop: its score becomes 0
    box = CropBox(60.0, 100.0, 180.0, 300.0)
    out = crop_frames(frame[None], box, (160, 96))
    mapped = crop_keypoints(keypoints, box, (160, 96))
    ys, xs = np.nonzero(out[0, ..., 0] > 60)
    weights = out[0, ys, xs, 0].astype(float)
    centre = np.array([(xs + 0.5) @ weights, (ys + 0.5) @ weights]) / weights.sum()
    np.testing.assert_allclose(centre, mapped[0, 0, :2], atol=0.25)
    assert mapped[0, 1, 2] == 0


def _write_labels(tmp_path: Path, text: str) -> Path:
    (tmp_path / "a.mp4").write_bytes(b"x")
    (tmp_path / "b.mp4").write_bytes(b"x")
    path = tmp_path / "labels.csv"
    path.write_text(text)
    return path


def test_labels_are_read_with_defaults(tmp_path: Path) -> None:
    path = _write_labels(tmp_path, "video,class,subject,start\na.mp4,LH-NP,s1,1.5\nb.mp4,RH-NP,s2,\n")
    labels = read_labels(path, tmp_path)
    assert [(x.video_id, x.interaction, x.split, x.start) for x in labels] == [
        ("a", "LH-NP", "test", 1.5),
        ("b", "RH-NP", "test", 0.0),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("video,class\na.mp4,LH-NP\n", r"missing column\(s\) \['subject'\]"),
        ("video,class,subject,fps\na.mp4,LH-NP,s1,30\n", r"unknown column\(s\) \['fps'\]"),
        ("video,class,subject\nc.mp4,LH-NP,s1\n", r"labels.csv:2: video 'c.mp4' not found"),
        (
            "video,class,subject\na.mp4,XX-YY,s1\n",
            r"labels.csv:2: class: .*unknown interaction class 'XX-YY'",
        ),
        ("video,class,subject,start\na.mp4,LH-NP,s1,soon\n", "start 'soon' is not a number"),
        ("video,class,subject,split\na.mp4,LH-NP,s1,holdout\n", "labels.csv:2: split"),
        ("video,class,subject,video_id\na.mp4,LH-NP,s1,x\nb.mp4,LH-NP,s2,x\n", "labels.csv:3: video_id 'x'"),
        ("video,class,subject\n", "no rows"),
    ],
)
def test_bad_labels_name_the_line_and_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(LabelsError, match=message):
        read_labels(_write_labels(tmp_path, text), tmp_path)
