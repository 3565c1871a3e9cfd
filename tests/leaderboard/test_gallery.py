"""``interhf-bench gallery``: which cases, a folder that stands alone, the figure's grid on its pixels.

The runs are real runs of the built-in methods on two classes of the embedded set (``builtin_runs``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from interhf_bench.cli import main
from interhf_bench.data.dataset import Dataset
from interhf_bench.io.video import probe_video, read_video
from interhf_bench.pose.render import render_pose_video
from interhf_bench.protocol.spec import INTERHF_MINI_V1 as MINI
from leaderboard.build import write_leaderboard
from leaderboard.gallery.build import GalleryOptions, write_gallery
from leaderboard.gallery.figure import crop_box, default_frames
from leaderboard.gallery.runs import load_gallery_run
from leaderboard.gallery.selection import choose_cases
from tests.leaderboard.pdf_images import pdf_images


def test_cases_are_chosen_worst_first_by_the_judged_runs_metric(builtin_runs: list[Path]) -> None:
    runs = [load_gallery_run(path) for path in builtin_runs]
    test_ids = sorted({vid for run in runs for vid in run.metrics.per_video})
    choice = choose_cases(runs, test_ids, count=3)
    assert choice.judged is runs[1]  # the first run that is not an oracle: copy-reference
    ssim = {vid: runs[1].metrics.per_video[vid]["ssim"] for vid in test_ids}
    assert choice.video_ids == sorted(test_ids, key=ssim.__getitem__)[:3]
    assert choice.describe() == "the 3 worst cases of Copy reference by SSIM ↑"
    best = choose_cases(runs, test_ids, select="best", metric="hand_l1", method="pose-warp", count=2)
    hand_l1 = {vid: runs[2].metrics.per_video[vid]["hand_l1"] for vid in test_ids}
    assert best.video_ids == sorted(test_ids, key=hand_l1.__getitem__)[:2]  # lower L1 is better
    drawn = choose_cases(runs, test_ids, select="random", count=2, seed=3)
    assert drawn.video_ids == choose_cases(runs, test_ids, select="random", count=2, seed=3).video_ids
    assert choose_cases(runs, test_ids, ids=["LH-NP_01", "LC-SF_00"]).video_ids == ["LH-NP_01", "LC-SF_00"]
    with pytest.raises(KeyError, match="did you mean LC-SF_00"):
        choose_cases(runs, test_ids, ids=["LC-SF_00x"])
    with pytest.raises(ValueError, match="no per-video 'lpips'"):
        choose_cases(runs, test_ids, metric="lpips")
    with pytest.raises(KeyError, match=r"unknown method among the runs .*did you mean pose-warp"):
        choose_cases(runs, test_ids, method="pose-wrap")


def test_the_folder_stands_alone(builtin_runs: list[Path], mini_dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "gallery"
    gallery = write_gallery(builtin_runs, out, mini_dataset, options=GalleryOptions(cases=2, progress=False))
    text = gallery.page.read_text()
    sources = re.findall(r'src="([^"]*)"', text)
    assert len(sources) == 2 * (1 + 2 + len(builtin_runs))  # per case: reference, pose, truth, outputs
    for source in sources:
        assert not re.match(r"[a-z]+:", source) and (out / source).is_file(), source
    for video in out.glob("media/*/*.webm"):
        info = probe_video(video)
        assert info.codec == "vp9" and (info.height, info.width) == (MINI.height, MINI.width)
        assert len(read_video(video)) == MINI.num_target_frames
    assert "<script>alert(2)" not in text and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in text
    assert text.count("<script>") == 1 and "http" not in text
    assert "Ground truth (oracle)" in text and "interaction SSIM ↑" in text and "hand L1 ↓" in text


def test_the_leaderboard_and_the_gallery_link_each_other(
    builtin_runs: list[Path], mini_dataset: Path, tmp_path: Path
) -> None:
    board = tmp_path / "site"
    write_leaderboard(builtin_runs[:3], board)
    assert 'id="gallery-link"' not in (board / "index.html").read_text()
    argv = ["gallery", *map(str, builtin_runs), "--data", str(mini_dataset), "--out", str(board / "gallery")]
    assert main([*argv, "--cases", "1", "--no-progress"]) == 0
    assert '<a href="../index.html">Leaderboard</a>' in (board / "gallery" / "index.html").read_text()
    write_leaderboard(builtin_runs[:3], board)
    assert '<a id="gallery-link" href="gallery/index.html">' in (board / "index.html").read_text()


def test_runs_of_another_test_set_are_refused(builtin_runs: list[Path], tmp_path: Path) -> None:
    from tests.conftest import write_tiny_dataset

    write_tiny_dataset(tmp_path / "tiny")
    with pytest.raises(ValueError, match="scored on another test set than"):
        write_gallery(builtin_runs, tmp_path / "out", tmp_path / "tiny")


def test_crop_box_holds_every_hand_and_face_pixel_with_a_margin() -> None:
    hand, face = np.zeros((2, 40, 30), bool), np.zeros((2, 40, 30), bool)
    hand[0, 10:20, 5:9] = True
    face[1, 2:6, 12:19] = True
    assert crop_box(hand, face, margin=0.0) == (2, 20, 5, 19)
    assert crop_box(hand, face, margin=0.5) == (0, 29, 0, 26)  # widened by half the size, clipped
    assert crop_box(hand & False, face & False) is None
    assert default_frames(24) == [1, 9, 16, 24] and default_frames(2) == [1, 2]


def picture_cells(image: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes ``(top, bottom, left, right)`` of the filled rectangles (the pictures) of a white figure."""
    labels, _ = ndimage.label((image < 245).any(axis=-1))
    boxes = []
    for found in ndimage.find_objects(labels):
        top, bottom, left, right = found[0].start, found[0].stop, found[1].start, found[1].stop
        if (bottom - top) > 50 and (right - left) > 30:  # glyphs of the labels are smaller
            boxes.append((top, bottom, left, right))
    return boxes


