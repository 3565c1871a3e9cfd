"""What a ``metrics.json`` value may be: the known metric names, each with the range it can take.

``score`` writes only these names (the DisCo metrics, their region versions, the detector metrics), and
no method can move a value outside its range honestly. Anything else in a submitted file (an unknown
name, an unknown class code, a value that is NaN, infinite or out of range) is a broken or forged
file, so readers that trust the numbers (the leaderboard, ``validate``) refuse it with
:func:`metrics_file_problems` before using a single value.

The bounds are the mathematical ones, not typical values: SSIM and cosine similarity lie in [-1, 1]
(a noisy region can come out slightly below 0), PSNR, L1, LPIPS, hand error and contact onset / offset
errors are never negative, the detector rates and interaction agreements are shares in [0, 1]. A
Fréchet distance is never negative either, but the matrix square root leaves numerical noise around 0
when the two feature sets are the same (the ``ground-truth`` row), so those allow a little below 0.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from interhf_bench.naming import NAME_PATTERN
from interhf_bench.protocol.spec import PROTOCOLS
from interhf_bench.protocol.taxonomy import CLASS_CODES
from interhf_bench.results.metric_selection import SELECTABLE, selections_for
from interhf_bench.results.metrics_file import MetricsFile, MetricValue

# Float rounding can put an exact bound (SSIM 1 of identical frames) a hair outside.
ROUNDING: Final = 1e-6
# Fréchet distances of identical feature sets come out around -1e-6 x the covariance trace.
FRECHET_NOISE: Final = 0.01
MAX_PROBLEMS: Final = 10


@dataclass(frozen=True)
class MetricRange:
    """The closed interval a metric's values lie in, with the slack that rounding needs."""

    low: float
    high: float = math.inf
    slack: float = ROUNDING

    def contains(self, value: float) -> bool:
        return math.isfinite(value) and self.low - self.slack <= value <= self.high + self.slack

    def __str__(self) -> str:
        return f"[{self.low:g}, {self.high:g}]"


SIMILARITY: Final = MetricRange(-1.0, 1.0)
NON_NEGATIVE: Final = MetricRange(0.0)
SHARE: Final = MetricRange(0.0, 1.0)
FRECHET: Final = MetricRange(0.0, slack=FRECHET_NOISE)

REGIONS: Final = ("hand", "face", "interaction")  # interhf_bench.metrics.regions.REGIONS
_FRAME: Final = {"ssim": SIMILARITY, "psnr": NON_NEGATIVE, "l1": NON_NEGATIVE, "lpips": NON_NEGATIVE}

METRIC_RANGES: Final[dict[str, MetricRange]] = {
    **_FRAME,
    **{f"{region}_{name}": bounds for region in REGIONS for name, bounds in _FRAME.items()},
    "fid": FRECHET,
    "fid_vid": FRECHET,
    "fvd": FRECHET,
    "identity_similarity": SIMILARITY,
    "identity_no_face": SHARE,
    "hand_detected": SHARE,
    "hand_error": NON_NEGATIVE,
    # interhf_bench.metrics.interaction_values: shares, and onset / offset errors in frames
    "contact_f1": SHARE,
    "contact_onset_error": NON_NEGATIVE,
    "contact_offset_error": NON_NEGATIVE,
    "contact_location": SHARE,
    "contact_hand": SHARE,
    "contact_fingers": SHARE,
    "contact_direction": SHARE,
    "recognition": SHARE,
    "recognition_gt": SHARE,
}
"""Every metric ``score`` writes, except the PCK names, whose threshold is part of the name."""

_PCK: Final = re.compile(r"hand_pck@(?:0|[1-9]\d*)(?:\.\d+)?")  # interhf_bench.metrics.hand_fidelity


def metric_range(name: str) -> MetricRange | None:
    """The range of a known metric, ``None`` for a name ``score`` never writes."""
    return METRIC_RANGES.get(name) or (SHARE if _PCK.fullmatch(name) else None)


