"""Leaderboard entries: measured runs read from ``metrics.json`` (+ ``run_meta.json``), and reported rows.

Measured and reported rows are never confused: every entry says which it is, and reported rows carry
their source (paper, table). Values that are missing stay ``None`` and are shown as a dash.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from interhf_bench.naming import check_path_name
from interhf_bench.protocol.spec import PROTOCOLS
from interhf_bench.results.metric_ranges import metrics_file_problems, summary, values_problems
from interhf_bench.results.metrics_file import MetricsFile
from interhf_bench.results.run_meta import RunMeta
from leaderboard.columns import ABLATION_ROWS

DATA_DIR = Path(__file__).with_name("data")
ABLATION_LABELS = dict(ABLATION_ROWS)


@dataclass
class Entry:
    name: str  # shown to readers; untrusted text from submissions, escaped by every writer
    method: str
    reported: bool
    protocol: str
    protocol_hash: str | None
    values: dict[str, float | None]
    printed: dict[str, str] = field(default_factory=dict)  # reported rows: each value's text as printed
    ci95: dict[str, tuple[float, float] | None] = field(default_factory=dict)
    per_class: dict[str, dict[str, float | None]] = field(default_factory=dict)
    n_evaluated: int | None = None
    n_expected: int | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    variant: str | None = None  # an ablation variant (Table 2 row) of the method, from run_meta.json
    has_run_meta: bool = True  # measured runs: whether run_meta.json says which method made them
    oracle: bool = False  # the method received the ground-truth frames (run_meta: uses_ground_truth)
    selection_complete: bool = True  # run_meta.json: every test video of the protocol was selected

    @property
    def key(self) -> tuple[str, str | None]:
        """What must be unique among measured runs: the method, and its variant if any."""
        return (self.method, self.variant)

    @property
    def n_total(self) -> int | None:
        """The videos a complete run scores: the registered protocol's count, else the file's own."""
        spec = PROTOCOLS.get(self.protocol)
        return spec.num_videos if spec is not None else self.n_expected

    @property
    def incomplete(self) -> str | None:
        """Why a measured run does not cover the protocol's test set (``incomplete 5/36``), or ``None``.

        The registered protocol's video count is used rather than the file's ``n_expected`` alone, so
        a run over part of the test set cannot call itself complete.
        """
        if self.reported:
            return None
        if self.n_evaluated is None or self.n_evaluated != self.n_expected or self.n_expected != self.n_total:
            return f"incomplete {self.n_evaluated}/{self.n_total}"
        if not self.selection_complete:
            return "incomplete selection (run_meta.json)"
        return None

    @property
    def complete(self) -> bool:
        """Reported rows are taken as complete; measured runs must have scored every expected video."""
        return self.incomplete is None

    @property
    def kind(self) -> str:
        if self.reported:
            return "reported (paper)"
        return "oracle" if self.oracle else "measured"


def _metrics_path(path: Path) -> Path:
    return path / "metrics.json" if path.is_dir() else path


def read_metrics(path: Path) -> MetricsFile:
    """A ``metrics.json`` that follows the schema and that ``score`` could have written, or a ``ValueError``.

    Every value is checked against its metric's range before any is used: a NaN, an infinity or an
    unknown class code would otherwise reach the ranks, the plots and the pages.
    """
    try:
        metrics = MetricsFile.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no metrics.json (run `interhf-bench run` or `score`)") from None
    except (ValidationError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a valid metrics.json: {exc}") from exc
    problems = metrics_file_problems(metrics)
    if problems:
        raise ValueError(f"{path}: refused, not what `score` writes: {summary(problems)}")
    return metrics


def read_run_meta(path: Path, metrics: MetricsFile) -> RunMeta | None:
    """The ``run_meta.json`` beside a ``metrics.json`` (``None`` if absent); it must describe that run."""
    if not path.is_file():
        return None
    try:
        meta = RunMeta.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a valid run_meta.json: {exc}") from exc
    if (meta.protocol, meta.protocol_hash) != (metrics.protocol, metrics.protocol_hash):
        raise ValueError(f"{path}: another protocol (or hash) than the metrics.json beside it")
    variant = meta.method.details.get("variant")
    if variant is not None and not isinstance(variant, str):
        raise ValueError(f"{path}: method.details.variant is {variant!r}, not a name")
    return meta


def shown_name(meta: RunMeta | None, method: str) -> str:
    """The shown name: the method's display name, with its ablation variant if it is not the full model."""
    name = meta.method.meta.display_name if meta else method
    variant = meta.method.details.get("variant") if meta else None
    if variant not in (None, "full"):
        name = f"{name} ({ABLATION_LABELS.get(variant, variant)})"
    return name


