"""``interhf-bench leaderboard``: read runs and reported rows, write every format into one folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from interhf_bench.io.files import write_text_atomic
from leaderboard import html, render
from leaderboard.board import Table, ablation_tables, build_tables
from leaderboard.columns import INTERACTION_COLUMNS, REGION_COLUMNS, TABLE1_COLUMNS
from leaderboard.entries import Entry, load_reported, load_run, paper_rows
from leaderboard.plots import write_plots

# Where ``interhf-bench gallery --out BOARD/gallery`` puts its page; the board's page links it when present.
GALLERY_LINK = "gallery/index.html"


def collect(
    runs: Sequence[Path], *, paper: bool = True, reported_files: Sequence[Path] = ()
) -> tuple[list[Entry], list[Entry]]:
    """Measured entries from run folders or metrics.json files, reported rows from the paper and files."""
    measured = [load_run(Path(path)) for path in runs]
    keys = [entry.key for entry in measured]
    duplicates = sorted(
        {
            f"{method}" + (f" ({variant})" if variant else "")
            for method, variant in keys
            if keys.count((method, variant)) > 1
        }
    )
    if duplicates:
        raise ValueError(f"the same method appears in more than one run: {', '.join(duplicates)}")
    reported = paper_rows() if paper else []
    for path in reported_files:
        reported += load_reported(Path(path))
    return measured, reported


def write_leaderboard(
    runs: Sequence[Path],
    out: Path,
    *,
    paper: bool = True,
    reported_files: Sequence[Path] = (),
    rank_reported: bool = False,
    rank_incomplete: bool = False,
) -> tuple[list[Table], list[Path]]:
    """Write ``leaderboard.md``, ``.csv``, ``.tex``, ``index.html`` and ``plots/*.png`` into ``out``.

    The tables follow the paper's Table 1 and, for ablation variants and the paper's Table 2 rows, its
    Table 2; the page links a gallery built into ``out/gallery/``. Returns every table (Table 1 layouts
    first) and the files written.

    Every ``metrics.json`` is checked before any is used (:func:`leaderboard.entries.read_metrics`);
    one that ``score`` could not have written stops the build with its path and its problems.
    """
    measured, reported = collect(runs, paper=paper, reported_files=reported_files)
    if not measured and not reported:
        raise ValueError("nothing to show: give run folders (or keep the paper's reported rows)")
    ranks = {"rank_reported": rank_reported, "rank_incomplete": rank_incomplete}
    tables = build_tables(measured, reported, **ranks)
    ablations = ablation_tables(measured, reported, **ranks)
    written = []
    for name, text in (
        ("leaderboard.md", render.markdown(tables, ablations)),
        ("leaderboard.csv", render.csv_text(tables, ablations)),
        ("leaderboard.tex", render.latex(tables, ablations)),
    ):
        write_text_atomic(out / name, text)
        written.append(out / name)
    figures = write_plots(tables, [*TABLE1_COLUMNS, *REGION_COLUMNS, *INTERACTION_COLUMNS], out / "plots")
    gallery = GALLERY_LINK if (out / GALLERY_LINK).is_file() else None
    write_text_atomic(out / "index.html", html.page(tables, figures, ablations, gallery))
    written += [out / "index.html", *figures]
    return [*tables, *ablations], written