def value_problem(name: str, value: object) -> str | None:
    """Why ``value`` cannot be metric ``name``'s, or ``None``; a missing value (``None``) is fine."""
    bounds = metric_range(name)
    if bounds is None:
        return f"unknown metric {name!r}"
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{name} = {value!r} is not a number"
    if not bounds.contains(float(value)):
        return f"{name} = {value!r} is outside its range {bounds}"
    return None


def values_problems(values: Mapping[str, object], where: str) -> list[str]:
    """Every problem of one ``{metric: value}`` mapping, each prefixed with where it was found."""
    found = (value_problem(name, value) for name, value in values.items())
    return [f"{where}: {problem}" for problem in found if problem]


def _aggregate_problems(values: Mapping[str, MetricValue], where: str) -> list[str]:
    problems = values_problems({name: value.value for name, value in values.items()}, where)
    for name, value in values.items():
        bounds = metric_range(name)
        if value.n < 0:
            problems.append(f"{where}: {name} was computed from a negative count n = {value.n}")
        if bounds is None or value.ci95 is None:
            continue
        low, high = value.ci95
        if not (bounds.contains(low) and bounds.contains(high) and low <= high):
            problems.append(f"{where}: {name} has the 95 % interval {value.ci95}, not one in {bounds}")
    return problems


def _protocol_problems(metrics: MetricsFile) -> list[str]:
    if not re.fullmatch(NAME_PATTERN, metrics.protocol):
        return [f"protocol {metrics.protocol!r} is not a protocol id (they name folders: {NAME_PATTERN})"]
    spec = PROTOCOLS.get(metrics.protocol)
    if spec is not None and metrics.protocol_hash != spec.hash:
        return [
            f"protocol {metrics.protocol} has the hash {spec.hash[:12]}, the file says "
            f"{metrics.protocol_hash[:12]}: computed under other settings"
        ]
    return []


def _class_problems(metrics: MetricsFile) -> list[str]:
    spec = PROTOCOLS.get(metrics.protocol)
    allowed = spec.classes if spec is not None else CLASS_CODES
    return [
        f"per_class: {code!r} is not an interaction class of {metrics.protocol}"
        for code in metrics.per_class
        if code not in allowed
    ]


def _count_problems(metrics: MetricsFile) -> list[str]:
    if 0 <= metrics.n_evaluated <= metrics.n_expected:
        return []
    return [f"n_evaluated {metrics.n_evaluated} is not between 0 and n_expected {metrics.n_expected}"]


def _selection_problems(metrics: MetricsFile) -> list[str]:
    """Unknown names under ``not_requested``, and values written for a metric said not to be requested."""
    problems = [
        f"not_requested: unknown metric {name!r}" for name in metrics.not_requested if name not in SELECTABLE
    ]
    left_out = [name for name in metrics.overall if selections_for(name) & set(metrics.not_requested)]
    problems += [f"overall: {name} has a value, yet not_requested lists it" for name in left_out]
    return problems


def metrics_file_problems(metrics: MetricsFile) -> list[str]:
    """Everything in a schema-valid ``metrics.json`` that ``score`` could not have written.

    Checks the protocol hash of a registered protocol, the video counts, the class codes against the
    protocol's taxonomy, and every value (overall, per class, per video, intervals) against its
    metric's range. It cannot tell a forged value that is in range from a measured one: that takes
    rescoring the videos (``interhf-bench validate --rescore``).
    """
    problems = [*_protocol_problems(metrics), *_count_problems(metrics), *_class_problems(metrics)]
    problems += _selection_problems(metrics)
    problems += _aggregate_problems(metrics.overall, "overall")
    for code, values in metrics.per_class.items():
        problems += _aggregate_problems(values, f"per_class {code!r}")
    for video_id, per_video in metrics.per_video.items():
        problems += values_problems(per_video, f"per_video {video_id!r}")
    return problems


def summary(problems: list[str]) -> str:
    """The first :data:`MAX_PROBLEMS` problems on one line, and how many more there are."""
    shown = "; ".join(problems[:MAX_PROBLEMS])
    rest = len(problems) - MAX_PROBLEMS
    return shown + (f"; and {rest} more" if rest > 0 else "")
