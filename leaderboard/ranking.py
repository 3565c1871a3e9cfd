"""Ranks per metric and the aggregate: the mean rank over the metrics an entry has.

Ranks are 1 for the best value in the metric's better direction; ties share the mean of their ranks
(``scipy.stats.rankdata``, method "average"). An entry without a value for a metric gets no rank for it,
and its mean rank is over the metrics it has, with the count shown beside it. No metric is weighted:
every metric counts once. Reported rows are left out of the ranking unless asked for.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.stats import rankdata

from leaderboard.columns import Column
from leaderboard.entries import Entry


def metric_ranks(entries: Sequence[Entry], column: Column) -> list[float | None]:
    """Rank of each entry for one metric (``None`` where it has no value)."""
    present = [i for i, entry in enumerate(entries) if entry.values.get(column.key) is not None]
    ranks: list[float | None] = [None] * len(entries)
    if not present:
        return ranks
    values = np.array([entries[i].values[column.key] for i in present], dtype=np.float64)
    ordered = rankdata(-values if column.higher_is_better else values, method="average")
    for index, rank in zip(present, ordered, strict=True):
        ranks[index] = float(rank)
    return ranks


def mean_ranks(entries: Sequence[Entry], columns: Sequence[Column]) -> list[tuple[float | None, int]]:
    """``(mean rank, number of ranked metrics)`` per entry."""
    per_metric = [metric_ranks(entries, column) for column in columns]
    results = []
    for index in range(len(entries)):
        ranks = [ranks_of[index] for ranks_of in per_metric if ranks_of[index] is not None]
        results.append((float(np.mean(ranks)) if ranks else None, len(ranks)))
    return results


def best_indices(entries: Sequence[Entry], column: Column) -> set[int]:
    """Entries holding the best value of a metric (all of them when tied)."""
    ranks = metric_ranks(entries, column)
    return {
        i
        for i, rank in enumerate(ranks)
        if rank is not None and rank == min(r for r in ranks if r is not None)
    }
