"""Figures with matplotlib: bars with interval whiskers, class heatmaps, an overview.

Figures are built as ``matplotlib.figure.Figure`` objects and saved directly (PNG through Agg), without
pyplot's global state, so nothing needs a display.

Only one table's entries go into a figure, so a figure never mixes protocols. Reported rows are
hatched and labelled, measured runs left out of the ranking grey and labelled ``(unranked)``; metrics
nobody has are skipped rather than drawn empty. The oracle table gets no
figures: an oracle is a sanity check, not a contender.

Names and class codes come from submissions. Matplotlib would read ``$...$`` in them as mathtext (and
fail to draw a malformed formula) or hand them to LaTeX under ``text.usetex``; every label from a
submission is therefore drawn as plain text (``parse_math=False``, ``usetex=False``), cut to
:data:`MAX_LABEL` characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from leaderboard.board import Table
from leaderboard.columns import Column
from leaderboard.entries import Entry
from leaderboard.escape import one_line

DPI = 120
MAX_LABEL = 40
PLAIN = {"parse_math": False, "usetex": False}  # submitted text is never a formula


def plain_label(text: str) -> str:
    """One line of at most :data:`MAX_LABEL` characters: a long name must not swallow the figure."""
    text = one_line(text)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _unranked_run(table: Table, entry: Entry) -> bool:
    """A measured run the table leaves out of the ranking (incomplete, no run_meta.json)."""
    return not entry.reported and table.unranked[table.entries.index(entry)] is not None


def _label(table: Table, entry: Entry) -> str:
    mark = " (paper)" if entry.reported else " (unranked)" if _unranked_run(table, entry) else ""
    return plain_label(entry.name) + mark


def _with_values(table: Table, column: Column) -> list[Entry]:
    return [entry for entry in table.entries if entry.values.get(column.key) is not None]


def _bars(axis: Axes, table: Table, entries: Sequence[Entry], column: Column) -> None:
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
        elif _unranked_run(table, entry):
            bar.set_facecolor("#b0b0b0")
    labels = [_label(table, entry) for entry in entries]
    axis.set_xticks(positions, labels, rotation=30, ha="right", **PLAIN)
    axis.set_title(f"{column.label} {column.arrow}")


def bar_chart(table: Table, column: Column, path: Path) -> Path | None:
    """One metric, one bar per entry, whiskers at the 95 % bootstrap interval where there is one."""
    entries = _with_values(table, column)
    if not entries:
        return None
    figure = Figure(figsize=(max(4.0, 0.9 * len(entries) + 2), 3.5))
    axis = figure.subplots()
    _bars(axis, table, entries, column)
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
    labels = [plain_label(code) for code in classes]
    axis.set_xticks(range(len(classes)), labels, rotation=60, ha="right", **PLAIN)
    axis.set_yticks(range(len(entries)), [_label(table, entry) for entry in entries], **PLAIN)
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
        _bars(axis, table, _with_values(table, column), column)
    for axis in list(axes.flat)[len(shown) :]:
        axis.set_visible(False)
    figure.tight_layout()
    figure.savefig(path, dpi=DPI)
    return path


def write_plots(tables: Sequence[Table], columns: Sequence[Column], out: Path) -> list[Path]:
    """All figures of every table but the oracles' into ``out`` (``table<i>_<kind>_<metric>.png``)."""
    out.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context({"text.usetex": False}):
        written = [
            path
            for index, table in enumerate(tables)
            if not table.oracle
            for path in _table_figures(table, columns, out / f"table{index + 1}")
        ]
    return written


def _table_figures(table: Table, columns: Sequence[Column], prefix: Path) -> list[Path]:
    """One table's bar charts, heatmaps and overview, named ``<prefix>_<kind>_<metric>.png``."""
    written: list[Path | None] = []
    for column in columns:
        written.append(bar_chart(table, column, Path(f"{prefix}_bar_{column.key}.png")))
        written.append(class_heatmap(table, column, Path(f"{prefix}_heatmap_{column.key}.png")))
    written.append(overview(table, columns, Path(f"{prefix}_overview.png")))
    return [path for path in written if path is not None]
