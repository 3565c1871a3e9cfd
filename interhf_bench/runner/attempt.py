"""One ``generate`` call as the runner makes it: seed, generate (one case or a batch), check each output.

Generation and ``check-adapter`` both go through :func:`attempt_cases`, so a method is checked exactly as
it will be run.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from interhf_bench.adapters.api import Adapter, AdapterOutputError, Case, check_output
from interhf_bench.results.case_record import Status
from interhf_bench.runner.timeout import CaseTimeout, time_limit
from interhf_bench.seeding import seed_everything


@dataclass(frozen=True)
class CaseOutcome:
    """One case of an attempt: valid frames, or the status and the error that explain their absence.

    ``exception`` is what the adapter raised; ``problem`` is the bare reason one returned output was
    refused (both ``None`` for a timeout or a batch with the wrong number of outputs).
    """

    case: Case
    status: Status
    seconds: float
    frames: np.ndarray | None = None
    error: str | None = None
    problem: str | None = None
    exception: BaseException | None = None
    traceback: str | None = None


def attempt_cases(adapter: Adapter, cases: Sequence[Case], timeout: float | None = None) -> list[CaseOutcome]:
    """Generate ``cases`` in one call (``generate_batch`` for more than one) and check every output.

    The global generators are seeded with the first case's seed; ``timeout`` is seconds per case.
    """
    cases = list(cases)
    begin = time.perf_counter()
    try:
        seed_everything(cases[0].seed)
        with time_limit(timeout * len(cases) if timeout else None):
            outputs = adapter.generate_batch(cases) if len(cases) > 1 else [adapter.generate(cases[0])]
    except CaseTimeout as exc:
        seconds = (time.perf_counter() - begin) / len(cases)
        return [CaseOutcome(case, "timeout", seconds, error=str(exc)) for case in cases]
    except (Exception, SystemExit) as exc:  # an adapter's sys.exit() fails its cases, not the run
        seconds = (time.perf_counter() - begin) / len(cases)
        trace = traceback.format_exc(limit=20)
        error = f"{type(exc).__name__}: {exc}"
        return [
            CaseOutcome(case, "failed", seconds, error=error, exception=exc, traceback=trace)
            for case in cases
        ]
    seconds = (time.perf_counter() - begin) / len(cases)
    if len(outputs) != len(cases):
        error = f"adapter {adapter.meta.name!r} returned {len(outputs)} outputs for {len(cases)} cases"
        return [CaseOutcome(case, "failed", seconds, error=error) for case in cases]
    return [
        _checked(adapter.meta.name, case, frames, seconds)
        for case, frames in zip(cases, outputs, strict=True)
    ]


def _checked(name: str, case: Case, frames: object, seconds: float) -> CaseOutcome:
    try:
        return CaseOutcome(case, "ok", seconds, frames=check_output(name, case, frames))
    except AdapterOutputError as exc:
        return CaseOutcome(case, "failed", seconds, error=str(exc), problem=exc.problem)
