"""Inception-v1 I3D (Carreira & Zisserman 2017, arXiv 1705.07750) as DisCo's FVD runs it.

Why this module exists: FVD as DisCo computes it ("FVD-3DInception") feeds 16-frame clips to the PyTorch
I3D of piergiaj/pytorch-i3d loaded from ``i3d_pretrained_400.pt`` (VideoGPT's conversion of the TF-Hub
DeepMind Kinetics-400 RGB model) and keeps the 400 pre-softmax logits. To be able to load that file with
``strict=True`` when a user supplies it, every parameter and buffer here has the name it has there
(``Conv3d_1a_7x7.conv3d.weight``, ``Mixed_3b.b1a.bn.running_mean``, ``logits.conv3d.bias``, ...).
The offline copy of the same DeepMind weights (Flax layout) is converted by
:mod:`interhf_bench.metrics.networks.i3d_flax`.

Numerics follow DisCo's copy (Wangt-CN/DisCo, tool/metrics/inception3d.py):

* BatchNorm3d with eps 1e-3 (VideoGPT/TATS use 1e-5 with the same weights; pass ``bn_eps`` to match them);
* TF "SAME" padding computed from the input size at every conv and max-pool (the DeepMind model is TF);
* head: AvgPool3d (1, 7, 7) stride 1, dropout (inactive in eval), 1x1x1 conv with bias, squeeze space,
  mean over time. For 16-frame clips this equals VideoGPT's (2, 7, 7) pool: the logits conv is linear.

Input contract (the caller's job, as in DisCo): RGB uint8 frames, each channel resized as a float ``'F'``
PIL image with bicubic filtering to 224x224 (squashed, no crop, no clipping), then ``x / 127.5 - 1``
(values may overshoot [-1, 1] slightly), laid out as (N, 3, T, 224, 224) float32. DisCo forwards one
16-frame clip at a time.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

Triple = tuple[int, int, int]

INPUT_SIZE = 224
# (output channels, kernel, stride) of the stem convolutions.
STEM_CONVS: dict[str, tuple[int, Triple, Triple]] = {
    "Conv3d_1a_7x7": (64, (7, 7, 7), (2, 2, 2)),
    "Conv3d_2b_1x1": (64, (1, 1, 1), (1, 1, 1)),
    "Conv3d_2c_3x3": (192, (3, 3, 3), (1, 1, 1)),
}
# Output widths of the Inception blocks: branch 0 (1x1), branch 1 (1x1 -> 3x3), branch 2 (1x1 -> 3x3),
# branch 3 (max-pool -> 1x1). Same numbers as GoogLeNet, inflated to 3D.
MIXED_WIDTHS: dict[str, tuple[int, int, int, int, int, int]] = {
    "Mixed_3b": (64, 96, 128, 16, 32, 32),
    "Mixed_3c": (128, 128, 192, 32, 96, 64),
    "Mixed_4b": (192, 96, 208, 16, 48, 64),
    "Mixed_4c": (160, 112, 224, 24, 64, 64),
    "Mixed_4d": (128, 128, 256, 24, 64, 64),
    "Mixed_4e": (112, 144, 288, 32, 64, 64),
    "Mixed_4f": (256, 160, 320, 32, 128, 128),
    "Mixed_5b": (256, 160, 320, 32, 128, 128),
    "Mixed_5c": (384, 192, 384, 48, 128, 128),
}
# (kernel, stride) of the max-pools between the stages.
MAX_POOLS: dict[str, tuple[Triple, Triple]] = {
    "MaxPool3d_2a_3x3": ((1, 3, 3), (1, 2, 2)),
    "MaxPool3d_3a_3x3": ((1, 3, 3), (1, 2, 2)),
    "MaxPool3d_4a_3x3": ((3, 3, 3), (2, 2, 2)),
    "MaxPool3d_5a_2x2": ((2, 2, 2), (2, 2, 2)),
}
# Trunk blocks in the order they run (the DeepMind endpoint names, also the attribute names).
ENDPOINTS: tuple[str, ...] = (
    "Conv3d_1a_7x7",
    "MaxPool3d_2a_3x3",
    "Conv3d_2b_1x1",
    "Conv3d_2c_3x3",
    "MaxPool3d_3a_3x3",
    "Mixed_3b",
    "Mixed_3c",
    "MaxPool3d_4a_3x3",
    "Mixed_4b",
    "Mixed_4c",
    "Mixed_4d",
    "Mixed_4e",
    "Mixed_4f",
    "MaxPool3d_5a_2x2",
    "Mixed_5b",
    "Mixed_5c",
)


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TF "SAME" padding (before, after) along one axis: the output has ceil(size / stride) positions and
    an odd total puts the extra element after, as TensorFlow does."""
    total = max(kernel - (size % stride or stride), 0)
    return total // 2, total - total // 2


def pad_same(x: Tensor, kernel: Triple, stride: Triple) -> Tensor:
    """Zero-pad the (T, H, W) axes of an (N, C, T, H, W) tensor for a TF "SAME" conv or pool."""
    pads: list[int] = []
    for axis in (2, 1, 0):  # F.pad lists the last axis first: W, H, then T
        pads.extend(same_padding(x.shape[2 + axis], kernel[axis], stride[axis]))
    return F.pad(x, pads)


class MaxPool3dSame(nn.Module):
    """Max-pool with TF "SAME" padding.

    The padding is zeros, as in piergiaj/DisCo, where TF ignores padded cells; both agree here because
    every max-pool in I3D follows a ReLU, so its inputs are never negative.
    """

    def __init__(self, kernel: Triple, stride: Triple) -> None:
        super().__init__()
        self.kernel = kernel
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        return F.max_pool3d(pad_same(x, self.kernel, self.stride), self.kernel, self.stride)


