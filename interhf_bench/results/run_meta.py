"""The schema of ``run_meta.json``: everything needed to cite, trust and reproduce one run.

``metrics.json`` (:mod:`interhf_bench.results.metrics_file`) holds the numbers; this file holds how they
were made. Values that were not measured are ``null``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from interhf_bench.results.adapter_meta import AdapterMeta

SCHEMA_VERSION = "1"


class MethodInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meta: AdapterMeta
    origin: str = Field(description="built-in, plugin <distribution>, or file <path>")
    settings: dict[str, Any] = Field(description="the resolved --method-args")
    details: dict[str, Any] = Field(
        default_factory=dict, description="the adapter's own provenance: checkpoint hashes, resolved defaults"
    )


class LoadedCode(BaseModel):
    """One third-party source file (a plugin's or an ``--include`` file) imported by the run."""

    model_config = ConfigDict(extra="forbid")

    origin: str = Field(description="file (an --include file) or plugin <distribution> <version>")
    path: str
    sha256: str


class Selection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    classes: list[str] | None = None
    video_ids: list[str] | None = None
    limit: int | None = None
    n_cases: int
    complete: bool = Field(description="every test video of the protocol was selected")


class RunMeta(BaseModel):
    """Provenance of one ``runs/<method>/<protocol>/`` folder."""

    model_config = ConfigDict(extra="forbid")

    schema_version: str = SCHEMA_VERSION
    protocol: str
    protocol_hash: str
    dataset: str
    manifest_sha256: str
    method: MethodInfo
    seed: int
    fingerprint: dict[str, str] | None = Field(
        None, description="what decides the videos (method, args, adapter code, seed, protocol, data)"
    )
    selection: Selection
    world_size: int = 1
    third_party_code: list[LoadedCode] = Field(
        default_factory=list, description="every plugin or --include source file the run imported"
    )
    scoring_process: Literal["same", "fresh"] | None = Field(
        None,
        description="same: scored where it generated (only built-in code loaded); fresh: in a new process "
        "that loaded no third-party code; null: not scored",
    )
    started: str
    finished: str
    timings: dict[str, float | None] = Field(description="seconds per phase: generate, score, total")
    generation: dict[str, Any] = Field(description="cases generated, skipped (finished before), failed")
    metrics: dict[str, dict[str, Any]] = Field(description="each metric's settings and weights hashes")
    unavailable_metrics: dict[str, str]
    not_requested_metrics: list[str] = Field(
        default_factory=list, description="metrics left out by --metrics / --skip-metrics (ls names)"
    )
    environment: dict[str, Any]
