"""Run folders for the leaderboard tests: ``metrics.json`` and (unless left out) ``run_meta.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from interhf_bench.protocol.spec import PROTOCOLS
from interhf_bench.results.adapter_meta import AdapterMeta
from interhf_bench.results.metrics_file import MetricsFile, MetricValue
from interhf_bench.results.run_meta import MethodInfo, RunMeta, Selection


def metrics_file(values: dict[str, float | None], *, protocol: str = "interhf-v1",
                 protocol_hash: str | None = None, evaluated: int | None = None,
                 expected: int | None = None) -> MetricsFile:  # fmt: skip
    """A metrics.json as ``score`` writes it: every video of a registered protocol unless told otherwise."""
    spec = PROTOCOLS.get(protocol)
    total = spec.num_videos if spec else 36
    return MetricsFile(
        protocol=protocol,
        protocol_hash=protocol_hash or (spec.hash if spec else "a" * 64),
        manifest_sha256="b" * 64,
        predictions="videos",
        n_expected=total if expected is None else expected,
        n_evaluated=total if evaluated is None else evaluated,
        missing=[],
        failed={},
        overall={name: MetricValue(value=value, n=10) for name, value in values.items()},
        per_class={"LC-SF": {name: MetricValue(value=value, n=1) for name, value in values.items()}},
        per_video={},
        settings={"fvd": {"weights_verified": True}},
        unavailable={},
        warnings=[],
        provenance={"created": "2026-11-23T00:00:00+00:00", "interhf_bench_version": "0.1.0"},
    )


def run_meta(metrics: MetricsFile, method: str, *, display_name: str | None = None,
             oracle: bool = False, selection_complete: bool = True) -> RunMeta:  # fmt: skip
    """The run_meta.json of the run that wrote ``metrics``."""
    adapter = AdapterMeta(name=method, display_name=display_name or method, uses_ground_truth=oracle)
    return RunMeta(
        protocol=metrics.protocol,
        protocol_hash=metrics.protocol_hash,
        dataset="data",
        manifest_sha256=metrics.manifest_sha256,
        method=MethodInfo(meta=adapter, origin="built-in", settings={}),
        seed=0,
        selection=Selection(n_cases=metrics.n_expected, complete=selection_complete),
        started="2026-11-23T00:00:00+00:00",
        finished="2026-11-23T00:01:00+00:00",
        timings={},
        generation={},
        metrics={},
        unavailable_metrics={},
        environment={},
    )


def write_run(root: Path, method: str, values: dict[str, float | None], *, meta: bool = True,
              display_name: str | None = None, oracle: bool = False, selection_complete: bool = True,
              **counts: Any) -> Path:  # fmt: skip
    """``root/method/`` with metrics.json and, when ``meta``, run_meta.json."""
    run = root / method
    run.mkdir(parents=True)
    metrics = metrics_file(values, **counts)
    (run / "metrics.json").write_text(metrics.model_dump_json())
    if meta:
        described = run_meta(metrics, method, display_name=display_name, oracle=oracle,
                             selection_complete=selection_complete)  # fmt: skip
        (run / "run_meta.json").write_text(described.model_dump_json())
    return run


def write_raw(run: Path, data: dict[str, Any]) -> Path:
    """A metrics.json as given (``json`` writes NaN and Infinity, which pydantic would turn into null)."""
    run.mkdir(parents=True, exist_ok=True)
    (run / "metrics.json").write_text(json.dumps(data))
    return run
