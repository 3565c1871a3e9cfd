"""The schema of ``metrics.json``, written by ``interhf-bench score``.

Missing values are ``null`` (never 0): a metric that could not be computed is listed under
``unavailable`` with the reason and the command that fixes it; one the user left out (``--metrics``,
``--skip-metrics``) is listed under ``not_requested`` and has no values at all.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"


class MetricValue(BaseModel):
    """One aggregate: the value, a 95 % bootstrap interval over videos, and how many samples it used."""

    model_config = ConfigDict(extra="forbid")

    value: float | None
    ci95: tuple[float, float] | None = None
    n: int = Field(description="frames (frame metrics) or clips (video metrics) that were scored")


class MetricsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: str = SCHEMA_VERSION
    protocol: str
    protocol_hash: str
    manifest_sha256: str
    predictions: str
    n_expected: int
    n_evaluated: int
    missing: list[str]
    failed: dict[str, str]
    overall: dict[str, MetricValue]
    per_class: dict[str, dict[str, MetricValue]]
    per_video: dict[str, dict[str, float | None]]
    settings: dict[str, dict[str, Any]]
    unavailable: dict[str, str]
    not_requested: list[str] = Field(
        default_factory=list, description="metrics left out by --metrics / --skip-metrics (ls names)"
    )
    warnings: list[str]
    provenance: dict[str, Any]
