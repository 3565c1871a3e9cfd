"""Which cases a gallery shows: one method's worst (or best) by a metric, a random draw, or given ids.

The worst cases come first by default, since that is where a researcher looks first. Values come from
the judged run's ``metrics.json`` (``per_video``); ties are broken by video id, so a choice is repeatable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from interhf_bench.naming import lookup
from leaderboard.columns import column, higher_is_better
from leaderboard.gallery import SELECTIONS
from leaderboard.gallery.runs import GalleryRun

DEFAULT_METRIC = "ssim"


@dataclass(frozen=True)
class Choice:
    video_ids: list[str]
    how: str  # one of SELECTIONS
    metric: str | None = None  # worst/best: the metric that ranked the cases
    judged: GalleryRun | None = None  # worst/best: whose values ranked them

    def describe(self) -> str:
        """A sentence for the page (it holds a run's name: untrusted, escaped by the page)."""
        count = len(self.video_ids)
        if self.how == "ids":
            return f"{count} cases chosen by id"
        if self.how == "random":
            return f"{count} cases drawn at random"
        shown = column(self.metric or "")
        label = f"{shown.label} {shown.arrow}" if shown else self.metric
        name = self.judged.name if self.judged else "?"
        return f"the {count} {self.how} cases of {name} by {label}"


def judged_run(runs: Sequence[GalleryRun], method: str | None) -> GalleryRun:
    """The run named by ``method`` (adapter or shown name); by default the first that is not an oracle."""
    if method is not None:
        by_name = {run.method: run for run in runs} | {run.name: run for run in runs}
        return lookup(by_name, method, "method among the runs")
    return next((run for run in runs if not run.oracle), runs[0])


def ranked_cases(run: GalleryRun, metric: str, worst: bool) -> list[str]:
    """The run's scored cases ordered from the worst (or best) value of ``metric``."""
    higher = higher_is_better(metric)
    if higher is None:
        raise ValueError(f"{metric!r}: a metric without a known better direction cannot rank cases")
    values = {vid: scores.get(metric) for vid, scores in run.metrics.per_video.items()}
    values = {vid: value for vid, value in values.items() if value is not None}
    if not values:
        have = sorted({name for scores in run.metrics.per_video.values() for name in scores})
        raise ValueError(f"{run.folder}: no per-video {metric!r} (it has: {', '.join(have) or 'none'})")
    ascending = worst == higher  # worst first: lowest when higher is better
    order = sorted(values, key=lambda vid: (values[vid] if ascending else -values[vid], vid))
    return order


def choose_cases(
    runs: Sequence[GalleryRun],
    test_ids: Sequence[str],
    *,
    select: str = "worst",
    count: int = 8,
    metric: str = DEFAULT_METRIC,
    method: str | None = None,
    ids: Sequence[str] = (),
    seed: int = 0,
) -> Choice:
    """The cases to show, in the order to show them."""
    if count < 1:
        raise ValueError(f"--cases must be at least 1, got {count}")
    if select == "ids" or ids:
        if not ids:
            raise ValueError("--select ids needs --ids ID [ID ...]")
        known = {vid: vid for vid in test_ids}
        return Choice([lookup(known, vid, "test video id") for vid in ids], "ids")
    if select == "random":
        scored = {vid for run in runs for vid in run.metrics.per_video}
        pool = [vid for vid in test_ids if vid in scored] or list(test_ids)
        drawn = np.random.default_rng(seed).choice(len(pool), size=min(count, len(pool)), replace=False)
        return Choice([pool[i] for i in sorted(drawn)], "random")
    if select not in ("worst", "best"):
        raise ValueError(f"unknown selection {select!r}; choose from {', '.join(SELECTIONS)}")
    run = judged_run(runs, method)
    ranked = [vid for vid in ranked_cases(run, metric, select == "worst") if vid in set(test_ids)]
    return Choice(ranked[:count], select, metric, run)
