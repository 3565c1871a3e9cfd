"""The metrics a user can ask ``score``, ``run`` and ``validate --rescore`` for, by the names ``ls`` prints.

Each selectable name stands for the values it puts in ``metrics.json`` (``hand_pose`` for
``hand_detected``, ``hand_error`` and the PCK values; ``regions`` for ``<region>_{ssim,psnr,l1,lpips}``).
A metric left out is recorded in ``metrics.json`` under ``not_requested``, apart from ``unavailable``
(asked for but not computable here), so nobody mistakes a quick check for a missing weight file.
The module imports nothing heavy: ``ls`` and argument parsing read it without torch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from interhf_bench.naming import lookup

REGIONS: Final = ("hand", "face", "interaction")  # interhf_bench.metrics.regions.REGIONS
REGION_BASES: Final = ("ssim", "psnr", "l1", "lpips")
INTERACTION_VALUES: Final = (  # interhf_bench.metrics.interaction_values.VALUE_NAMES
    "contact_f1",
    "contact_onset_error",
    "contact_offset_error",
    "contact_location",
    "contact_hand",
    "contact_fingers",
    "contact_direction",
    "recognition",
    "recognition_gt",
)


@dataclass(frozen=True)
class Selectable:
    """One name of ``--metrics``: the values it writes (as ``ls`` shows them) and what they measure."""

    values: str
    description: str


SELECTABLE: Final[dict[str, Selectable]] = {
    "fid": Selectable("fid", "Fréchet Inception distance over frames (pytorch-fid InceptionV3), DisCo"),
    "ssim": Selectable("ssim", "structural similarity, DisCo's recipe (scikit-image defaults on cv2 grey)"),
    "psnr": Selectable("psnr", "peak signal-to-noise ratio, DisCo's recipe"),
    "lpips": Selectable("lpips", "LPIPS-vgg fed [0,1] without normalize, DisCo's recipe"),
    "l1": Selectable("l1", "mean absolute error / (H*W), DisCo's recipe"),
    "fid_vid": Selectable("fid_vid", "Fréchet distance of 3D-ResNet-50 features, 16-frame windows, DisCo"),
    "fvd": Selectable("fvd", "Fréchet distance of I3D logits over 16-frame windows, DisCo"),
    "regions": Selectable(
        "<region>_{ssim,psnr,l1,lpips}",
        "the frame metrics inside hand, face and interaction regions (ours; the lpips ones need lpips)",
    ),
    "identity": Selectable(
        "identity_similarity, identity_no_face",
        "ArcFace cosine, reference face vs each generated face; share of frames without a face (ours)",
    ),
    "hand_pose": Selectable(
        "hand_{detected,error,pck@0.1,pck@0.2}", "generated hands detected, compared with the driving hands"
    ),
    "interaction": Selectable(
        "contact_{f1,onset_error,offset_error,location,hand,fingers,direction}, recognition{,_gt}",
        "hand-face contact timing, face part, hand, fingers, direction; rule-based class recognition (ours)",
    ),
}
ALL_METRICS: Final = frozenset(SELECTABLE)


def parse_names(text: str, option: str) -> list[str]:
    """``"ssim, psnr"`` -> ``["ssim", "psnr"]``; an unknown name is a ``KeyError`` with a suggestion."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise ValueError(f"{option} names no metric (see `interhf-bench ls metrics`)")
    for name in names:
        lookup(SELECTABLE, name, f"metric in {option}")
    return names


def requested_metrics(metrics: str | None, skip: str | None) -> frozenset[str]:
    """What ``--metrics`` (default: every metric) minus ``--skip-metrics`` asks for."""
    chosen = set(parse_names(metrics, "--metrics")) if metrics is not None else set(ALL_METRICS)
    if skip is not None:
        chosen -= set(parse_names(skip, "--skip-metrics"))
    if not chosen:
        raise ValueError("--metrics and --skip-metrics leave no metric to compute")
    return frozenset(chosen)


def in_order(names: Iterable[str]) -> list[str]:
    """``names`` in the order ``ls`` lists them, so files and command lines do not depend on input order."""
    wanted = set(names)
    return [name for name in SELECTABLE if name in wanted]


def selections_for(value: str) -> frozenset[str]:
    """Every selectable name a ``metrics.json`` value needs, empty for a name no selection produces.

    The pixel regions (``hand_ssim``) need ``regions`` alone; ``hand_lpips`` needs ``lpips`` too, whose
    network computes it.
    """
    if value in (*REGION_BASES, "fid", "fid_vid", "fvd"):
        return frozenset({value})
    region, _, base = value.partition("_")
    if region in REGIONS and base in REGION_BASES:
        return frozenset({"regions", "lpips"} if base == "lpips" else {"regions"})
    if value in ("identity_similarity", "identity_no_face"):
        return frozenset({"identity"})
    if value in ("hand_detected", "hand_error") or value.startswith("hand_pck@"):
        return frozenset({"hand_pose"})
    if value in INTERACTION_VALUES:
        return frozenset({"interaction"})
    return frozenset()


def is_requested(value: str, requested: frozenset[str]) -> bool:
    """Whether the value ``value`` belongs in a ``metrics.json`` that asked for ``requested``."""
    needs = selections_for(value)
    return bool(needs) and needs <= requested