def _provenance(metrics: MetricsFile, metrics_path: Path, meta: RunMeta | None) -> dict[str, Any]:
    verified = all(s.get("weights_verified", True) is True for s in metrics.settings.values())
    return {
        "source": str(metrics_path),
        "date": metrics.provenance.get("created"),
        "version": metrics.provenance.get("interhf_bench_version"),
        "weights_verified": verified,
        "unavailable": sorted(metrics.unavailable),
        "not_requested": list(metrics.not_requested),  # left out by --metrics: shown as a dash
        "run_meta": "present" if meta else "missing: the method that made the numbers is unknown",
    }


def load_run(path: Path) -> Entry:
    """A measured entry from a run folder (or its ``metrics.json``); ``run_meta.json`` adds the method."""
    metrics_path = _metrics_path(path)
    metrics = read_metrics(metrics_path)
    meta = read_run_meta(metrics_path.with_name("run_meta.json"), metrics)
    method = meta.method.meta.name if meta else metrics_path.parent.name
    return Entry(
        name=shown_name(meta, method),
        method=method,
        reported=False,
        variant=meta.method.details.get("variant") if meta else None,
        protocol=metrics.protocol,
        protocol_hash=metrics.protocol_hash,
        values={name: value.value for name, value in metrics.overall.items()},
        ci95={name: value.ci95 for name, value in metrics.overall.items()},
        per_class={
            code: {name: value.value for name, value in by_metric.items()}
            for code, by_metric in metrics.per_class.items()
        },
        n_evaluated=metrics.n_evaluated,
        n_expected=metrics.n_expected,
        provenance=_provenance(metrics, metrics_path, meta),
        has_run_meta=meta is not None,
        oracle=meta is not None and meta.method.meta.uses_ground_truth,
        selection_complete=meta is None or meta.selection.complete,
    )


def _text(mapping: dict[str, Any], key: str, default: str | None = None) -> str:
    """A string field of a reported-results file (a ``KeyError`` if absent, a ``TypeError`` if not text)."""
    value = mapping.get(key, default) if default is not None else mapping[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} is {value!r}, not text")
    return value


PRINTED_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def _reported_value(key: str, value: object) -> tuple[object, str | None]:
    """A reported value and its printed text: a string is the text as printed ("3.65E-04"), parsed here."""
    if not isinstance(value, str):
        return value, None
    if not PRINTED_NUMBER.fullmatch(value):
        raise ValueError(f"{key} = {value!r} is not a number as printed")
    return float(value), value


def _reported_name(method: str, variant: str | None) -> str:
    """Ablation rows are named like measured variant runs: ``InterAnimate (w/o RIS)``."""
    if variant is None:
        return method
    if variant not in ABLATION_LABELS:
        raise ValueError(f"variant {variant!r} is not a Table 2 row ({', '.join(ABLATION_LABELS)})")
    return f"{method} ({ABLATION_LABELS[variant]})"


def _reported_row(data: dict[str, Any], row: dict[str, Any], number: int) -> Entry:
    """One reported row, its values checked like a metrics.json's (known names, finite, in range)."""
    if not isinstance(row["values"], dict):
        raise TypeError(f"row {number}: values is not a mapping")
    parsed = {key: _reported_value(key, value) for key, value in row["values"].items()}
    values = {key: value for key, (value, _) in parsed.items()}
    problems = values_problems(values, f"row {number}")
    if problems:
        raise ValueError(summary(problems))
    method = _text(row, "method")
    variant = _text(row, "variant") if "variant" in row else None
    return Entry(
        name=_reported_name(method, variant),
        method=method,
        reported=True,
        variant=variant,
        protocol=check_path_name(_text(data, "protocol"), "protocol id"),
        protocol_hash=None,
        values={key: None if value is None else float(value) for key, value in values.items()},
        printed={key: text for key, (_, text) in parsed.items() if text is not None},
        provenance={
            "source": _text(data, "source"),
            "paper": _text(data, "paper", ""),
            "table": _text(data, "table"),
            "row": _text(row, "label", ""),
            "publication": _text(row, "publication", ""),
            "notes": _text(row, "notes", ""),
        },
    )


def load_reported(path: Path) -> list[Entry]:
    """Reported rows from a data file: ``{"source", "table", "protocol", "rows": [{"method", "values"}]}``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [_reported_row(data, row, number) for number, row in enumerate(data["rows"], start=1)]
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{path}: not a reported-results file: {exc}") from exc


PAPER_TABLES = ("table1", "table2")


def paper_rows(table: str | None = None) -> list[Entry]:
    """The paper's reported rows shipped with the package (``leaderboard/data/paper_<table>.json``).

    ``None`` gives every table's: Table 1 (the methods), then Table 2 (the ablation, rows with a variant).
    """
    tables = PAPER_TABLES if table is None else (table,)
    return [entry for name in tables for entry in load_reported(DATA_DIR / f"paper_{name}.json")]
