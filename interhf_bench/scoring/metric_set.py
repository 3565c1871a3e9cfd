"""The network metrics ``score`` computes, built from whatever verified weights are present.

A metric whose weights are absent (or fail their checksum) is reported as unavailable with the reason
and the command that fixes it; it is never computed with random or substituted weights. The detector
metrics (identity similarity, hand pose fidelity, interaction fidelity) follow the same rule; hand pose
and interaction use DWPose when its weights are present and the offline MediaPipe backend otherwise
(``pose_backend="auto"``), say which, and share one backend, so each generated video is detected once.
Only the requested metrics (``--metrics`` / ``--skip-metrics``) are built: a network left out is never
loaded, and its absence is "not requested", never "unavailable".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from interhf_bench.metrics.interfaces import (
    ClipFeatureExtractor,
    DetectorMetric,
    FrameModel,
    PairedDetectorMetric,
)
from interhf_bench.metrics.video_features import FIDVIDExtractor, FVDExtractor
from interhf_bench.protocol.spec import ProtocolSpec
from interhf_bench.results.metric_selection import ALL_METRICS, in_order
from interhf_bench.weights.registry import get_weight
from interhf_bench.weights.store import ResolvedWeight, WeightsError, resolve

logger = logging.getLogger(__name__)

NO_HAND_DETECTOR = "no hand detector runs (--hand-detector none); interaction fidelity needs one"


def fvd_weights(allow_unverified: bool) -> ResolvedWeight:
    """DisCo's own file when present, else the same network from the Flax-layout checkpoint."""
    try:
        return resolve(get_weight("i3d-pretrained-400"), allow_unverified=allow_unverified)
    except WeightsError:
        return resolve(get_weight("i3d-kinetics-400-flax"), allow_unverified=allow_unverified)


@dataclass
class MetricSet:
    """What ``score`` computes beyond SSIM/PSNR/L1: per-frame networks, clip extractors, and the rest."""

    frame_models: list[FrameModel] = field(default_factory=list)
    extractors: list[ClipFeatureExtractor] = field(default_factory=list)
    detector_metrics: list[DetectorMetric] = field(default_factory=list)
    paired_metrics: list[PairedDetectorMetric] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)
    requested: frozenset[str] = ALL_METRICS

    @property
    def not_requested(self) -> list[str]:
        """The selectable metrics left out, in ``ls`` order."""
        return in_order(ALL_METRICS - self.requested)


def hand_pose_backend(name: str, *, allow_unverified: bool = False) -> Any:
    """The pose backend the hand metric runs: ``auto`` is DWPose when its weights resolve, else MediaPipe."""
    from interhf_bench.pose.backends import PoseBackendError, get_pose_backend

    if name != "auto":
        return get_pose_backend(name, allow_unverified=allow_unverified)
    try:
        return get_pose_backend("dwpose", allow_unverified=allow_unverified)
    except PoseBackendError as problem:
        dwpose_problem = str(problem)
    try:  # outside the handler above: a failure here must not print DWPose's traceback with it
        backend = get_pose_backend("mediapipe")
    except PoseBackendError as mediapipe_problem:
        raise PoseBackendError(f"{dwpose_problem}; {mediapipe_problem}") from None
    logger.warning(
        "hand pose: the offline MediaPipe backend, since DWPose is unavailable (%s)", dwpose_problem
    )
    return backend


