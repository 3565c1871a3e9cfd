"""Figures with matplotlib: bars with interval whiskers, class heatmaps, an overview.

Figures are built as ``matplotlib.figure.Figure`` objects and saved directly (PNG through Agg), without
pyplot's global state, so nothing needs a display.

Only one table's entries go into a figure, so a figure never mixes protocols. Reported rows are
hatched and labelled; metrics nobody has are skipped rather than drawn empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from leaderboard.board import Table
from leaderboard.columns import Column
from leaderboard.entries import Entry

DPI = 120


def _label(entry: Entry) -> str:
    return entry.name + (" (paper)" if entry.reported else "")


def _with_values(table: Table, column: Column) -> list[Entry]:
    return [entry for entry in table.entries if entry.values.get(column.key) is not None]


def _bars(axis: Axes, entries: Sequence[Entry], column: Column) -> None:
    values = [entry.values[column.key] for entry in entries]
    low, high = [], []
    for entry, value in zip(entries, values, strict=True):
        interval = entry.ci95.get(column.key)
        low.append(value - interval[0] if interval else 0.0)
        high.append(interval[1] - value if interval else 0.0)
    positions = np.arange(len(entries))
    bars = axis.bar(positions, values, yerr=[low, high], capsize=4, color="#4c72b0")
    for bar, entry in zip(bars, entries, strict=True):
        if entry.reported:
            bar.set_hatch("//")
            bar.set_facecolor("#dd8452")
    axis.set_xticks(positions, [_label(entry) for entry in entries], rotation=30, ha="right")
    axis.set_title(f"{column.label} {column.arrow}")


def bar_chart(table: Table, column: Column, path: Path) -> Path | None:
    """One metric, one bar per entry, whiskers at the 95 % bootstrap interval where there is one."""
    entries = _with_values(table, column)
    if not entries:
        return None
    figure = Figure(figsize=(max(4.0, 0.9 * len(entries) + 2), 3.5))
    axis = figure.subplots()
    _bars(axis, entries, column)
    figure.tight_layout()
    figure.savefig(path, dpi=DPI)
    return path


def class_heatmap(table: Table, column: Column, path: Path) -> Path | None:
    """Method x interaction class, one cell per per-class value (blank where missing)."""
    entries = [entry for entry in table.entries if entry.per_class]
    classes = sorted({code for entry in entries for code in entry.per_class})
    grid = np.array(
        [[entry.per_class.get(code, {}).get(column.key) for code in classes] for entry in entries],
        dtype=float,
    )
    if grid.size == 0 or np.isnan(grid).all():
        return None
    figure = Figure(figsize=(max(6.0, 0.5 * len(classes) + 2), 0.5 * len(entries) + 2))
    axis = figure.subplots()
    image = axis.imshow(
        np.ma.masked_invalid(grid), aspect="auto", cmap="viridis" if column.higher_is_better else "viridis_r"
    )
    axis.set_xticks(range(len(classes)), classes, rotation=60, ha="right")
    axis.set_yticks(range(len(entries)), [_label(entry) for entry in entries])
    axis.set_title(f"{column.label} {column.arrow} per interaction class (brighter is better)")
    figure.colorbar(image, ax=axis)
    figure.tight_layout()
    figure.savefig(path, dpi=DPI)
    return path


def overview(table: Table, columns: Sequence[Column], path: Path) -> Path | None:
    """Every metric side by side: one small bar chart per metric, same entries in each."""
    shown = [column for column in columns if _with_values(table, column)]
    if not shown:
        return None
    width = min(4, len(shown))
    rows = -(-len(shown) // width)
    figure = Figure(figsize=(3.6 * width, 3.2 * rows))
    axes = figure.subplots(rows, width, squeeze=False)
    for axis, column in zip(axes.flat, shown, strict=False):
        _bars(axis, _with_values(table, column), column)
    for axis in list(axes.flat)[len(shown) :]:
        axis.set_visible(False)
    figure.tight_layout()
    figure.savefig(path, dpi=DPI)
    return path


def write_plots(tables: Sequence[Table], columns: Sequence[Column], out: Path) -> list[Path]:
    """All figures of every table into ``out`` (``table<i>_<kind>_<metric>.png``)."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path | None] = []
    for index, table in enumerate(tables):
        prefix = out / f"table{index + 1}"
        for column in columns:
            written.append(bar_chart(table, column, Path(f"{prefix}_bar_{column.key}.png")))
            written.append(class_heatmap(table, column, Path(f"{prefix}_heatmap_{column.key}.png")))
        written.append(overview(table, columns, Path(f"{prefix}_overview.png")))
    return [path for path in written if path is not None]
