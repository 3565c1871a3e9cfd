"""A leaderboard's content, checked: one protocol per table, measured and reported rows apart.

Runs of different protocols (or of one protocol id with different hashes) are refused. Reported rows
of the measured runs' protocol share their table, marked and (unless asked) left out of ranks and bold;
reported rows of another protocol get their own table, never mixed with the measured ones.

Only runs that can be compared fairly are ranked: a run that saw the ground truth (an oracle) gets a
table of its own and is never ranked; a run without ``run_meta.json`` (no method on record) and an
incomplete run (unless asked) are shown but not ranked, with the reason in place of their rank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from leaderboard.columns import ABLATION_ROWS, Column
from leaderboard.entries import Entry
from leaderboard.ranking import best_indices, mean_ranks


class ProtocolMismatchError(ValueError):
    """Entries of different protocols were put in one table."""


@dataclass(frozen=True)
class RankPolicy:
    """Which entries that are not ranked by default the reader asked to rank."""

    reported: bool = False
    incomplete: bool = False

    def unranked(self, entry: Entry) -> str | None:
        """Why ``entry`` takes no part in ranks and bold (``None``: it does)."""
        if entry.oracle:
            return "oracle (given the ground truth)"
        if entry.reported:
            return None if self.reported else "reported"
        reasons = [] if entry.has_run_meta else ["no run_meta"]
        if entry.incomplete and not self.incomplete:
            reasons.append(entry.incomplete)
        return "; ".join(reasons) or None


@dataclass
class Table:
    title: str
    protocol: str
    entries: list[Entry]
    unranked: list[str | None]  # per entry: why it takes no part in ranks and bold (None: it does)
    oracle: bool = False  # the oracle table: shown apart, never ranked, never plotted
    layout: str = "Table 1"  # the paper's table whose layout it follows: "Table 1" or "Table 2" (ablation)

    @property
    def ranked(self) -> list[bool]:
        """Which entries take part in ranks and bold."""
        return [reason is None for reason in self.unranked]

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


def make_table(
    title: str,
    protocol: str,
    entries: Sequence[Entry],
    policy: RankPolicy,
    oracle: bool = False,
    layout: str = "Table 1",
) -> Table:
    """A table whose ranked entries are the ones ``policy`` ranks."""
    unranked = [policy.unranked(entry) for entry in entries]
    return Table(title, protocol, list(entries), unranked, oracle, layout)


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
    measured: Sequence[Entry],
    reported: Sequence[Entry],
    rank_reported: bool = False,
    rank_incomplete: bool = False,
) -> list[Table]:
    """The overall tables: measured runs (with same-protocol reported rows), oracles, other reported rows."""
    policy = RankPolicy(reported=rank_reported, incomplete=rank_incomplete)
    tables = []
    reported = [entry for entry in reported if entry.variant is None]  # ablation rows: ablation_tables
    protocol = check_one_protocol(measured)[0] if measured else None
    regular = [entry for entry in measured if not entry.oracle]
    oracles = [entry for entry in measured if entry.oracle]
    same = [entry for entry in reported if entry.protocol == protocol]
    other: dict[str, list[Entry]] = {}
    for entry in reported:
        if entry.protocol != protocol:
            other.setdefault(entry.protocol, []).append(entry)
    if regular or same:
        title = f"Measured runs, protocol {protocol}" if regular else f"Reported (paper), protocol {protocol}"
        tables.append(make_table(title, protocol or "", [*regular, *same], policy))
    if oracles:
        title = f"Oracles (given the ground-truth frames; a sanity check, never ranked), protocol {protocol}"
        tables.append(make_table(title, protocol or "", oracles, policy, oracle=True))
    for other_protocol, entries in other.items():
        title = f"Reported (paper), protocol {other_protocol}"
        if measured:
            title += f": not comparable with the measured runs above ({protocol})"
        tables.append(make_table(title, other_protocol, entries, policy))
    return tables


def _ablation_runs(measured: Sequence[Entry]) -> list[Entry]:
    """One method's measured ablation variants in the paper's row order (none unless two or more)."""
    order = [variant for variant, _ in ABLATION_ROWS]
    by_method: dict[str, list[Entry]] = {}
    for entry in measured:
        if entry.variant in order and not entry.oracle:
            by_method.setdefault(entry.method, []).append(entry)
    candidates = [entries for entries in by_method.values() if len(entries) >= 2]
    if not candidates:
        return []
    return sorted(candidates[0], key=lambda entry: order.index(entry.variant or ""))


def ablation_tables(
    measured: Sequence[Entry],
    reported: Sequence[Entry] = (),
    rank_reported: bool = False,
    rank_incomplete: bool = False,
) -> list[Table]:
    """The paper's Table 2 layout: one method's ablation variants, and the reported ablation rows.

    Measured variants appear when at least two of one method were run (``ablate`` writes them); other
    methods and oracles are not part of it, and they are ranked by the same rules as the runs. Reported
    rows with a variant (the paper's Table 2) follow the measured ones when they share their protocol,
    marked and unranked unless asked; otherwise they form a table of their own, never mixed with them.
    """
    policy = RankPolicy(reported=rank_reported, incomplete=rank_incomplete)
    runs = _ablation_runs(measured)
    protocol = check_one_protocol(runs)[0] if runs else None
    rows = [entry for entry in reported if entry.variant is not None]
    same = [entry for entry in rows if entry.protocol == protocol]
    tables = []
    if runs:
        title = f"Ablation of {runs[0].method} (the paper's Table 2 layout), protocol {protocol}"
        tables.append(make_table(title, protocol or "", [*runs, *same], policy, layout="Table 2"))
    other: dict[str, list[Entry]] = {}
    for entry in rows:
        if entry.protocol != protocol:
            other.setdefault(entry.protocol, []).append(entry)
    for other_protocol, entries in other.items():
        title = f"Reported (paper) ablation (Table 2 layout), protocol {other_protocol}"
        if runs:
            title += f": not comparable with the measured variants above ({protocol})"
        tables.append(make_table(title, other_protocol, entries, policy, layout="Table 2"))
    return tables