class Unit3D(nn.Module):
    """Conv3d -> BatchNorm3d -> ReLU, the DeepMind ``Unit3D``; the conv has no padding of its own because
    TF "SAME" padding depends on the input size and is applied in ``forward``."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel: Triple = (1, 1, 1),
        stride: Triple = (1, 1, 1),
        *,
        batch_norm: bool = True,
        relu: bool = True,
        bias: bool = False,
        bn_eps: float = 1e-3,
    ) -> None:
        super().__init__()
        self.kernel = kernel
        self.stride = stride
        self.relu = relu
        self.conv3d = nn.Conv3d(in_channels, out_channels, kernel, stride, padding=0, bias=bias)
        # momentum 0.01 as piergiaj (TF decay 0.99); it only matters in training, which FVD never does.
        self.bn = nn.BatchNorm3d(out_channels, eps=bn_eps, momentum=0.01) if batch_norm else None

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv3d(pad_same(x, self.kernel, self.stride))
        if self.bn is not None:
            x = self.bn(x)
        return F.relu(x) if self.relu else x


class InceptionModule(nn.Module):
    """Four parallel branches concatenated on channels; names b0, b1a/b1b, b2a/b2b, b3a/b3b as piergiaj."""

    def __init__(
        self, in_channels: int, widths: tuple[int, int, int, int, int, int], bn_eps: float = 1e-3
    ) -> None:
        super().__init__()
        w0, w1a, w1b, w2a, w2b, w3 = widths
        self.b0 = Unit3D(in_channels, w0, bn_eps=bn_eps)
        self.b1a = Unit3D(in_channels, w1a, bn_eps=bn_eps)
        self.b1b = Unit3D(w1a, w1b, (3, 3, 3), bn_eps=bn_eps)
        self.b2a = Unit3D(in_channels, w2a, bn_eps=bn_eps)
        self.b2b = Unit3D(w2a, w2b, (3, 3, 3), bn_eps=bn_eps)
        self.b3a = MaxPool3dSame((3, 3, 3), (1, 1, 1))
        self.b3b = Unit3D(in_channels, w3, bn_eps=bn_eps)
        self.out_channels = w0 + w1b + w2b + w3

    def forward(self, x: Tensor) -> Tensor:
        branches = (self.b0(x), self.b1b(self.b1a(x)), self.b2b(self.b2a(x)), self.b3b(self.b3a(x)))
        return torch.cat(branches, dim=1)


class InceptionI3d(nn.Module):
    """I3D returning (N, num_classes) pre-softmax logits averaged over time, as DisCo's FVD feature.

    Args:
        num_classes: logits width; 400 for the Kinetics-400 checkpoints.
        in_channels: 3 for the RGB stream.
        bn_eps: BatchNorm epsilon; 1e-3 is DisCo/piergiaj/DeepMind, 1e-5 is VideoGPT/TATS.
    """

    def __init__(self, num_classes: int = 400, in_channels: int = 3, bn_eps: float = 1e-3) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.in_channels = in_channels
        channels = in_channels
        for name in ENDPOINTS:
            if name in MAX_POOLS:
                block: nn.Module = MaxPool3dSame(*MAX_POOLS[name])
            elif name in MIXED_WIDTHS:
                block = InceptionModule(channels, MIXED_WIDTHS[name], bn_eps)
                channels = block.out_channels
            else:  # the stem convolutions
                width, kernel, stride = STEM_CONVS[name]
                block = Unit3D(channels, width, kernel, stride, bn_eps=bn_eps)
                channels = width
            self.add_module(name, block)
        self.feature_channels = channels  # 1024
        self.avg_pool = nn.AvgPool3d(kernel_size=(1, 7, 7), stride=1)
        # p=0.5 because piergiaj passes its keep-probability as the drop probability; eval mode disables it.
        self.dropout = nn.Dropout(0.5)
        self.logits = Unit3D(channels, num_classes, batch_norm=False, relu=False, bias=True)

    def endpoints(self, x: Tensor) -> dict[str, Tensor]:
        """Output of every trunk block, in order (for inspection and tests); no input-size check."""
        outputs: dict[str, Tensor] = {}
        for name in ENDPOINTS:
            x = getattr(self, name)(x)
            outputs[name] = x
        return outputs

    def features(self, x: Tensor) -> Tensor:
        """``Mixed_5c`` output, (N, 1024, ceil(T / 8), 7, 7) for 224x224 input."""
        for name in ENDPOINTS:
            x = getattr(self, name)(x)
        return x

    def forward(self, x: Tensor) -> Tensor:
        """(N, C, T, 224, 224) in [-1, 1] -> (N, num_classes) logits, the mean of the per-time logits."""
        if x.ndim != 5 or x.shape[1] != self.in_channels or tuple(x.shape[-2:]) != (INPUT_SIZE, INPUT_SIZE):
            raise ValueError(
                f"I3D expects (N, {self.in_channels}, T, {INPUT_SIZE}, {INPUT_SIZE}) frames in [-1, 1]; "
                f"got shape {tuple(x.shape)} (resize frames to {INPUT_SIZE}x{INPUT_SIZE} first)"
            )
        x = self.logits(self.dropout(self.avg_pool(self.features(x))))  # (N, classes, T', 1, 1)
        return x[..., 0, 0].mean(dim=2)