def _add_detector_metrics(metrics: MetricSet, pose_backend: str, allow_unverified: bool) -> None:
    """Identity, hand pose and interaction, as requested; hand pose and interaction share one detector."""
    from interhf_bench.pose.backends import PoseBackendError

    if "identity" in metrics.requested:
        _add_identity(metrics, allow_unverified)
    wanted = metrics.requested & {"hand_pose", "interaction"}
    if not wanted:
        return
    try:
        from interhf_bench.metrics.hand_fidelity import HandPoseFidelity
        from interhf_bench.metrics.interaction import InteractionFidelity
        from interhf_bench.pose.backends.shared import SharedBackend

        backend = SharedBackend(hand_pose_backend(pose_backend, allow_unverified=allow_unverified))
        if "hand_pose" in wanted:
            metrics.detector_metrics.append(HandPoseFidelity(backend))
        if "interaction" in wanted:
            metrics.paired_metrics.append(InteractionFidelity(backend))
    except PoseBackendError as exc:
        metrics.unavailable.update({name: str(exc) for name in in_order(wanted)})


def _add_identity(metrics: MetricSet, allow_unverified: bool) -> None:
    try:
        from interhf_bench.face.identity import FaceIdentity
        from interhf_bench.metrics.identity_similarity import IdentitySimilarity

        faces = FaceIdentity(allow_unverified=allow_unverified)
        metrics.detector_metrics.append(IdentitySimilarity(faces))
    except WeightsError as exc:
        metrics.unavailable["identity"] = str(exc)


def build_metric_set(
    protocol: ProtocolSpec,
    *,
    device: str = "cpu",
    allow_unverified: bool = False,
    pose_backend: str | None = "auto",
    requested: frozenset[str] = ALL_METRICS,
) -> MetricSet:
    """The requested network metrics whose verified weights are present; the others with the reason
    and the fix.

    ``pose_backend`` picks the hand and interaction metrics' detector (``auto``, ``dwpose``,
    ``mediapipe``); ``None`` leaves out the detector metrics (interaction is listed as unavailable).
    ``requested`` holds names of :data:`~interhf_bench.results.metric_selection.SELECTABLE`; the pixel
    metrics are always computed and only dropped from ``metrics.json``.
    """
    metrics = MetricSet(requested=requested)
    if pose_backend is not None:
        _add_detector_metrics(metrics, pose_backend, allow_unverified)
    elif "interaction" in requested:
        metrics.unavailable["interaction"] = NO_HAND_DETECTOR
    for name, add in _NETWORKS.items():
        if name not in requested:
            continue
        try:
            add(metrics, protocol, device, allow_unverified)
        except WeightsError as exc:
            metrics.unavailable[name] = str(exc)
    return metrics


def _add_lpips(metrics: MetricSet, protocol: ProtocolSpec, device: str, allow_unverified: bool) -> None:
    from interhf_bench.metrics.lpips_vgg import LPIPSMetric

    weights = resolve(get_weight("vgg16-imagenet"), allow_unverified=allow_unverified)
    metrics.frame_models.append(LPIPSMetric(weights, device))


def _add_fvd(metrics: MetricSet, protocol: ProtocolSpec, device: str, allow_unverified: bool) -> None:
    weights = fvd_weights(allow_unverified)
    metrics.extractors.append(FVDExtractor(weights, device, protocol.clip_length, protocol.clip_stride))


def _add_fid(metrics: MetricSet, protocol: ProtocolSpec, device: str, allow_unverified: bool) -> None:
    from interhf_bench.metrics.fid_inception import FIDExtractor

    weights = resolve(get_weight("inception-fid"), allow_unverified=allow_unverified)
    metrics.extractors.append(FIDExtractor(weights, device))


def _add_fid_vid(metrics: MetricSet, protocol: ProtocolSpec, device: str, allow_unverified: bool) -> None:
    weights = resolve(get_weight("resnet3d50-kinetics"), allow_unverified=allow_unverified)
    metrics.extractors.append(FIDVIDExtractor(weights, device, protocol.clip_length, protocol.clip_stride))


# In the order they were always built, which is the order their values appear in metrics.json.
_NETWORKS: dict[str, Callable[[MetricSet, ProtocolSpec, str, bool], None]] = {
    "lpips": _add_lpips,
    "fvd": _add_fvd,
    "fid": _add_fid,
    "fid_vid": _add_fid_vid,
}