def grid_of(boxes: list[tuple[int, int, int, int]]) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """``{(row, column): box}``, rows and columns numbered by their position on the page."""
    tops, lefts = sorted({box[0] for box in boxes}), sorted({box[2] for box in boxes})
    return {(tops.index(box[0]), lefts.index(box[2])): box for box in boxes}


def expected_rows(dataset: Dataset, runs: list[Path], video_id: str, box: tuple | None) -> list[np.ndarray]:
    """Per figure row, the frames it should show, read here without the gallery's code."""
    row = dataset.row(video_id)
    targets = list(MINI.target_frames)
    pose = render_pose_video(dataset.keypoints(video_id)[targets], MINI.height, MINI.width)
    rows = [dataset.frames(video_id, [0]), pose, dataset.frames(video_id, targets)]
    rows += [read_video(run / "videos" / f"{video_id}.mp4") for run in runs]
    assert (row.height, row.width) == (MINI.height, MINI.width)
    return [frames if box is None else frames[:, box[0] : box[1], box[2] : box[3]] for frames in rows]


def difference(cell: np.ndarray, frame: np.ndarray) -> float:
    """Mean absolute difference of a cell's pixels and a frame enlarged to the cell's size (borders out)."""
    shown = np.asarray(Image.fromarray(frame).resize(cell.shape[1::-1], Image.NEAREST), dtype=float)
    return float(np.abs(cell[3:-3, 3:-3].astype(float) - shown[3:-3, 3:-3]).mean())


@pytest.mark.parametrize("crop", [False, True])
def test_the_figure_grid_shows_each_claimed_frame(
    builtin_runs: list[Path], mini_dataset: Path, tmp_path: Path, crop: bool
) -> None:
    runs, frames, video_id = builtin_runs[:3], (1, 12, 24), "LH-NP_00"
    options = GalleryOptions(ids=(video_id,), figure=True, frames=frames, crop=crop, progress=False)
    gallery = write_gallery(runs, tmp_path, mini_dataset, options=options)
    assert [path.name for path in gallery.figures] == [f"{video_id}.png", f"{video_id}.pdf"]
    dataset = Dataset(mini_dataset)
    box = None
    if crop:
        hand, face = dataset.masks(video_id)
        box = crop_box(hand[list(frames)], face[list(frames)])  # target frame n is stored frame n
    expected = expected_rows(dataset, runs, video_id, box)
    image = np.asarray(Image.open(gallery.figures[0]).convert("RGB"))
    grid = grid_of(picture_cells(image))
    assert set(grid) == {(0, 0)} | {(row, col) for row in range(1, 6) for col in range(3)}
    for (row, col), (top, bottom, left, right) in grid.items():
        claimed = expected[row][0 if row == 0 else frames[col] - 1]
        cell = image[top:bottom, left:right]
        assert difference(cell, claimed) < 4, (row, col)
        if row in (1, 2, 3, 5):  # pose, truth, the ground-truth run and pose-warp move between frames
            others = [expected[row][number - 1] for number in frames if number != frames[col]]
            margin = difference(cell, claimed) + 1
            assert all(difference(cell, other) > margin for other in others), (row, col)
    pictures = [expected[0][0], *(rows[number - 1] for rows in expected[1:] for number in frames)]
    assert_pdf_grid(gallery.figures[1], pictures, len(frames))


def assert_pdf_grid(path: Path, frames: list[np.ndarray], columns: int) -> None:
    """The PDF holds each frame's exact pixels, drawn in row-major grid order (reference alone in row 0)."""
    images = list(pdf_images(path).values())
    assert len(images) == len(frames)
    for (pixels, _), frame in zip(images, frames, strict=True):
        assert pixels.shape == frame.shape and np.array_equal(pixels, frame)
    places = [place for _, place in images]
    xs, ys = sorted({x for x, _ in places}), sorted({y for _, y in places}, reverse=True)
    assert len(xs) == columns and len(ys) == (len(frames) - 1) // columns + 1
    cells = [(ys.index(y), xs.index(x)) for x, y in places]
    assert cells == [(0, 0)] + [(row, col) for row in range(1, len(ys)) for col in range(columns)]
