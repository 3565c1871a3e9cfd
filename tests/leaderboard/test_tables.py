"""Leaderboard tables: paper rows verbatim, protocol rules, dashes not zeros, ranks, escaping."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest

from interhf_bench.cli import main
from leaderboard.board import ProtocolMismatchError
from leaderboard.build import write_leaderboard
from leaderboard.columns import ABLATION_ROWS, TABLE1_COLUMNS
from leaderboard.entries import Entry
from leaderboard.ranking import mean_ranks, metric_ranks
from tests.leaderboard.runs import write_run

EVIL = "<script>alert(1)</script> & 100% {x}_$|"


def test_paper_rows_are_shown_verbatim_and_apart_from_measured_ones(tmp_path: Path) -> None:
    run = write_run(
        tmp_path / "runs", "mine", {"ssim": 0.8, "psnr": 24.0, "fvd": None}, protocol="interhf-mini-v1"
    )
    tables, _ = write_leaderboard([run], tmp_path / "out")
    assert [(table.protocol, table.layout) for table in tables] == [
        ("interhf-mini-v1", "Table 1"), ("interhf-v1", "Table 1"), ("interhf-v1", "Table 2"),
    ]  # fmt: skip
    markdown = (tmp_path / "out" / "leaderboard.md").read_text()
    paper_line = next(line for line in markdown.splitlines() if line.startswith("| InterAnimate"))
    assert paper_line.split(" | ")[1:10] == [
        "reported (paper)", "paper", "23.22", "0.785", "23.36", "0.141", "2.27E-05", "10.79", "122.90",
    ]  # fmt: skip
    assert paper_line.endswith("| unranked: reported |")
    mine = next(line for line in markdown.splitlines() if line.startswith("| mine"))
    assert "| – |" in mine and "| 0 |" not in mine and "36/36" in mine
    assert "not comparable with the measured runs above" in markdown
    from PIL import Image

    figures = sorted(path.name for path in (tmp_path / "out" / "plots").iterdir())
    assert "table1_bar_ssim.png" in figures and "table2_bar_fid.png" in figures  # measured, then paper
    assert "table1_bar_fid.png" not in figures  # no measured FID: no empty figure
    assert "table1_heatmap_ssim.png" in figures and "table1_overview.png" in figures
    for name in figures:
        with Image.open(tmp_path / "out" / "plots" / name) as image:
            assert image.format == "PNG" and min(image.size) > 100
    tex = (tmp_path / "out" / "leaderboard.tex").read_text()
    assert r"InterAnimate$^\dagger$ & 23.22 & 0.785 & 23.36 & 0.141 & 2.27E-05 & 10.79 & 122.90 \\" in tex


def test_same_protocol_reported_rows_are_marked_and_not_ranked(tmp_path: Path) -> None:
    runs = [write_run(tmp_path, "weak", {"ssim": 0.5, "psnr": 10.0})]
    tables, _ = write_leaderboard(runs, tmp_path / "out")
    assert [table.layout for table in tables] == ["Table 1", "Table 2"]
    assert tables[0].ranked == [True] + [False] * 7
    markdown = (tmp_path / "out" / "leaderboard.md").read_text()
    assert "180/180 |" in markdown and "| **0.500** |" in markdown  # the paper row is not bold
    tables, _ = write_leaderboard(runs, tmp_path / "ranked", rank_reported=True)
    assert tables[0].best(TABLE1_COLUMNS[1]) == {7}  # InterAnimate's reported SSIM 0.785


def test_different_protocols_are_refused(tmp_path: Path) -> None:
    one = write_run(tmp_path, "a", {"ssim": 0.5}, protocol="custom-v1")
    other = write_run(tmp_path, "b", {"ssim": 0.6}, protocol="custom-v1", protocol_hash="c" * 64)
    with pytest.raises(ProtocolMismatchError, match="different protocols in one table: a: custom-v1"):
        write_leaderboard([one, other], tmp_path / "out")


def test_ranks_ties_missing_values_and_mean_rank() -> None:
    def entry(name: str, **values: float | None) -> Entry:
        return Entry(name, name, False, "p", "h", dict(values))

    entries = [entry("a", ssim=0.9, fid=10.0), entry("b", ssim=0.9, fid=None), entry("c", ssim=0.5, fid=5.0)]
    ssim, fid = TABLE1_COLUMNS[1], TABLE1_COLUMNS[0]
    assert metric_ranks(entries, ssim) == [1.5, 1.5, 3.0]
    assert metric_ranks(entries, fid) == [2.0, None, 1.0]
    assert mean_ranks(entries, [fid, ssim]) == [(1.75, 2), (1.5, 1), (2.0, 2)]


def test_untrusted_names_are_escaped_in_every_format() -> None:
    from leaderboard import escape, render
    from leaderboard.board import build_tables

    tables = build_tables([Entry(EVIL, "=cmd()", False, "interhf-v1", "h", {"ssim": 0.5})], [])
    markdown = render.markdown(tables)
    assert "<script>" not in markdown and "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert r"\|" in markdown
    latex = render.latex(tables)
    assert r"\& 100\% \{x\}\_\$" in latex
    rows = list(csv.reader(io.StringIO(render.csv_text(tables))))
    assert rows[1][0] == "'=cmd()" and rows[1][1] == escape.csv_cell(EVIL)


def test_cli(tmp_path: Path, capsys) -> None:
    run = write_run(tmp_path / "runs", "mine", {"ssim": 0.8}, protocol="interhf-mini-v1")
    assert main(["leaderboard", str(run), "--out", str(tmp_path / "out"), "--no-paper"]) == 0
    assert "Measured runs, protocol interhf-mini-v1: 1 entries" in capsys.readouterr().out
    assert main(["leaderboard", str(tmp_path / "nope"), "--out", str(tmp_path / "out")]) == 1


def _entry(variant: str | None, ssim: float, method: str = "interanimate") -> Entry:
    return Entry(
        name=f"InterAnimate {variant}",
        method=method,
        reported=False,
        protocol="interhf-v1",
        protocol_hash="h",
        values={"ssim": ssim},
        n_evaluated=180,
        n_expected=180,
        variant=variant,
    )


def test_ablation_runs_form_the_table2_layout_in_the_papers_order() -> None:
    from leaderboard.board import ablation_tables
    from leaderboard.render import markdown

    entries = [_entry("full", 0.8), _entry("wo-id", 0.7), _entry("wo-ris", 0.6), _entry(None, 0.5, "other")]
    (table,) = ablation_tables(entries)
    assert [entry.variant for entry in table.entries] == ["wo-ris", "wo-id", "full"]
    assert table.layout == "Table 2" and "Table 2 layout" in markdown([], [table])
    assert ablation_tables([_entry("full", 0.8), _entry(None, 0.5, "other")]) == []
    assert len({entry.key for entry in entries}) == 4  # variants of one method are distinct runs


def test_the_papers_ablation_rows_sit_beside_measured_variants_unranked_unless_asked() -> None:
    from leaderboard.board import ablation_tables
    from leaderboard.entries import paper_rows

    measured = [_entry("full", 0.8), _entry("wo-ris", 0.6)]
    (table,) = ablation_tables(measured, paper_rows())  # both interhf-v1: one table
    assert [entry.variant for entry in table.entries] == ["wo-ris", "full", *(v for v, _ in ABLATION_ROWS)]
    assert [entry.kind for entry in table.entries] == ["measured"] * 2 + ["reported (paper)"] * 5
    assert table.ranked == [True, True] + [False] * 5 and table.best(TABLE1_COLUMNS[1]) == {1}
    (ranked,) = ablation_tables(measured, paper_rows(), rank_reported=True)
    assert all(ranked.ranked) and ranked.best(TABLE1_COLUMNS[0]) == {6}  # the paper's full model's FID
    mini = [replace(entry, protocol="interhf-mini-v1") for entry in measured]
    apart = ablation_tables(mini, paper_rows())
    assert [len(t.entries) for t in apart] == [2, 5] and "not comparable" in apart[1].title
    assert [t.title for t in ablation_tables([], paper_rows())] == [
        "Reported (paper) ablation (Table 2 layout), protocol interhf-v1"
    ]
