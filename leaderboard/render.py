"""Writers: markdown (README/papers), CSV (spreadsheets), LaTeX booktabs (papers).

Every writer escapes every piece of submitted text (names, class codes, provenance) for its format,
shows a missing value as a dash (never 0), marks reported rows and incomplete runs, says why an unranked
entry is unranked, and bolds the best ranked value of each metric.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from leaderboard import escape
from leaderboard.board import Table
from leaderboard.columns import INTERACTION_COLUMNS, REGION_COLUMNS, TABLE1_COLUMNS, Column
from leaderboard.entries import Entry

DASH = "–"
RANKING_NOTE = (
    "Ranking: each metric ranks the entries in its better direction (ties share the mean rank); "
    "'mean rank' averages an entry's ranks over the metrics it has (count in brackets), every metric "
    "weighted equally. Only complete measured runs with run_meta.json are ranked: reported rows and "
    "incomplete runs only when asked, oracles (given the ground truth) never; an unranked entry says why. "
    "Missing values are shown as a dash."
)


def videos(entry: Entry) -> str:
    """``scored/total`` videos of a measured run, marked when incomplete; ``paper`` for reported rows."""
    if entry.reported:
        return "paper"
    mark = "" if entry.complete else " (incomplete)"
    return f"{entry.n_evaluated}/{entry.n_total}{mark}"


def shown_value(entry: Entry, column: Column) -> str | None:
    """A value as the table shows it: a reported value exactly as printed, a measured one formatted."""
    value = entry.values.get(column.key)
    if value is None:
        return None
    return entry.printed.get(column.key) or column.format(value)


def rank_text(value: tuple[float | None, int] | None, unranked: str | None) -> str:
    """The mean rank and its metric count, or why the entry is not ranked."""
    if unranked is not None:
        return f"unranked: {unranked}"
    if value is None or value[0] is None:
        return DASH
    return f"{value[0]:.2f} ({value[1]})"


def _has_any(entries: Sequence[Entry], columns: Sequence[Column]) -> bool:
    return any(entry.values.get(column.key) is not None for entry in entries for column in columns)


def markdown_table(table: Table, columns: Sequence[Column]) -> str:
    best = {column.key: table.best(column) for column in columns}
    ranks = table.mean_ranks(columns)
    header = ["Method", "Kind", "Videos", *(f"{c.label} {c.arrow}" for c in columns), "Mean rank"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for index, entry in enumerate(table.entries):
        cells = [escape.markdown(entry.name), entry.kind, videos(entry)]
        for column in columns:
            shown = shown_value(entry, column)
            cells.append(DASH if shown is None else f"**{shown}**" if index in best[column.key] else shown)
        cells.append(escape.markdown(rank_text(ranks[index], table.unranked[index])))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def per_class_markdown(table: Table, column: Column) -> str:
    entries = [entry for entry in table.entries if entry.per_class]
    classes = sorted({code for entry in entries for code in entry.per_class})
    header = ["Method", *(escape.markdown(code) for code in classes)]
    lines = [f"#### {column.label} {column.arrow} per class", "", "| " + " | ".join(header) + " |"]
    lines.append("|" + "---|" * len(header))
    for entry in entries:
        cells = [escape.markdown(entry.name)]
        for code in classes:
            value = entry.per_class.get(code, {}).get(column.key)
            cells.append(DASH if value is None else column.format(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _per_class_sections(table: Table) -> list[str]:
    parts = ["### Per interaction class", ""]
    for column in TABLE1_COLUMNS:
        if any(entry.per_class.get(code, {}).get(column.key) is not None
               for entry in table.entries for code in entry.per_class):  # fmt: skip
            parts += [per_class_markdown(table, column), ""]
    return parts


def interaction_note(table: Table) -> str:
    """What the recognition column is measured against: the classifier's accuracy on the ground truth."""
    ceilings = sorted({v for e in table.entries if (v := e.values.get("recognition_gt")) is not None})
    shown = " / ".join(f"{value:.3f}" for value in ceilings) or DASH
    return (
        "Contact timing, place, hand, fingers and direction against the ground truth's, one detector on "
        "both; recognition: the share of generated videos a rule-based classifier names right. The same "
        f"classifier names {shown} of the ground-truth videos right (its ceiling)."
    )


def _table_sections(table: Table) -> list[str]:
    parts = [f"## {escape.markdown(table.title)}", "", markdown_table(table, TABLE1_COLUMNS), ""]
    if table.layout == "Table 1" and _has_any(table.entries, REGION_COLUMNS):
        parts += ["### Region metrics (ours)", "", markdown_table(table, REGION_COLUMNS), ""]
    if table.layout == "Table 1" and _has_any(table.entries, INTERACTION_COLUMNS):
        parts += ["### Interaction (ours)", "", interaction_note(table), ""]
        parts += [markdown_table(table, INTERACTION_COLUMNS), ""]
    if table.layout == "Table 1" and any(entry.per_class for entry in table.entries):
        parts += _per_class_sections(table)
    return parts


