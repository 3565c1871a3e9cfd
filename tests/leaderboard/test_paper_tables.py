"""The paper's Tables 1 and 2: the data files hold every number as printed, and every output shows it so.

The numbers are checked against the data files always, and against the team's transcription of the
paper (``shared/research/paper-tables.md``) where that file exists.
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from leaderboard.build import write_leaderboard
from leaderboard.columns import ABLATION_ROWS, TABLE1_COLUMNS
from leaderboard.entries import DATA_DIR, paper_rows
from tests.conftest import shared_file
from tests.leaderboard.runs import write_run

TRANSCRIPTION = "research/paper-tables.md"
KEYS = [column.key for column in TABLE1_COLUMNS]
LABELS = dict(ABLATION_ROWS)


def markdown_tables(text: str) -> dict[str, list[dict[str, str]]]:
    """``{"Table 1": [row, ...]}`` from markdown whose ``## Table N: ...`` sections each hold a table."""
    tables: dict[str, list[dict[str, str]]] = {}
    section = header = None
    for line in text.splitlines():
        if line.startswith("## "):
            section, header = line[3:].split(":")[0].strip(), None
        elif line.startswith("|") and section and not line.startswith("|---"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            if header is None:
                header = cells
            else:
                tables.setdefault(section, []).append(dict(zip(header, cells, strict=True)))
    return tables


def data_file(table: str) -> dict:
    return json.loads((DATA_DIR / f"paper_{table}.json").read_text())


def printed(row: dict[str, str]) -> list[str]:
    """A transcribed row's seven values in Table 1's column order."""
    return [row[column.label] for column in TABLE1_COLUMNS]


def expected_from_data_files() -> dict[str, list[str]]:
    """``{shown name: [printed values]}`` of every reported row of both tables."""
    rows = {row["method"]: [row["values"][key] for key in KEYS] for row in data_file("table1")["rows"]}
    for row in data_file("table2")["rows"]:
        rows[f"InterAnimate ({LABELS[row['variant']]})"] = [row["values"][key] for key in KEYS]
    return rows


def expected_from_transcription() -> dict[str, list[str]]:
    tables = markdown_tables(shared_file(TRANSCRIPTION).read_text())
    rows = {row["Method"]: printed(row) for row in tables["Table 1"]}
    variants = {row["label"]: row["variant"] for row in data_file("table2")["rows"]}
    for row in tables["Table 2"]:
        rows[f"InterAnimate ({LABELS[variants[row['Variant']]]})"] = printed(row)
    return rows


def test_the_data_files_hold_the_papers_tables_as_transcribed() -> None:
    tables = markdown_tables(shared_file(TRANSCRIPTION).read_text())
    table1, table2 = data_file("table1"), data_file("table2")
    assert [row["method"] for row in table1["rows"]] == [row["Method"] for row in tables["Table 1"]]
    for row, paper in zip(table1["rows"], tables["Table 1"], strict=True):
        assert [row["values"][key] for key in KEYS] == printed(paper), row["method"]
        assert row["publication"] == paper["Publication"]
    assert [row["label"] for row in table2["rows"]] == [row["Variant"] for row in tables["Table 2"]]
    for row, paper in zip(table2["rows"], tables["Table 2"], strict=True):
        assert [row["values"][key] for key in KEYS] == printed(paper), row["label"]
    assert [row["variant"] for row in table2["rows"]] == list(LABELS)  # the paper's row order


def test_the_data_files_say_where_the_numbers_come_from_and_parse() -> None:
    for table, name in (("table1", "Table 1"), ("table2", "Table 2")):
        data = data_file(table)
        assert data["paper"] == "arXiv:2504.10905" and data["table"] == name
        assert "arXiv:2504.10905" in data["source"] and data["protocol"] == "interhf-v1"
        assert "transcription" not in data
    entries = paper_rows()
    assert len(entries) == 12 and all(entry.reported for entry in entries)
    for entry in entries:
        assert set(entry.printed) == set(KEYS)
        assert all(entry.values[key] == float(entry.printed[key]) for key in KEYS)
    disco = entries[0]
    assert (disco.printed["psnr"], disco.values["psnr"]) == ("18.00", 18.0)
    assert (disco.printed["l1"], disco.values["l1"]) == ("3.65E-04", 3.65e-4)


class TableCells(HTMLParser):
    """The text of every ``<td>`` of every ``<table id=...>``: ``{id: [[cell, ...], ...]}``."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.table: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.table = dict(attrs).get("id") or ""
        elif tag == "tr" and self.table is not None:
            self.tables.setdefault(self.table, []).append([])
        elif tag == "td":
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.cell is not None and self.table is not None:
            self.tables[self.table][-1].append("".join(self.cell))
            self.cell = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def shown_rows(out: Path) -> dict[str, dict[str, list[list[str]]]]:
    """Per format, the reported rows as ``[name, kind, value, ...]`` (the seven Table 1 columns)."""
    shown: dict[str, dict[str, list[list[str]]]] = {"md": {}, "csv": {}, "tex": {}, "html": {}}
    for line in (out / "leaderboard.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) > 10 and cells[1] == "reported (paper)":
            shown["md"].setdefault(cells[0], []).append(cells[3:10])
    for row in csv.DictReader(io.StringIO((out / "leaderboard.csv").read_text())):
        if row["kind"] == "reported (paper)":
            shown["csv"].setdefault(row["name"], []).append([row[key] for key in KEYS])
    for line in (out / "leaderboard.tex").read_text().splitlines():
        if r"$^\dagger$ &" in line:
            name, *values = line.removesuffix(r" \\").split(" & ")
            shown["tex"].setdefault(name.removesuffix(r"$^\dagger$"), []).append(values)
    parser = TableCells()
    parser.feed((out / "index.html").read_text())
    for table_id, rows in parser.tables.items():
        for cells in rows:
            if not table_id.endswith("-regions") and len(cells) > 10 and cells[1] == "reported (paper)":
                shown["html"].setdefault(cells[0], []).append(cells[3:10])
    return shown


@pytest.mark.parametrize("source", ["data files", "transcription"])
def test_every_paper_number_is_shown_as_printed_in_every_format(source: str, tmp_path: Path) -> None:
    expected = expected_from_data_files() if source == "data files" else expected_from_transcription()
    run = write_run(tmp_path / "runs", "mine", {"ssim": 0.8, "l1": 1e-4}, protocol="interhf-mini-v1")
    write_leaderboard([run], tmp_path / "out")
    shown = shown_rows(tmp_path / "out")
    for fmt, rows in shown.items():  # the names have no character that a format escapes
        assert set(rows) == set(expected), fmt
        for name, values in expected.items():
            assert rows[name] == [values], (fmt, name)
    markdown = (tmp_path / "out" / "leaderboard.md").read_text()
    assert "## Reported (paper) ablation (Table 2 layout), protocol interhf-v1" in markdown
    assert "| Disco | reported (paper) | paper | 116.04 | 0.482 | 18.00 | 0.274 | 3.65E-04 |" in markdown
