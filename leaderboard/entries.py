"""Leaderboard entries: measured runs read from ``metrics.json`` (+ ``run_meta.json``), and reported rows.

Measured and reported rows are never confused: every entry says which it is, and reported rows carry
their source (paper, table). Values that are missing stay ``None`` and are shown as a dash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

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
    ci95: dict[str, tuple[float, float] | None] = field(default_factory=dict)
    per_class: dict[str, dict[str, float | None]] = field(default_factory=dict)
    n_evaluated: int | None = None
    n_expected: int | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    variant: str | None = None  # an ablation variant (Table 2 row) of the method, from run_meta.json

    @property
    def key(self) -> tuple[str, str | None]:
        """What must be unique among measured runs: the method, and its variant if any."""
        return (self.method, self.variant)

    @property
    def complete(self) -> bool:
        """Reported rows are taken as complete; measured runs must have scored every expected video."""
        return self.reported or (self.n_evaluated is not None and self.n_evaluated == self.n_expected)

    @property
    def kind(self) -> str:
        return "reported (paper)" if self.reported else "measured"


def _metrics_path(path: Path) -> Path:
    return path / "metrics.json" if path.is_dir() else path


def load_run(path: Path) -> Entry:
    """A measured entry from a run folder (or its ``metrics.json``); ``run_meta.json`` adds the method."""
    metrics_path = _metrics_path(path)
    try:
        metrics = MetricsFile.model_validate_json(metrics_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{metrics_path}: no metrics.json (run `interhf-bench run` or `score`)"
        ) from None
    except ValidationError as exc:
        raise ValueError(f"{metrics_path}: not a valid metrics.json: {exc}") from exc
    meta_path = metrics_path.with_name("run_meta.json")
    meta = RunMeta.model_validate_json(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else None
    method = meta.method.meta.name if meta else metrics_path.parent.name
    variant = meta.method.details.get("variant") if meta else None
    name = meta.method.meta.display_name if meta else method
    if variant not in (None, "full"):
        name = f"{name} ({ABLATION_LABELS.get(variant, variant)})"
    verified = all(s.get("weights_verified", True) for s in metrics.settings.values())
    return Entry(
        name=name,
        method=method,
        reported=False,
        variant=variant,
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
        provenance={
            "source": str(metrics_path),
            "date": metrics.provenance.get("created"),
            "version": metrics.provenance.get("interhf_bench_version"),
            "weights_verified": verified,
            "unavailable": sorted(metrics.unavailable),
        },
    )


def load_reported(path: Path) -> list[Entry]:
    """Reported rows from a data file: ``{"source", "table", "protocol", "rows": [{"method", "values"}]}``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = data["rows"]
        return [
            Entry(
                name=row["method"],
                method=row["method"],
                reported=True,
                protocol=data["protocol"],
                protocol_hash=None,
                values={
                    key: (None if value is None else float(value)) for key, value in row["values"].items()
                },
                provenance={"source": data["source"], "table": data["table"], "notes": row.get("notes", "")},
            )
            for row in rows
        ]
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: not a reported-results file: {exc}") from exc


def paper_rows(table: str = "table1") -> list[Entry]:
    """The paper's reported rows shipped with the package (``leaderboard/data/paper_<table>.json``)."""
    return load_reported(DATA_DIR / f"paper_{table}.json")
