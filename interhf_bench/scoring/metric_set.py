"""The Fréchet video metrics ``score`` computes, built from whatever verified weights are present.

A metric whose weights are absent (or fail their checksum) is reported as unavailable with the reason
and the command that fixes it; it is never computed with random or substituted weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from interhf_bench.protocol.spec import ProtocolSpec
from interhf_bench.scoring.extractors import settings_identity
from interhf_bench.weights.registry import get_weight
from interhf_bench.weights.store import ResolvedWeight, WeightsError, resolve

FVD_BATCH = 8

if TYPE_CHECKING:
    import torch


class FVDExtractor:
    """I3D logits of every 16-frame window (stride 1), DisCo's "FVD-3DInception" features.

    Frames are preprocessed once each (PIL bicubic per channel to 224x224, x/127.5-1) and windows are
    slices of the preprocessed stack, which equals preprocessing every window separately as DisCo does.
    Windows go through the network in batches of ``FVD_BATCH``; DisCo used batch 1, and batching moves
    logits by about 1e-5 (float32 summation order).
    """

    name = "fvd"
    dim = 400

    def __init__(self, weights: ResolvedWeight, device: str = "cpu", clip_length: int = 16, stride: int = 1):
        import torch

        from interhf_bench.weights.i3d_flax import build_i3d_from_flax

        if weights.entry.name == "i3d-pretrained-400":
            from interhf_bench.metrics.networks.i3d import InceptionI3d

            model = InceptionI3d(num_classes=400, in_channels=3, bn_eps=1e-3)
            model.load_state_dict(
                torch.load(weights.path, map_location="cpu", weights_only=True), strict=True
            )
        else:
            model = build_i3d_from_flax(weights.path, bn_eps=1e-3)
        self.model = model.eval().to(device)
        self.device = device
        self.weights = weights
        self.clip_length, self.stride = clip_length, stride

    @property
    def settings(self) -> dict[str, Any]:
        return {
            "network": "InceptionI3d Kinetics-400 logits (400-d), BatchNorm eps 1e-3",
            "weights": self.weights.entry.name,
            "weights_sha256": self.weights.sha256,
            "weights_verified": self.weights.verified,
            "resize": "PIL bicubic per channel ('F') to 224x224, no crop",
            "range": "x/127.5 - 1",
            "clip_length": self.clip_length,
            "clip_stride": self.stride,
            "batch": FVD_BATCH,
            "frechet": "pytorch-fid calculate_frechet_distance (float64, ddof 1)",
        }

    @property
    def identity(self) -> str:
        return settings_identity(self.weights.sha256, self.settings)

    def features(self, frames: np.ndarray) -> np.ndarray:
        import torch

        starts = range(0, len(frames) - self.clip_length + 1, self.stride)
        if not starts:
            return np.zeros((0, self.dim), dtype=np.float32)
        stack = fvd_frames(frames)  # (3, T, 224, 224)
        outputs = []
        with torch.inference_mode():
            for first in range(0, len(starts), FVD_BATCH):
                batch = torch.stack(
                    [stack[:, s : s + self.clip_length] for s in starts[first : first + FVD_BATCH]]
                )
                outputs.append(self.model(batch.to(self.device)).float().cpu().numpy())
        return np.concatenate(outputs)


def fvd_frames(frames: np.ndarray) -> torch.Tensor:
    """DisCo's FVD input for ``(T, H, W, 3)`` uint8 RGB: each channel resized as a float ('F') PIL image,
    bicubic, to 224x224 (squashed, no crop), then x/127.5 - 1; returns ``(3, T, 224, 224)`` float32."""
    import torch
    from PIL import Image

    out = np.empty((3, len(frames), 224, 224), dtype=np.float32)
    for t, frame in enumerate(frames):
        for c in range(3):
            channel = Image.fromarray(frame[..., c].astype(np.float32))
            out[c, t] = np.asarray(channel.resize((224, 224), Image.Resampling.BICUBIC))
    return torch.from_numpy(out / 127.5 - 1)


def _fvd_weights(allow_unverified: bool) -> ResolvedWeight:
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
    unavailable: dict[str, str] = field(default_factory=dict)


def build_metric_set(
    protocol: ProtocolSpec, *, device: str = "cpu", allow_unverified: bool = False
) -> MetricSet:
    """The network metrics whose verified weights are present; the others with the reason and the fix."""
    metrics = MetricSet()
    try:
        from interhf_bench.metrics.lpips_vgg import LPIPSMetric

        metrics.frame_models.append(
            LPIPSMetric(resolve(get_weight("vgg16-imagenet"), allow_unverified=allow_unverified), device)
        )
    except WeightsError as exc:
        metrics.unavailable["lpips"] = str(exc)
    try:
        weights = _fvd_weights(allow_unverified)
        metrics.extractors.append(FVDExtractor(weights, device, protocol.clip_length, protocol.clip_stride))
    except WeightsError as exc:
        metrics.unavailable["fvd"] = str(exc)
    try:
        from interhf_bench.metrics.fid_inception import FIDExtractor

        weights = resolve(get_weight("inception-fid"), allow_unverified=allow_unverified)
        metrics.extractors.append(FIDExtractor(weights, device))
    except WeightsError as exc:
        metrics.unavailable["fid"] = str(exc)
    metrics.unavailable["fid_vid"] = "not implemented in this version of interhf-bench"
    return metrics
