"""How close a submitted number must be to the one rescored here, metric by metric.

Two numbers agree when they differ by at most the relative tolerance (``validate --tolerance``) or by
the metric's absolute floor, whichever is larger. The floor only matters near 0 (a ground-truth row's
L1 or Fréchet distance, a copy-reference row's SSIM, a detection rate of 0), where a relative tolerance
accepts nothing. Each floor is far below the last digit any table prints for its metric and far above
the float rounding that rescoring the same videos on another machine gives (the pixel metrics are sums
of integers; the network metrics differ by float rounding), so an edited number never hides under it.
"""

from __future__ import annotations

from dataclasses import dataclass

from interhf_bench.metrics.regions import REGIONS
from interhf_bench.results.metric_selection import INTERACTION_VALUES


@dataclass(frozen=True)
class MetricFamily:
    """The ``settings``/``unavailable`` key a reported value belongs to, and its absolute floor."""

    group: str
    floor: float


FAMILIES: dict[str, MetricFamily] = {
    # SSIM lies in [-1, 1] and tables print 3 decimals; rescoring agrees to ~1e-14 (integer window sums).
    "ssim": MetricFamily("ssim", 1e-6),
    # PSNR in dB (100 for identical frames); tables print 2 decimals.
    "psnr": MetricFamily("psnr", 1e-4),
    # DisCo's L1 divides the mean absolute difference by H x W once more: ~2e-5 at the paper's 640x384
    # and printed to 3 significant digits (steps of ~1e-7); a 1e-4 floor would accept any L1 at all.
    "l1": MetricFamily("l1", 1e-10),
    # LPIPS lies in [0, 1] (typically 0.1 to 0.5) and tables print 3 decimals.
    "lpips": MetricFamily("lpips", 1e-6),
    # Cosine similarity in [-1, 1] and a share of frames in [0, 1]; tables print 3 decimals.
    "identity_similarity": MetricFamily("identity", 1e-6),
    "identity_no_face": MetricFamily("identity", 1e-6),
    # Shares in [0, 1] and a distance in hand sizes (~0.05 to 0.5); tables print 3 decimals.
    "hand_detected": MetricFamily("hand_pose", 1e-6),
    "hand_error": MetricFamily("hand_pose", 1e-6),
    "hand_pck": MetricFamily("hand_pose", 1e-6),
    # Interaction fidelity: shares in [0, 1] and errors in frames (means over videos), 3 decimals.
    **{name: MetricFamily("interaction", 1e-6) for name in INTERACTION_VALUES},
    # Fréchet distances: FVD in the hundreds, FID and FID-VID in the tens, printed to 2 decimals at most;
    # a ground-truth row is ~0 up to the rounding of the matrix square root (well below 1e-3).
    "fvd": MetricFamily("fvd", 1e-3),
    "fid": MetricFamily("fid", 1e-3),
    "fid_vid": MetricFamily("fid_vid", 1e-3),
}

# The families that also have region versions (``hand_ssim``, ``face_l1``, ``interaction_lpips``).
REGION_FAMILIES = ("ssim", "psnr", "l1", "lpips")


def metric_family(name: str) -> MetricFamily | None:
    """The family of a value name as ``metrics.json`` writes it, or ``None`` for a name not computed here.

    ``hand_ssim`` is an SSIM, ``hand_pck@0.1`` a hand-pose value; an exact name wins over a region prefix
    (``hand_error`` is not a region of an ``error`` metric).
    """
    if name in FAMILIES:
        return FAMILIES[name]
    region, _, base = name.partition("_")
    if region in REGIONS and base in REGION_FAMILIES:
        return FAMILIES[base]
    if name.startswith("hand_pck@"):
        return FAMILIES["hand_pck"]
    return None
