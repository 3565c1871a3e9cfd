"""The Fréchet video metrics' features: I3D logits (FVD) and 3D-ResNet-50 features (FID-VID) per window.

Both follow DisCo's recipe: every ``clip_length``-frame window (stride ``stride``) of the target frames,
each network with its own preprocessing, recorded in ``settings`` so the feature cache and
``metrics.json`` say exactly what was computed.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any

import numpy as np

from interhf_bench.metrics.interfaces import settings_identity
from interhf_bench.weights.store import ResolvedWeight

if TYPE_CHECKING:
    import torch

CLIP_BATCH = {"cpu": 2, "cuda": 8}  # windows per network call, by device type
CLIP_LAYOUT = "channels_last_3d"  # a torch.memory_format name; "contiguous_format" is DisCo's


class _WindowExtractor(abc.ABC):
    """Network features of every ``clip_length``-frame window (stride ``stride``) of the target frames.

    Frames are preprocessed once each and windows are slices of the preprocessed stack, which equals
    preprocessing every window separately as DisCo does (its preprocessing is per frame). Windows go
    through the network a few at a time (``CLIP_BATCH``: 2 on a CPU, 8 on a GPU) in the channels-last layout,
    the fastest measured (``docs/benchmarks.md``); DisCo used batch 1 and the default layout, and both
    choices move float32 outputs by about 1e-5 (summation order).
    """

    name: str
    dim: int
    network: str

    def __init__(
        self, model: torch.nn.Module, weights: ResolvedWeight, device: str, clip_length: int, stride: int
    ):
        import torch

        from interhf_bench.metrics.video_preprocess import batch_size_for

        self.layout: torch.memory_format = getattr(torch, CLIP_LAYOUT)
        self.batch = batch_size_for(device, CLIP_BATCH)
        self.model = model.eval().to(device, memory_format=self.layout)
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
            "batch": self.batch,
            "layout": CLIP_LAYOUT,
            "frechet": "pytorch-fid calculate_frechet_distance (float64, ddof 1)",
        }

    @property
    def identity(self) -> str:
        return settings_identity(self.weights.sha256, self.settings)

    def features(self, frames: np.ndarray) -> np.ndarray:
        import torch

        from interhf_bench.metrics.video_preprocess import sliding_windows, to_network

        windows = sliding_windows(len(frames), self.clip_length, self.stride)
        if not windows:
            return np.zeros((0, self.dim), dtype=np.float32)
        stack = self.preprocess(frames)
        outputs = []
        with torch.inference_mode():
            for first in range(0, len(windows), self.batch):
                batch = torch.stack([stack[:, w.start : w.stop] for w in windows[first : first + self.batch]])
                batch = to_network(batch, self.device, self.layout)
                outputs.append(self.forward(batch).float().cpu().numpy())
        return np.concatenate(outputs)


class FVDExtractor(_WindowExtractor):
    """I3D Kinetics-400 logits of every window: DisCo's "FVD-3DInception" features."""

    name = "fvd"
    dim = 400
    network = "InceptionI3d Kinetics-400 logits (400-d), BatchNorm eps 1e-3"

    def __init__(self, weights: ResolvedWeight, device: str = "cpu", clip_length: int = 16, stride: int = 1):
        import torch

        from interhf_bench.metrics.networks.i3d import InceptionI3d
        from interhf_bench.metrics.networks.i3d_flax import build_i3d_from_flax

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
