"""``--figure``: one case's comparison as a still for a paper (PNG and PDF), like the paper's Fig. 4.

Rows are the reference frame (first column only), the driving pose, the ground truth and each run's
output; columns are the chosen frames. Every cell of a case can be cropped to one box around the hand
and face masks of the chosen frames, so all rows show the same region. Images are placed without
interpolation (``interpolation="none"``): the PDF holds each cell's pixels as they are. Run names are
untrusted and drawn as plain text (no mathtext, no LaTeX), cut to :data:`leaderboard.plots.MAX_LABEL`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from leaderboard.gallery.cases import CaseMedia
from leaderboard.plots import PLAIN, plain_label

CELL_INCHES = 1.2  # width of one cell
LABEL_INCHES = 1.2  # the row labels' column
TITLE_INCHES = 0.3  # the frame numbers above the first row
MARGIN = 0.15  # of the hand-face box's size, added on each side of a crop
DPI = 200

Box = tuple[int, int, int, int]  # top, bottom, left, right (exclusive ends)


def default_frames(count: int, columns: int = 4) -> list[int]:
    """``columns`` target frames spread evenly from the first to the last (1-based, as the page counts)."""
    return sorted({round(value) for value in np.linspace(1, count, min(columns, count))})


def crop_box(hand: np.ndarray, face: np.ndarray, margin: float = MARGIN) -> Box | None:
    """The box around every hand and face pixel of ``(T, H, W)`` masks, widened by ``margin``."""
    union = (hand | face).any(axis=0)
    if not union.any():
        return None
    rows, cols = np.flatnonzero(union.any(axis=1)), np.flatnonzero(union.any(axis=0))
    top, bottom, left, right = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    pad_y, pad_x = round(margin * (bottom - top)), round(margin * (right - left))
    height, width = union.shape
    return max(0, top - pad_y), min(height, bottom + pad_y), max(0, left - pad_x), min(width, right + pad_x)


def grid_rows(media: CaseMedia, run_names: Sequence[str]) -> list[tuple[str, np.ndarray | None]]:
    """``(label, frames)`` per row; the reference is one frame, shown in the first column."""
    rows: list[tuple[str, np.ndarray | None]] = [
        ("Reference", media.reference[None]),
        ("Pose", media.pose),
        ("Ground truth", media.ground_truth),
    ]
    return rows + [(plain_label(name), frames) for name, frames in zip(run_names, media.outputs, strict=True)]


def _cell(
    frames: np.ndarray | None, row: int, column: int, number: int, box: Box | None
) -> np.ndarray | None:
    """The picture of one cell: the reference only in the first column, nothing for a missing output."""
    if frames is None or (row == 0 and column > 0):
        return None
    picture = frames[0] if row == 0 else frames[number - 1]
    return picture if box is None else picture[box[0] : box[1], box[2] : box[3]]


def _draw(axis: Axes, picture: np.ndarray | None, blank: bool) -> None:
    """A picture without ticks or frame; a missing output says so, other reference cells stay empty."""
    axis.set_xticks([])
    axis.set_yticks([])
    for spine in axis.spines.values():
        spine.set_visible(False)
    if picture is not None:
        axis.imshow(picture, interpolation="none")
    elif blank:
        axis.set_axis_off()
    else:
        axis.text(0.5, 0.5, "no video", ha="center", va="center", fontsize=7, transform=axis.transAxes)


def comparison_figure(
    media: CaseMedia, run_names: Sequence[str], frames: Sequence[int], box: Box | None = None
) -> Figure:
    """The grid: rows of :func:`grid_rows`, one column per frame (1-based target frame numbers)."""
    rows = grid_rows(media, run_names)
    height, width = (box[1] - box[0], box[3] - box[2]) if box else media.ground_truth.shape[1:3]
    size = (CELL_INCHES * len(frames) + LABEL_INCHES, CELL_INCHES * height / width * len(rows) + TITLE_INCHES)
    figure = Figure(figsize=size)
    spacing = {"wspace": 0.04, "hspace": 0.04, "right": 0.99, "bottom": 0.01}
    spacing |= {"left": LABEL_INCHES / size[0], "top": 1 - TITLE_INCHES / size[1]}
    axes = figure.subplots(len(rows), len(frames), squeeze=False, gridspec_kw=spacing)
    for row, (label, pictures) in enumerate(rows):
        for column, number in enumerate(frames):
            _draw(axes[row, column], _cell(pictures, row, column, number, box), blank=row == 0)
        axes[row, 0].set_ylabel(label, fontsize=8, **PLAIN)
    for column, number in enumerate(frames):
        axes[0, column].set_title(f"frame {number}", fontsize=8)
    return figure


def write_figure(
    media: CaseMedia, run_names: Sequence[str], frames: Sequence[int], stem: Path, box: Box | None = None
) -> list[Path]:
    """``<stem>.png`` and ``<stem>.pdf``."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context({"text.usetex": False}):
        figure = comparison_figure(media, run_names, frames, box)
        paths = [stem.parent / f"{stem.name}.png", stem.parent / f"{stem.name}.pdf"]
        for path in paths:
            figure.savefig(path, dpi=DPI)
    return paths
