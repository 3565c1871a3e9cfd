"""Every number of a submitted ``metrics.json`` against the one rescored here.

A submission's numbers are trusted only where they were recomputed: the overall value, interval and
frame count of every metric, the same per class, and every per-video value, regions included. Only what
the submission claims is checked (a metric it leaves out is no claim); a claimed metric that cannot be
recomputed here (weights absent, another detector, a name this version does not compute) is listed as
unchecked with the reason, never passed in silence; so is one left out of the rescoring by ``--metrics``
or ``--skip-metrics`` ("not requested").
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from interhf_bench.results.metric_selection import selections_for
from interhf_bench.results.metrics_file import MetricsFile, MetricValue
from interhf_bench.submission.tolerances import metric_family

Number = float | None


class Location(NamedTuple):
    """Where a number sits in ``metrics.json``: ``per_class.LC-SF.ssim.value``, ``per_video.X.l1``."""

    section: str
    key: str | None
    metric: str
    field: str | None

    def __str__(self) -> str:
        return ".".join(part for part in self if part is not None)


@dataclass
class Comparison:
    """What rescoring found: numbers that disagree, and claimed metrics that could not be recomputed."""

    mismatches: list[str] = field(default_factory=list)
    unchecked: dict[str, str] = field(default_factory=dict)


def numbers(metrics: MetricsFile) -> dict[Location, Number]:
    """Every number of a metrics file by its location, so checks walk all of them the same way."""
    found: dict[Location, Number] = {}
    for name, value in metrics.overall.items():
        found.update(_aggregate_numbers("overall", None, name, value))
    for code, values in metrics.per_class.items():
        for name, value in values.items():
            found.update(_aggregate_numbers("per_class", code, name, value))
    for video_id, per_video in metrics.per_video.items():
        for name, number in per_video.items():
            found[Location("per_video", video_id, name, None)] = number
    return found


def _aggregate_numbers(
    section: str, key: str | None, name: str, value: MetricValue
) -> dict[Location, Number]:
    low, high = value.ci95 if value.ci95 is not None else (None, None)
    return {
        Location(section, key, name, "value"): value.value,
        Location(section, key, name, "ci95[0]"): low,
        Location(section, key, name, "ci95[1]"): high,
        Location(section, key, name, "n"): float(value.n),
    }


def non_finite_numbers(metrics: MetricsFile) -> list[str]:
    """The locations holding Inf or NaN: no metric has such a value (a missing one is ``null``)."""
    return [
        f"{location} is {number}"
        for location, number in numbers(metrics).items()
        if number is not None and not math.isfinite(number)
    ]


def compare_metrics(submitted: MetricsFile, rescored: MetricsFile, tolerance: float) -> Comparison:
    """Every submitted number that differs from the rescored one by more than ``tolerance`` (relative)
    or the metric's absolute floor, and every claimed metric that could not be recomputed here."""
    rescored = MetricsFile.model_validate_json(rescored.model_dump_json())  # as written: lists, nulls
    uncheckable = _uncheckable_metrics(submitted, rescored)
    claimed = _claimed_metrics(submitted)
    comparison = Comparison(unchecked={n: why for n, why in uncheckable.items() if n in claimed})
    comparison.mismatches += _scope_mismatches(submitted, rescored)
    mine = numbers(rescored)
    for location, theirs in numbers(submitted).items():
        if location.metric in uncheckable or not _in_scope(location, rescored):
            continue
        if location not in mine:
            comparison.mismatches.append(f"metrics.json: {location}: no such number is scored here")
        elif not _agree(location, theirs, mine[location], tolerance):
            comparison.mismatches.append(
                f"metrics.json: {location} = {_show(theirs)}, rescored here {_show(mine[location])}"
            )
    return comparison


def _claimed_metrics(submitted: MetricsFile) -> set[str]:
    """The metrics the submission gives a value for (all ``null`` is no claim)."""
    return {
        location.metric
        for location, number in numbers(submitted).items()
        if location.field != "n" and number is not None
    }


