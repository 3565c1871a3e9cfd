"""The leaderboard's columns: which metrics, in which order, which direction is better, how shown.

Table 1 of the paper orders the DisCo metrics as image metrics (FID, SSIM, PSNR, LPIPS, L1) then video
metrics (FID-VID, FVD); the region metrics follow the same per-region order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

REGIONS = ("hand", "face", "interaction")


def _fixed(digits: int) -> Callable[[float], str]:
    return lambda value: f"{value:.{digits}f}"


def _scientific(value: float) -> str:
    return f"{value:.2E}"


@dataclass(frozen=True)
class Column:
    key: str  # the metric's name in metrics.json
    label: str
    higher_is_better: bool
    group: str  # "image", "video" or a region
    format: Callable[[float], str]

    @property
    def arrow(self) -> str:
        return "↑" if self.higher_is_better else "↓"


_BASE = {
    "fid": ("FID", False, _fixed(2)),
    "ssim": ("SSIM", True, _fixed(3)),
    "psnr": ("PSNR", True, _fixed(2)),
    "lpips": ("LPIPS", False, _fixed(3)),
    "l1": ("L1", False, _scientific),
    "fid_vid": ("FID-VID", False, _fixed(2)),
    "fvd": ("FVD", False, _fixed(2)),
}

TABLE1_COLUMNS: tuple[Column, ...] = tuple(
    Column(key, label, higher, "video" if key in ("fid_vid", "fvd") else "image", fmt)
    for key, (label, higher, fmt) in _BASE.items()
)

REGION_COLUMNS: tuple[Column, ...] = tuple(
    Column(f"{region}_{key}", f"{region} {_BASE[key][0]}", _BASE[key][1], region, _BASE[key][2])
    for region in REGIONS
    for key in ("ssim", "psnr", "lpips", "l1")
)

# Interaction fidelity (docs/metrics.md): shares in [0, 1] and contact onset / offset errors in frames.
# ``recognition_gt`` (the classifier's ceiling on the ground truth) is the same for every run and is
# shown beside the table, not ranked.
INTERACTION_COLUMNS: tuple[Column, ...] = tuple(
    Column(key, label, higher, "interaction fidelity", _fixed(digits))
    for key, label, higher, digits in (
        ("contact_f1", "contact F1", True, 3),
        ("contact_onset_error", "onset error", False, 2),
        ("contact_offset_error", "offset error", False, 2),
        ("contact_location", "location", True, 3),
        ("contact_hand", "hand", True, 3),
        ("contact_fingers", "fingers", True, 3),
        ("contact_direction", "direction", True, 3),
        ("recognition", "recognition", True, 3),
    )
)

# The rows of the paper's Table 2, in its order. Runs say which variant they are in
# run_meta.json (method.details.variant, written by the interanimate adapter).
ABLATION_ROWS: tuple[tuple[str, str], ...] = (
    ("wo-ris", "w/o RIS"),
    ("wo-quantize", "w/o quantize"),
    ("wo-oloss", "w/o o-loss"),
    ("wo-id", "w/o ID"),
    ("full", "full"),
)

# Directions of the per-video metrics that are not columns (the detector metrics, docs/metrics.md).
_OTHER_DIRECTIONS = {
    "identity_similarity": True,
    "identity_no_face": False,
    "hand_detected": True,
    "hand_error": False,
    "recognition_gt": True,
}


def column(name: str) -> Column | None:
    """The column of a metric name, if the tables show it."""
    return next((c for c in (*TABLE1_COLUMNS, *REGION_COLUMNS, *INTERACTION_COLUMNS) if c.key == name), None)


def higher_is_better(name: str) -> bool | None:
    """Whether a larger value of metric ``name`` is better (``None``: a name whose direction is unknown)."""
    known = column(name)
    if known is not None:
        return known.higher_is_better
    if name.startswith("hand_pck@"):
        return True
    return _OTHER_DIRECTIONS.get(name)
