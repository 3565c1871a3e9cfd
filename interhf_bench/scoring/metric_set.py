"""The network metrics ``score`` computes, built from whatever verified weights are present.

A metric whose weights are absent (or fail their checksum) is reported as unavailable with the reason
and the command that fixes it; it is never computed with random or substituted weights. The detector
metrics (identity similarity, hand pose fidelity) follow the same rule; hand pose uses DWPose when its
weights are present and the offline MediaPipe backend otherwise (``pose_backend="auto"``), and says which.
"""

from __future__ import annotations

import abc
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from interhf_bench.protocol.spec import ProtocolSpec
from interhf_bench.scoring.extractors import settings_identity
from interhf_bench.weights.registry import get_weight
from interhf_bench.weights.store import ResolvedWeight, WeightsError, resolve

CLIP_BATCH = 8

if TYPE_CHECKING:
    import torch

logger = logging.getLogger(__name__)


class _WindowExtractor(abc.ABC):
    """Network features of every ``clip_length``-frame window (stride ``stride``) of the target frames.

    Frames are preprocessed once each and windows are slices of the preprocessed stack, which equals
    preprocessing every window separately as DisCo does (its preprocessing is per frame). Windows go
    through the network ``CLIP_BATCH`` at a time; DisCo used batch 1, and batching moves float32 outputs
    by about 1e-5 (summation order).
    """

    name: str
    dim: int
    network: str

    def __init__(
        self, model: torch.nn.Module, weights: ResolvedWeight, device: str, clip_length: int, stride: int
    ):
        self.model = model.eval().to(device)
        self.device = device
        self.weights = weights
        self.clip_length, self.stride = clip_length, stride

    @abc.abstractmethod
    def preprocess(self, frames: np.ndarray) -> torch.Tensor:
        """``(T, H, W, 3)`` uint8 -> ``(3, T, h, w)`` network input, each metric with its own recipe."""

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        return self.model(batch)

    @property
    def preprocessing(self) -> dict[str, Any]:
        return {}

    @property
    def settings(self) -> dict[str, Any]:
        return {
            "network": self.network,
            **self.weights.provenance,
            **self.preprocessing,
            "clip_length": self.clip_length,
            "clip_stride": self.stride,
            "batch": CLIP_BATCH,
            "frechet": "pytorch-fid calculate_frechet_distance (float64, ddof 1)",
        }

    @property
    def identity(self) -> str:
        return settings_identity(self.weights.sha256, self.settings)

    def features(self, frames: np.ndarray) -> np.ndarray:
        import torch

        from interhf_bench.metrics.video_preprocess import sliding_windows

        windows = sliding_windows(len(frames), self.clip_length, self.stride)
        if not windows:
            return np.zeros((0, self.dim), dtype=np.float32)
        stack = self.preprocess(frames)
        outputs = []
        with torch.inference_mode():
            for first in range(0, len(windows), CLIP_BATCH):
                batch = torch.stack([stack[:, w.start : w.stop] for w in windows[first : first + CLIP_BATCH]])
                outputs.append(self.forward(batch.to(self.device)).float().cpu().numpy())
        return np.concatenate(outputs)


class FVDExtractor(_WindowExtractor):
    """I3D Kinetics-400 logits of every window: DisCo's "FVD-3DInception" features."""

    name = "fvd"
    dim = 400
    network = "InceptionI3d Kinetics-400 logits (400-d), BatchNorm eps 1e-3"

    def __init__(self, weights: ResolvedWeight, device: str = "cpu", clip_length: int = 16, stride: int = 1):
        import torch

        from interhf_bench.metrics.networks.i3d import InceptionI3d
        from interhf_bench.weights.i3d_flax import build_i3d_from_flax

        if weights.entry.name == "i3d-pretrained-400":
            model = InceptionI3d(num_classes=400, in_channels=3, bn_eps=1e-3)
            state = torch.load(weights.path, map_location="cpu", weights_only=True)
            model.load_state_dict(state, strict=True)
        else:
            model = build_i3d_from_flax(weights.path, bn_eps=1e-3)
        super().__init__(model, weights, device, clip_length, stride)

    @property
    def preprocessing(self) -> dict[str, Any]:
        return {"resize": "PIL bicubic per channel ('F') to 224x224, no crop", "range": "x/127.5 - 1"}

    def preprocess(self, frames: np.ndarray) -> torch.Tensor:
        from interhf_bench.metrics.video_preprocess import fvd_clip_tensor

        return fvd_clip_tensor(frames)


