"""A leaderboard's content, checked: one protocol per table, measured and reported rows apart.

Runs of different protocols (or of one protocol id with different hashes) are refused. Reported rows
of the measured runs' protocol share their table, marked and (unless asked) left out of ranks and bold;
reported rows of another protocol get their own table, never mixed with the measured ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from leaderboard.columns import ABLATION_ROWS, Column
from leaderboard.entries import Entry
from leaderboard.ranking import best_indices, mean_ranks


class ProtocolMismatchError(ValueError):
    """Entries of different protocols were put in one table."""


@dataclass
class Table:
    title: str
    protocol: str
    entries: list[Entry]
    ranked: list[bool]  # which entries take part in ranks and bold

    def best(self, column: Column) -> set[int]:
        ranked = [i for i, flag in enumerate(self.ranked) if flag]
        best = best_indices([self.entries[i] for i in ranked], column)
        return {ranked[i] for i in best}

    def mean_ranks(self, columns: Sequence[Column]) -> list[tuple[float | None, int] | None]:
        ranked = [i for i, flag in enumerate(self.ranked) if flag]
        computed = mean_ranks([self.entries[i] for i in ranked], columns)
        result: list[tuple[float | None, int] | None] = [None] * len(self.entries)
        for index, value in zip(ranked, computed, strict=True):
            result[index] = value
        return result


def check_one_protocol(entries: Sequence[Entry]) -> tuple[str, str | None]:
    """The common ``(protocol, hash)`` of measured entries, or :class:`ProtocolMismatchError`."""
    seen = {(entry.protocol, entry.protocol_hash) for entry in entries}
    if len(seen) > 1:
        listing = "; ".join(
            f"{entry.method}: {entry.protocol} ({(entry.protocol_hash or '?')[:12]})" for entry in entries
        )
        raise ProtocolMismatchError(f"cannot put runs of different protocols in one table: {listing}")
    return next(iter(seen))


def build_tables(
    measured: Sequence[Entry], reported: Sequence[Entry], rank_reported: bool = False
) -> list[Table]:
    """The overall tables: the measured runs (with same-protocol reported rows), then other reported rows."""
    tables = []
    same: list[Entry] = []
    other: dict[str, list[Entry]] = {}
    protocol = check_one_protocol(measured)[0] if measured else None
    for entry in reported:
        if entry.protocol == protocol:
            same.append(entry)
        else:
            other.setdefault(entry.protocol, []).append(entry)
    if measured:
        entries = [*measured, *same]
        ranked = [True] * len(measured) + [rank_reported] * len(same)
        tables.append(Table(f"Measured runs, protocol {protocol}", protocol or "", entries, ranked))
    for other_protocol, entries in other.items():
        title = f"Reported (paper), protocol {other_protocol}"
        if measured:
            title += f": not comparable with the measured runs above ({protocol})"
        tables.append(Table(title, other_protocol, entries, [rank_reported] * len(entries)))
    return tables


def ablation_table(measured: Sequence[Entry]) -> Table | None:
    """The paper's Table 2 layout: one method's ablation variants in the paper's row order.

    Present when at least two variants of one method were measured (``ablate`` writes them); rows of
    other methods are not part of it.
    """
    order = [variant for variant, _ in ABLATION_ROWS]
    by_method: dict[str, list[Entry]] = {}
    for entry in measured:
        if entry.variant in order:
            by_method.setdefault(entry.method, []).append(entry)
    candidates = [entries for entries in by_method.values() if len(entries) >= 2]
    if not candidates:
        return None
    entries = sorted(candidates[0], key=lambda entry: order.index(entry.variant or ""))
    protocol = check_one_protocol(entries)[0]
    title = f"Ablation of {entries[0].method} (the paper's Table 2 layout), protocol {protocol}"
    return Table(title, protocol, entries, [True] * len(entries))