def _uncheckable_metrics(submitted: MetricsFile, rescored: MetricsFile) -> dict[str, str]:
    """Each metric named in the submission that rescoring did not recompute, with the reason."""
    names = sorted({location.metric for location in numbers(submitted)})
    reasons = {name: _why_unchecked(name, submitted, rescored) for name in names}
    return {name: reason for name, reason in reasons.items() if reason is not None}


def _why_unchecked(name: str, submitted: MetricsFile, rescored: MetricsFile) -> str | None:
    family = metric_family(name)
    if family is None:
        return "not a metric interhf-bench computes, so nothing here can reproduce it"
    if selections_for(name) & set(rescored.not_requested):
        return "not requested (left out by --metrics / --skip-metrics of this rescoring)"
    if family.group in rescored.unavailable:
        return f"not computed here: {rescored.unavailable[family.group]}"
    if name not in rescored.overall:
        return "not computed in this rescoring (--hand-detector none leaves out identity and hand pose)"
    theirs = submitted.settings.get(family.group)
    differing = (
        _differing_keys(theirs, rescored.settings.get(family.group) or {}) if theirs is not None else []
    )
    if differing:
        return (
            f"computed with other settings than here (settings.{family.group}: {', '.join(differing)} differ)"
        )
    return None


# Settings that say how a network was run, not what it computes: the batch size and memory layout
# depend on the device (float32 sums in another order, far inside the tolerances), and the extractor
# identity hashes them with the rest. Numbers differing only in these are compared, not left unchecked.
RUN_ONLY_SETTINGS = frozenset({"batch", "layout", "identity"})


def _differing_keys(theirs: dict[str, Any], mine: dict[str, Any]) -> list[str]:
    """The recipe settings that differ (the run-only ones are not part of the recipe)."""
    keys = (set(theirs) | set(mine)) - RUN_ONLY_SETTINGS
    return sorted(key for key in keys if theirs.get(key) != mine.get(key))


def _scope_mismatches(submitted: MetricsFile, rescored: MetricsFile) -> list[str]:
    """Counts, missing and failed videos, and classes or videos that rescoring does not have."""
    problems = []
    for name in ("n_expected", "n_evaluated", "missing"):
        theirs, mine = getattr(submitted, name), getattr(rescored, name)
        if theirs != mine:
            problems.append(f"metrics.json: {name} = {json.dumps(theirs)}, rescored here {json.dumps(mine)}")
    if sorted(submitted.failed) != sorted(rescored.failed):
        problems.append(
            f"metrics.json: failed = {sorted(submitted.failed)}, rescored here {sorted(rescored.failed)}"
        )
    for code in sorted(set(submitted.per_class) - set(rescored.per_class)):
        problems.append(f"metrics.json: per_class.{code}: no such class among the videos scored here")
    for video_id in sorted(set(submitted.per_video) - set(rescored.per_video)):
        problems.append(f"metrics.json: per_video.{video_id}: no such video among the videos scored here")
    return problems


def _in_scope(location: Location, rescored: MetricsFile) -> bool:
    """False for the numbers of a class or video that :func:`_scope_mismatches` already reported."""
    if location.section == "per_class":
        return location.key in rescored.per_class
    if location.section == "per_video":
        return location.key in rescored.per_video
    return True


def _agree(location: Location, theirs: Number, mine: Number, tolerance: float) -> bool:
    """Equal counts; values within the relative tolerance or the metric's floor; null only with null."""
    if theirs is None or mine is None:
        return theirs is None and mine is None
    if location.field == "n":
        return theirs == mine
    family = metric_family(location.metric)
    assert family is not None, f"{location.metric}: unchecked metrics are never compared"
    return math.isclose(theirs, mine, rel_tol=tolerance, abs_tol=family.floor)


def _show(number: Number) -> str:
    return "null" if number is None else f"{number:.10g}"
