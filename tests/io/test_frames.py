"""Frame folders: one natural order of file names, one reader."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from interhf_bench.io.frames import FrameError, frame_files, natural_key, read_frame_folder


def test_numbers_in_names_compare_as_numbers() -> None:
    names = ["10.png", "2.png", "1.png", "frame_10.png", "frame_9.png", "frame_0.png"]
    assert sorted(names, key=natural_key) == [
        "1.png", "2.png", "10.png", "frame_0.png", "frame_9.png", "frame_10.png",
    ]  # fmt: skip


def test_mixed_names_stay_grouped_by_their_text() -> None:
    names = ["b_2.png", "a_10.png", "a_9.png", "clip2_frame10.png", "clip10_frame1.png", "clip2_frame9.png"]
    assert sorted(names, key=natural_key) == [
        "a_9.png", "a_10.png", "b_2.png", "clip2_frame9.png", "clip2_frame10.png", "clip10_frame1.png",
    ]  # fmt: skip


def test_equal_numbers_written_differently_have_a_fixed_order() -> None:
    assert sorted(["1.png", "01.png", "001.png"], key=natural_key) == ["001.png", "01.png", "1.png"]
    assert sorted(["01.png", "1.png", "001.png"], key=natural_key) == ["001.png", "01.png", "1.png"]


def write(folder: Path, name: str, value: int, size: tuple[int, int] = (4, 3)) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    image = np.zeros((*size, 3), np.uint8)
    image[..., 0] = value  # red in RGB
    assert cv2.imwrite(str(folder / name), image[..., ::-1])


def test_a_folder_is_read_in_natural_order_as_rgb(tmp_path: Path) -> None:
    for index in (10, 2, 0, 1):
        write(tmp_path, f"{index}.png", index * 10)
    (tmp_path / "notes.txt").write_text("not a frame")
    assert [path.name for path in frame_files(tmp_path)] == ["0.png", "1.png", "2.png", "10.png"]
    frames = read_frame_folder(tmp_path)
    assert frames.shape == (4, 4, 3, 3) and frames.dtype == np.uint8
    np.testing.assert_array_equal(frames[:, 0, 0, 0], [0, 10, 20, 100])
    assert not frames[..., 1:].any()
    assert [path.name for path in frame_files(tmp_path, "1*")] == ["1.png", "10.png"]
    assert frame_files(tmp_path / "absent") == []


def test_unreadable_empty_or_mixed_folders_are_errors_that_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(FrameError, match="no PNG or JPEG frames"):
        read_frame_folder(tmp_path)
    write(tmp_path, "0.png", 1)
    write(tmp_path, "1.png", 1, size=(5, 3))
    with pytest.raises(FrameError, match=r"1\.png: 3x5, the frames before it are 3x4"):
        read_frame_folder(tmp_path)
    (tmp_path / "1.png").write_bytes(b"not a png")
    with pytest.raises(FrameError, match=r"1\.png: cannot be decoded"):
        read_frame_folder(tmp_path)
