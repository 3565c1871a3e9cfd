"""Dishonest or broken submissions: markup in class keys and names, impossible values, partial runs, oracles.

Each test builds the submission that once got through (raw HTML on the page, a crashed plot, ``inf``
ranked best, 5 of 36 videos ranked first, an oracle ranked) and checks it is refused or shown unranked.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest

from interhf_bench.cli import main
from interhf_bench.protocol.spec import INTERHF_MINI_V1
from leaderboard import render
from leaderboard.board import build_tables
from leaderboard.build import write_leaderboard
from leaderboard.entries import Entry
from tests.leaderboard.runs import metrics_file, write_raw, write_run

HTML_KEY = "<img src=x onerror=alert(9)>|x"
MATH_NAME = r"Net $\frac{$ x^2"
MINI = INTERHF_MINI_V1.id


def mini_run(root: Path, method: str, ssim: float, **options: Any) -> Path:
    return write_run(root, method, {"ssim": ssim, "psnr": 20.0 + ssim}, protocol=MINI, **options)


def raw_metrics(**changes: Any) -> dict[str, Any]:
    """A valid metrics.json as a dict, to be broken by the test."""
    data = metrics_file({"ssim": 0.5, "fid": 30.0}, protocol=MINI).model_dump(mode="json")
    data.update(changes)
    return data


def build(tmp_path: Path, runs: list[Path], **options: Any) -> str:
    """Build the board without the paper rows and return leaderboard.md."""
    write_leaderboard(runs, tmp_path / "out", paper=False, **options)
    return (tmp_path / "out" / "leaderboard.md").read_text()


def row(markdown: str, name: str) -> str:
    return next(line for line in markdown.splitlines() if line.startswith(f"| {name} |"))


def test_a_class_key_with_html_is_refused(tmp_path: Path) -> None:
    data = raw_metrics()
    data["per_class"][HTML_KEY] = data["per_class"]["LC-SF"]
    run = write_raw(tmp_path / "evil", data)
    with pytest.raises(ValueError, match=r"evil/metrics.json: refused.*is not an interaction class"):
        write_leaderboard([run], tmp_path / "out", paper=False)
    assert main(["leaderboard", str(run), "--out", str(tmp_path / "out")]) == 1


def test_submitted_text_is_escaped_in_every_output_even_past_validation() -> None:
    """Class codes, protocol ids and provenance are escaped by the writers, not only refused upstream."""
    entry = Entry(HTML_KEY, "=evil", False, "=p|<b>", "h", {"ssim": 0.5}, n_evaluated=1, n_expected=1)
    entry.per_class = {HTML_KEY: {"ssim": 0.5}}
    entry.provenance = {"date": "<script>alert(2)</script>", "version": "$x$"}
    tables = build_tables([entry], [])
    markdown = render.markdown(tables)
    assert "<img" not in markdown and "<script>" not in markdown and "<b>" not in markdown
    assert "&lt;img src=x onerror=alert(9)&gt;\\|x" in markdown
    rows = list(csv.reader(io.StringIO(render.csv_text(tables))))
    assert rows[1][:4] == ["'=evil", "<img src=x onerror=alert(9)>|x", "measured", "'=p|<b>"]
    assert "% Measured runs, protocol =p|<b>;" in render.latex(tables)  # no LaTeX specials in it
    from leaderboard import html

    page = html.page(tables, [])
    assert "<img" not in page and "<script>alert" not in page and "&lt;img src=x" in page


def test_a_display_name_with_math_text_still_gets_its_plots_and_page(tmp_path: Path) -> None:
    run = mini_run(tmp_path / "runs", "mathy", 0.7, display_name=MATH_NAME)
    tables, written = write_leaderboard([run], tmp_path / "out", paper=False)
    assert (tmp_path / "out" / "index.html").is_file()
    assert any(path.name == "table1_bar_ssim.png" for path in written)
    assert any(path.name == "table1_heatmap_ssim.png" for path in written)
    tex = (tmp_path / "out" / "leaderboard.tex").read_text()
    assert r"\$\textbackslash{}frac\{\$ x\textasciicircum{}2" in tex
    assert tables[0].entries[0].name == MATH_NAME


@pytest.mark.parametrize(
    ("where", "payload", "problem"),
    [
        ("overall", {"ssim": {"value": math.inf, "n": 1}}, r"ssim = inf is outside its range \[-1, 1\]"),
        ("overall", {"ssim": {"value": math.nan, "n": 1}}, "ssim = nan is outside"),
        ("overall", {"fid": {"value": -3.0, "n": 1}}, r"fid = -3.0 is outside its range \[0, inf\]"),
        ("overall", {"psnr": {"value": -1.0, "n": 1}}, "psnr = -1.0 is outside"),
        ("overall", {"l1": {"value": -1e-5, "n": 1}}, "l1 = -1e-05 is outside"),
        ("overall", {"lpips": {"value": -0.1, "n": 1}}, "lpips = -0.1 is outside"),
        ("overall", {"ssim": {"value": 1.5, "n": 1}}, "ssim = 1.5 is outside"),
        ("overall", {"hand_detected": {"value": 1.2, "n": 1}}, r"hand_detected = 1.2 is outside .*\[0, 1\]"),
        ("overall", {"fvd": {"value": 9.0, "ci95": [-math.inf, 10.0], "n": 1}}, "fvd has the 95 % interval"),
        ("overall", {"magic": {"value": 0.5, "n": 1}}, "unknown metric 'magic'"),
        ("per_class", {"LC-SF": {"ssim": {"value": math.nan, "n": 1}}}, "per_class 'LC-SF': ssim = nan"),
        ("per_video", {"LC-SF_00": {"psnr": math.inf}}, "per_video 'LC-SF_00': psnr = inf"),
        ("protocol_hash", "f" * 64, "protocol interhf-mini-v1 has the hash"),
        ("n_evaluated", 40, "n_evaluated 40 is not between 0 and n_expected 36"),
    ],
)
def test_impossible_values_are_refused_with_the_file_and_the_problem(
    tmp_path: Path, where: str, payload: Any, problem: str
) -> None:
    data = raw_metrics()
    if isinstance(payload, dict):
        data[where].update(payload)
    else:
        data[where] = payload
    run = write_raw(tmp_path / "bad", data)
    with pytest.raises(ValueError, match=rf"bad/metrics.json: refused, not what `score` writes: .*{problem}"):
        write_leaderboard([run], tmp_path / "out", paper=False)


def test_the_ground_truth_rows_numerical_noise_is_accepted(tmp_path: Path) -> None:
    values = {"ssim": 1.0 + 1e-12, "psnr": 100.0, "l1": 0.0, "fid": -2e-6, "fvd": -1e-4}
    run = write_run(tmp_path, "noise", values, protocol=MINI)
    tables, _ = write_leaderboard([run], tmp_path / "out", paper=False)
    assert tables[0].entries[0].values["fid"] == -2e-6


def test_reported_rows_with_impossible_values_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "reported.json"
    rows = [{"method": "m", "values": {"ssim": 0.5, "fvd": -1.0}}]
    path.write_text(json.dumps({"source": "s", "table": "t", "protocol": "interhf-v1", "rows": rows}))
    with pytest.raises(ValueError, match=r"reported.json: not a reported-results file: row 1: fvd = -1.0"):
        write_leaderboard([], tmp_path / "out", reported_files=[path])
    for text in ("0,5", "NaN", " 0.5", "1e400"):  # printed text must be a plain finite number
        rows[0]["values"] = {"ssim": text}
        path.write_text(json.dumps({"source": "s", "table": "t", "protocol": "interhf-v1", "rows": rows}))
        with pytest.raises(ValueError, match=r"ssim = '.*' is not a number|ssim = inf is outside"):
            write_leaderboard([], tmp_path / "out", reported_files=[path])
    rows[0]["values"] = {"ssim": [0.5]}
    path.write_text(json.dumps({"source": "s", "table": "t", "protocol": "interhf-v1", "rows": rows}))
    with pytest.raises(ValueError, match=r"ssim = \[0\.5\] is not a number"):
        write_leaderboard([], tmp_path / "out", reported_files=[path])


def test_incomplete_runs_are_shown_unranked_unless_asked(tmp_path: Path) -> None:
    runs = [
        mini_run(tmp_path / "runs", "five", 0.9, evaluated=5),
        mini_run(tmp_path / "runs", "two", 0.8, evaluated=2),
        mini_run(tmp_path / "runs", "partial-set", 0.75, evaluated=5, expected=5),  # claims 5 of 5
        mini_run(tmp_path / "runs", "picked", 0.7, selection_complete=False),
        mini_run(tmp_path / "runs", "full", 0.5),
    ]
    markdown = build(tmp_path, runs)
    assert row(markdown, "five").endswith("| unranked: incomplete 5/36 |")
    assert "5/36 (incomplete)" in row(markdown, "five") and "**" not in row(markdown, "five")
    assert row(markdown, "two").endswith("| unranked: incomplete 2/36 |")
    assert row(markdown, "partial-set").endswith("| unranked: incomplete 5/36 |")
    assert row(markdown, "picked").endswith("| unranked: incomplete selection (run\\_meta.json) |")
    assert "| **0.500** |" in row(markdown, "full") and row(markdown, "full").endswith("| 1.00 (2) |")
    csv_rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "leaderboard.csv").read_text())))
    assert [r["unranked"] for r in csv_rows][:2] == ["incomplete 5/36", "incomplete 2/36"]
    tex = (tmp_path / "out" / "leaderboard.tex").read_text()
    assert r"five$^\ast$ & -- & 0.900" in tex and r"\textbf{0.500}" in tex

    assert main(["leaderboard", *map(str, runs), "--out", str(tmp_path / "ranked"), "--no-paper",
                 "--rank-incomplete"]) == 0  # fmt: skip
    ranked = (tmp_path / "ranked" / "leaderboard.md").read_text()
    assert "| **0.900** |" in row(ranked, "five") and row(ranked, "five").endswith("| 1.00 (2) |")
    assert "5/36 (incomplete)" in row(ranked, "five")  # still marked


def test_a_run_without_run_meta_is_shown_unranked(tmp_path: Path) -> None:
    runs = [mini_run(tmp_path / "runs", "anonymous", 0.9, meta=False)]
    runs.append(mini_run(tmp_path / "runs", "known", 0.5))
    markdown = build(tmp_path, runs, rank_incomplete=True)
    assert row(markdown, "anonymous").endswith("| unranked: no run\\_meta |")
    assert "**" not in row(markdown, "anonymous") and "| **0.500** |" in row(markdown, "known")
    assert "run\\_meta: missing" in markdown
    tex = (tmp_path / "out" / "leaderboard.tex").read_text()
    assert r"anonymous$^\ddagger$" in tex


def test_an_oracle_has_its_own_table_and_is_never_ranked_or_plotted(tmp_path: Path) -> None:
    runs = [
        mini_run(tmp_path / "runs", "ground-truth", 1.0, oracle=True, display_name="Ground truth"),
        mini_run(tmp_path / "runs", "honest", 0.6),
    ]
    tables, written = write_leaderboard(runs, tmp_path / "out", paper=False, rank_incomplete=True)
    assert [table.oracle for table in tables] == [False, True]
    assert [entry.method for entry in tables[0].entries] == ["honest"]
    assert tables[1].ranked == [False] and tables[1].best(render.TABLE1_COLUMNS[1]) == set()
    markdown = (tmp_path / "out" / "leaderboard.md").read_text()
    assert "## Oracles (given the ground-truth frames; a sanity check, never ranked)" in markdown
    oracle = row(markdown, "Ground truth")
    assert "| oracle |" in oracle and "**" not in oracle
    assert oracle.endswith("| unranked: oracle (given the ground truth) |")
    assert "| **0.600** |" in row(markdown, "honest") and row(markdown, "honest").endswith("| 1.00 (2) |")
    assert all(path.name.startswith("table1_") for path in written if path.suffix == ".png")
    page = (tmp_path / "out" / "index.html").read_text()
    assert '<tr class="oracle unranked">' in page and "Oracles (given the ground-truth frames" in page
    tex = (tmp_path / "out" / "leaderboard.tex").read_text()
    assert "% oracles were given the ground-truth frames" in tex and r"\textbf{1.000}" not in tex
    csv_rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "leaderboard.csv").read_text())))
    assert {r["name"]: r["kind"] for r in csv_rows} == {"honest": "measured", "Ground truth": "oracle"}
