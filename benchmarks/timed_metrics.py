"""Timing proxies for the metrics ``score`` runs: where a score's seconds go, without changing it.

Each proxy forwards every attribute to the metric it wraps and adds the wall time of the calls that do
the work (a frame model's ``per_frame_with_regions``, an extractor's ``features``, a detector's
``per_frame`` or ``features``) to a shared ``{label: seconds}`` dict. ``score`` calls the networks from
its main thread, so the sums are that thread's time; decoding and the pixel metrics run in worker
threads beside it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from interhf_bench.scoring.metric_set import MetricSet


class _Timed:
    """``target`` with ``methods`` timed into ``seconds[label]``."""

    def __init__(self, target: Any, label: str, methods: tuple[str, ...], seconds: dict[str, float]) -> None:
        self._target, self._label, self._methods, self._seconds = target, label, methods, seconds

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if name not in self._methods:
            return value
        return self._timing(value)

    def _timing(self, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self._seconds[self._label] = self._seconds.get(self._label, 0.0) + time.perf_counter() - start

        return call


class _TimedPaired(_Timed):
    """A paired detector metric: its ``detections`` extractor timed, ``compare`` timed apart."""

    @property
    def detections(self) -> _Timed:
        return _Timed(self._target.detections, f"{self._label} detector", ("features",), self._seconds)


def timed_metric_set(metrics: MetricSet, seconds: dict[str, float]) -> MetricSet:
    """The same metric set with every network and detector call timed into ``seconds``."""
    return MetricSet(
        frame_models=[_Timed(m, m.name, ("per_frame_with_regions",), seconds) for m in metrics.frame_models],
        extractors=[_Timed(e, e.name, ("features",), seconds) for e in metrics.extractors],
        detector_metrics=[_Timed(m, m.name, ("per_frame",), seconds) for m in metrics.detector_metrics],
        paired_metrics=[_TimedPaired(m, m.name, ("compare",), seconds) for m in metrics.paired_metrics],
        unavailable=dict(metrics.unavailable),
        requested=metrics.requested,
    )
