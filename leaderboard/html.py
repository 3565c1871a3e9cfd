"""``index.html``: one self-contained static page (no server, no network): tables, figures, provenance.

Everything is inline: the style, a small script that sorts a table by the clicked column header, and the
figures as base64 PNG data. Every piece of text from results or submissions goes through ``html.escape``,
so a method called ``<script>...</script>`` is shown as text. Reported rows carry a visible badge; an
unranked entry says why in its rank cell, and oracles have a table of their own.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from leaderboard.board import Table
from leaderboard.columns import INTERACTION_COLUMNS, REGION_COLUMNS, TABLE1_COLUMNS, Column
from leaderboard.entries import Entry
from leaderboard.render import DASH, RANKING_NOTE, interaction_note, rank_text, shown_value, videos

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: right; }
th:first-child, td:first-child, td.kind { text-align: left; }
th { cursor: pointer; background: #f4f4f4; user-select: none; }
th[aria-sort="ascending"]::after { content: " \\25B2"; }
th[aria-sort="descending"]::after { content: " \\25BC"; }
tr.reported td { background: #fff7e6; }
.badge { font-size: 0.75rem; padding: 0.1rem 0.4rem; border-radius: 0.3rem; background: #ddd; }
tr.reported .badge { background: #f0a030; color: #fff; }
tr.oracle td { background: #eef3ff; }
tr.unranked td { color: #666; }
td.best { font-weight: bold; }
img { max-width: 100%; margin: 0.5rem 0; }
"""

SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (header, column) {
    header.addEventListener("click", function () {
      var ascending = header.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute("data-sort"), y = b.cells[column].getAttribute("data-sort");
        if (x === "" && y === "") return 0;
        if (x === "") return 1;
        if (y === "") return -1;
        var nx = Number(x), ny = Number(y), order;
        order = (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y) : nx - ny;
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


def _cell(text: str, sort_key: str, css: str = "") -> str:
    css_attr = f' class="{css}"' if css else ""
    return f'<td{css_attr} data-sort="{html.escape(sort_key)}">{html.escape(text)}</td>'


def _row_start(entry: Entry, unranked: str | None) -> str:
    """``<tr>`` with classes for the row's kind and for being left out of the ranking."""
    kind = "reported" if entry.reported else "oracle" if entry.oracle else "measured"
    return f'<tr class="{kind}{"" if unranked is None else " unranked"}">'


def table_html(table: Table, columns: Sequence[Column], table_id: str) -> str:
    best = {column.key: table.best(column) for column in columns}
    ranks = table.mean_ranks(columns)
    headers = ["Method", "Kind", "Videos", *(f"{c.label} {c.arrow}" for c in columns), "Mean rank"]
    parts = [f'<table class="sortable" id="{table_id}"><thead><tr>']
    parts += [f"<th>{html.escape(header)}</th>" for header in headers]
    parts.append("</tr></thead><tbody>")
    for index, entry in enumerate(table.entries):
        parts.append(_row_start(entry, table.unranked[index]))
        parts.append(_cell(entry.name, entry.name))
        kind = html.escape(entry.kind)
        parts.append(f'<td class="kind" data-sort="{kind}"><span class="badge">{kind}</span></td>')
        parts.append(_cell(videos(entry), "" if entry.reported else str(entry.n_evaluated)))
        for column in columns:
            shown = shown_value(entry, column)
            if shown is None:
                parts.append(_cell(DASH, ""))
            else:
                css = "best" if index in best[column.key] else ""
                parts.append(_cell(shown, repr(entry.values[column.key]), css))
        rank = ranks[index]
        sort_key = "" if rank is None or rank[0] is None else repr(rank[0])
        parts.append(_cell(rank_text(rank, table.unranked[index]), sort_key))
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def provenance_html(table: Table) -> str:
    items = []
    for entry in table.entries:
        details = "".join(
            f"<li>{html.escape(str(key))}: {html.escape(str(value))}</li>"
            for key, value in {"protocol": entry.protocol, **entry.provenance}.items()
            if value not in ("", [], None)
        )
        summary = f"<summary>{html.escape(entry.name)} ({html.escape(entry.kind)})</summary>"
        items.append(f"<details>{summary}<ul>{details}</ul></details>")
    return "".join(items)


def figure_html(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def _table_section(table: Table, table_id: str, figures: Sequence[Path]) -> list[str]:
    """One table's heading, its tables (Table 1 layout: with the region and interaction metrics),
    provenance, figures."""
    body = [f"<h2>{html.escape(table.title)}</h2>", table_html(table, TABLE1_COLUMNS, table_id)]
    regions = any(entry.values.get(c.key) is not None for entry in table.entries for c in REGION_COLUMNS)
    if table.layout == "Table 1" and regions:
        body.append("<h3>Region metrics (ours)</h3>")
        body.append(table_html(table, REGION_COLUMNS, f"{table_id}-regions"))
    measured = any(
        entry.values.get(c.key) is not None for entry in table.entries for c in INTERACTION_COLUMNS
    )
    if table.layout == "Table 1" and measured:
        body.append(f"<h3>Interaction (ours)</h3><p>{html.escape(interaction_note(table))}</p>")
        body.append(table_html(table, INTERACTION_COLUMNS, f"{table_id}-interaction"))
    body.append("<h3>Provenance</h3>" + provenance_html(table))
    mine = [path for path in figures if path.name.startswith(f"{table_id}_")]
    if mine:
        body.append("<h3>Figures</h3>" + "".join(figure_html(path) for path in mine))
    return body


def page(
    tables: Sequence[Table],
    figures: Sequence[Path],
    ablations: Sequence[Table] = (),
    gallery: str | None = None,
) -> str:
    """The page; ``gallery`` is the relative link to a video gallery built beside it, if any."""
    created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    body = [f"<h1>InterHF-Bench leaderboard</h1><p>{html.escape(RANKING_NOTE)}</p><p>Built {created}.</p>"]
    if gallery is not None:
        link = f'<a id="gallery-link" href="{html.escape(gallery)}">video gallery</a>'
        body.append(f"<p>The generated videos side by side: {link}.</p>")
    for number, table in enumerate(tables, start=1):
        body += _table_section(table, f"table{number}", figures)
    for number, table in enumerate(ablations, start=1):
        body += _table_section(table, f"ablation{number}", figures)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>InterHF-Bench leaderboard</title><style>{STYLE}</style></head>"
        f"<body>{''.join(body)}<script>{SCRIPT}</script></body></html>\n"
    )