def all_entries(tables: Sequence[Table]) -> list[Entry]:
    """Every entry once, in table order (a measured ablation variant is in two tables)."""
    seen: dict[int, Entry] = {}
    for table in tables:
        for entry in table.entries:
            seen.setdefault(id(entry), entry)
    return list(seen.values())


def markdown(tables: Sequence[Table], ablations: Sequence[Table] = ()) -> str:
    parts = ["# InterHF-Bench leaderboard", "", RANKING_NOTE, ""]
    for table in [*tables, *ablations]:
        parts += _table_sections(table)
    parts += ["## Provenance", ""]
    for entry in all_entries([*tables, *ablations]):
        details = ", ".join(
            f"{key}: {value}" for key, value in entry.provenance.items() if value not in ("", [])
        )
        label = f"{escape.markdown(entry.name)} ({entry.kind}, {escape.markdown(entry.protocol)})"
        parts.append(f"- {label}: {escape.markdown(details)}")
    return "\n".join(parts) + "\n"


def _csv_value(entry: Entry, column: Column) -> str:
    """Full precision for measured values; a reported value exactly as printed."""
    value = entry.values.get(column.key)
    if value is None:
        return ""
    return entry.printed.get(column.key) or repr(value)


def csv_text(tables: Sequence[Table], ablations: Sequence[Table] = ()) -> str:
    """One row per table row: ``layout`` says which (Table 1 or the Table 2 ablation layout)."""
    columns = [*TABLE1_COLUMNS, *REGION_COLUMNS, *INTERACTION_COLUMNS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = ["method", "name", "kind", "protocol", "n_evaluated", "n_expected", "unranked", "layout"]
    writer.writerow([*header, "variant", *(c.key for c in columns)])
    for table in [*tables, *ablations]:
        for entry, unranked in zip(table.entries, table.unranked, strict=True):
            row = [escape.csv_cell(entry.method), escape.csv_cell(entry.name), entry.kind]
            row += [escape.csv_cell(entry.protocol)]
            row += ["" if entry.n_evaluated is None else entry.n_evaluated]
            row += ["" if entry.n_expected is None else entry.n_expected]
            row += [escape.csv_cell(unranked or ""), table.layout, escape.csv_cell(entry.variant or "")]
            row += [_csv_value(entry, column) for column in columns]
            writer.writerow(row)
    return buffer.getvalue()


def latex_table(table: Table) -> str:
    columns = TABLE1_COLUMNS
    best = {column.key: table.best(column) for column in columns}
    arrows = {True: r"$\uparrow$", False: r"$\downarrow$"}
    lines = [
        f"% {escape.latex(table.title)}; needs \\usepackage{{booktabs}}",
        r"\begin{tabular}{l ccccc cc}",
        r"\toprule",
        r" & \multicolumn{5}{c}{Image} & \multicolumn{2}{c}{Video} \\",
        r"\cmidrule(lr){2-6} \cmidrule(lr){7-8}",
        "Method & " + " & ".join(f"{c.label}{arrows[c.higher_is_better]}" for c in columns) + r" \\",
        r"\midrule",
    ]
    for index, entry in enumerate(table.entries):
        name = escape.latex(entry.name) + (r"$^\dagger$" if entry.reported else "")
        name += "" if entry.complete else r"$^\ast$"
        name += "" if entry.reported or entry.has_run_meta else r"$^\ddagger$"
        cells = []
        for column in columns:
            shown = shown_value(entry, column)
            cells.append(
                "--" if shown is None else rf"\textbf{{{shown}}}" if index in best[column.key] else shown
            )
        lines.append(name + " & " + " & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    notes = []
    if any(entry.reported for entry in table.entries):
        notes.append(r"% $^\dagger$ reported in the paper")
    if not all(entry.complete for entry in table.entries):
        notes.append(r"% $^\ast$ incomplete run (not every test video was scored)")
    if not all(entry.reported or entry.has_run_meta for entry in table.entries):
        notes.append(r"% $^\ddagger$ no run_meta.json: the method is not on record, not ranked")
    if table.oracle:
        notes.append("% oracles were given the ground-truth frames; they are a sanity check, not ranked")
    return "\n".join(lines + notes)


def latex(tables: Sequence[Table], ablations: Sequence[Table] = ()) -> str:
    return "\n\n".join(latex_table(table) for table in [*tables, *ablations]) + "\n"