class FIDVIDExtractor(_WindowExtractor):
    """3D-ResNet-50 (Hara et al., Kinetics) layer4 average pool of every window: DisCo's "FVD-3DRN50"."""

    name = "fid_vid"
    dim = 2048
    network = "3D-ResNet-50 (Hara et al.) Kinetics-400, layer4 global average pool (2048-d)"

    def __init__(self, weights: ResolvedWeight, device: str = "cpu", clip_length: int = 16, stride: int = 1):
        from interhf_bench.metrics.networks.resnet3d import load_resnet3d50_kinetics

        super().__init__(load_resnet3d50_kinetics(weights.path), weights, device, clip_length, stride)

    @property
    def preprocessing(self) -> dict[str, Any]:
        return {
            "resize": "PIL bicubic per channel ('F') to 112x112, no crop",
            "range": "0-255 minus the Kinetics mean [114.7748, 107.7354, 99.4750] (float64, then float32)",
        }

    def preprocess(self, frames: np.ndarray) -> torch.Tensor:
        from interhf_bench.metrics.video_preprocess import fidvid_clip_tensor

        return fidvid_clip_tensor(frames)

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        return self.model.features(batch)


def fvd_weights(allow_unverified: bool) -> ResolvedWeight:
    """DisCo's own file when present, else the same network from the Flax-layout checkpoint."""
    try:
        return resolve(get_weight("i3d-pretrained-400"), allow_unverified=allow_unverified)
    except WeightsError:
        return resolve(get_weight("i3d-kinetics-400-flax"), allow_unverified=allow_unverified)


@dataclass
class MetricSet:
    """What ``score`` computes beyond SSIM/PSNR/L1: per-frame networks, clip extractors, and the rest."""

    frame_models: list[Any] = field(default_factory=list)
    extractors: list[Any] = field(default_factory=list)
    detector_metrics: list[Any] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)


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
    from interhf_bench.pose.backends import PoseBackendError

    try:
        from interhf_bench.face.identity import FaceIdentity
        from interhf_bench.metrics.identity_similarity import IdentitySimilarity

        faces = FaceIdentity(allow_unverified=allow_unverified)
        metrics.detector_metrics.append(IdentitySimilarity(faces))
    except WeightsError as exc:
        metrics.unavailable["identity"] = str(exc)
    try:
        from interhf_bench.metrics.hand_fidelity import HandPoseFidelity

        backend = hand_pose_backend(pose_backend, allow_unverified=allow_unverified)
        metrics.detector_metrics.append(HandPoseFidelity(backend))
    except PoseBackendError as exc:
        metrics.unavailable["hand_pose"] = str(exc)


def build_metric_set(
    protocol: ProtocolSpec,
    *,
    device: str = "cpu",
    allow_unverified: bool = False,
    pose_backend: str | None = "auto",
) -> MetricSet:
    """The network metrics whose verified weights are present; the others with the reason and the fix.

    ``pose_backend`` picks the hand metric's detector (``auto``, ``dwpose``, ``mediapipe``); ``None``
    leaves out both detector metrics.
    """
    metrics = MetricSet()
    if pose_backend is not None:
        _add_detector_metrics(metrics, pose_backend, allow_unverified)
    try:
        from interhf_bench.metrics.lpips_vgg import LPIPSMetric

        metrics.frame_models.append(
            LPIPSMetric(resolve(get_weight("vgg16-imagenet"), allow_unverified=allow_unverified), device)
        )
    except WeightsError as exc:
        metrics.unavailable["lpips"] = str(exc)
    try:
        weights = fvd_weights(allow_unverified)
        metrics.extractors.append(FVDExtractor(weights, device, protocol.clip_length, protocol.clip_stride))
    except WeightsError as exc:
        metrics.unavailable["fvd"] = str(exc)
    try:
        from interhf_bench.metrics.fid_inception import FIDExtractor

        weights = resolve(get_weight("inception-fid"), allow_unverified=allow_unverified)
        metrics.extractors.append(FIDExtractor(weights, device))
    except WeightsError as exc:
        metrics.unavailable["fid"] = str(exc)
    try:
        weights = resolve(get_weight("resnet3d50-kinetics"), allow_unverified=allow_unverified)
        metrics.extractors.append(
            FIDVIDExtractor(weights, device, protocol.clip_length, protocol.clip_stride)
        )
    except WeightsError as exc:
        metrics.unavailable["fid_vid"] = str(exc)
    return metrics
