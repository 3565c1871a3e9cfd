"""The leaderboard's Interaction table: its columns in every format, the classifier's ceiling beside it,
its plots, and no table for runs scored without a hand detector."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from leaderboard.build import write_leaderboard
from leaderboard.columns import INTERACTION_COLUMNS, higher_is_better
from tests.leaderboard.runs import write_run

CONTACT = {
    "contact_f1": 0.8,
    "contact_onset_error": 1.5,
    "contact_offset_error": 2.0,
    "contact_location": 0.7,
    "contact_hand": 0.9,
    "contact_fingers": None,
    "contact_direction": 0.5,
    "recognition": 0.25,
    "recognition_gt": 0.917,
}


def test_the_interaction_table_in_markdown_html_csv_and_plots(tmp_path: Path) -> None:
    runs = [
        write_run(tmp_path, "good", {"ssim": 0.8, **CONTACT}, protocol="interhf-mini-v1"),
        write_run(tmp_path, "still", {"ssim": 0.9, **CONTACT, "contact_f1": 0.0}, protocol="interhf-mini-v1"),
    ]
    write_leaderboard(runs, tmp_path / "out", paper=False)
    markdown = (tmp_path / "out" / "leaderboard.md").read_text()
    assert "### Interaction (ours)" in markdown and "names 0.917 of the ground-truth videos" in markdown
    good = next(line for line in markdown.splitlines() if line.startswith("| good") and "0.250" in line)
    assert "| **0.800** | **1.50** | **2.00** |" in good and "| – |" in good  # no fingers: a dash
    page = (tmp_path / "out" / "index.html").read_text()
    assert 'id="table1-interaction"' in page and "Interaction (ours)" in page
    header = next(csv.reader(io.StringIO((tmp_path / "out" / "leaderboard.csv").read_text())))
    assert all(column.key in header for column in INTERACTION_COLUMNS)
    plots = {path.name for path in (tmp_path / "out" / "plots").iterdir()}
    assert {"table1_bar_contact_f1.png", "table1_heatmap_recognition.png"} <= plots
    assert higher_is_better("contact_onset_error") is False and higher_is_better("recognition_gt") is True


def test_runs_without_interaction_values_get_no_interaction_table(tmp_path: Path) -> None:
    write_leaderboard([write_run(tmp_path, "plain", {"ssim": 0.8})], tmp_path / "out", paper=False)
    assert "Interaction (ours)" not in (tmp_path / "out" / "leaderboard.md").read_text()
    assert "Interaction (ours)" not in (tmp_path / "out" / "index.html").read_text()
