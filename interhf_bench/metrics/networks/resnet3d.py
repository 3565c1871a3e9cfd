"""3D-ResNet-50 of Hara et al. (CVPR 2018, arXiv 1711.09577) as DisCo's FID-VID runs it.

Why this module exists: FID-VID as DisCo computes it (metric name "FVD-3DRN50") is the Fréchet distance
between 2048-d clip features of the Kinetics-400 3D-ResNet-50 from
kenshohara/video-classification-3d-cnn-pytorch (checkpoint ``resnet-50-kinetics.pth``). DisCo builds it
with ``resnet50(num_classes=400, shortcut_type="B", sample_size=112, sample_duration=16, last_fc=False)``
(Wangt-CN/DisCo, tool/metrics/features.py), so its output is the average pool after ``layer4``, flattened:
no ``fc``, no softmax. :meth:`ResNet3d.features` returns exactly that; :meth:`ResNet3d.forward` adds the
400-way ``fc`` (the classifier the file also holds).

Every parameter and buffer has the name it has in the checkpoint once DataParallel's ``module.`` prefix is
removed (``conv1.weight``, ``layer1.0.downsample.0.weight``, ``layer4.2.bn3.running_var``, ``fc.bias``, ...),
so the file loads with ``strict`` key matching. Architecture (the "B" shortcut variant throughout):

* stem: Conv3d 3->64, kernel 7x7x7, stride (1, 2, 2), padding 3, no bias; BN; ReLU;
  MaxPool3d kernel 3, stride 2 (time too), padding 1;
* ``layer1..4``: 3, 4, 6, 3 bottlenecks of widths 64, 128, 256, 512 (x4 expansion); the stride (1 for
  layer1, 2 for the others, in all three axes) sits in the 3x3x3 conv; the first block of each stage
  projects its input with a strided 1x1x1 conv + BN (``downsample.0``/``downsample.1``);
* head: AvgPool3d kernel (ceil(T/16), ceil(S/32), ceil(S/32)) = (1, 4, 4) for 16x112x112 clips, stride 1;
  ``fc`` 2048->400.

BatchNorm keeps PyTorch's defaults (eps 1e-5), as in the reference code.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any

import torch
from torch import Tensor, nn

FEATURE_DIM = 2048  # 512 * Bottleneck expansion 4: the width of DisCo's FID-VID feature.
NUM_CLASSES = 400  # Kinetics-400.
SAMPLE_SIZE = 112  # DisCo's FVD-3DRN50 frame side (metric_center.py: sample_size = 112).
SAMPLE_DURATION = 16  # gen_eval.sh: --sample_duration 16.
STAGE_DEPTHS: tuple[int, int, int, int] = (3, 4, 6, 3)  # ResNet-50.
STAGE_WIDTHS: tuple[int, int, int, int] = (64, 128, 256, 512)
EXPANSION = 4
CHECKPOINT_ARCH = "resnet-50"  # the ``arch`` string Hara's training script stores next to the weights.


class CheckpointError(ValueError):
    """A checkpoint file that is not the canonical ``resnet-50-kinetics.pth`` layout; names the file."""


class Bottleneck3d(nn.Module):
    """1x1x1 reduce -> 3x3x3 (carries the stride) -> 1x1x1 expand, each with BN; residual add, then ReLU."""

    def __init__(self, in_channels: int, width: int, stride: int = 1, project: bool = False) -> None:
        super().__init__()
        out_channels = width * EXPANSION
        self.conv1 = nn.Conv3d(in_channels, width, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm3d(width)
        self.conv2 = nn.Conv3d(width, width, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm3d(width)
        self.conv3 = nn.Conv3d(width, out_channels, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm3d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        # Shortcut "B": projection where the shape changes (first block of a stage), identity elsewhere.
        self.downsample: nn.Sequential | None = None
        if project:
            self.downsample = nn.Sequential(
                nn.Conv3d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm3d(out_channels),
            )

    def forward(self, x: Tensor) -> Tensor:
        shortcut = x if self.downsample is None else self.downsample(x)
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return self.relu(y + shortcut)


class ResNet3d(nn.Module):
    """Hara's 3D-ResNet with bottleneck blocks and shortcut "B"; ResNet-50 by default.

    ``sample_size`` and ``sample_duration`` only size the final average pool, as in the reference: for
    the defaults (112, 16) ``layer4`` yields 1x4x4 and the pool reduces it to one 2048-vector.
    """

    def __init__(
        self,
        depths: tuple[int, ...] = STAGE_DEPTHS,
        num_classes: int = NUM_CLASSES,
        sample_size: int = SAMPLE_SIZE,
        sample_duration: int = SAMPLE_DURATION,
    ) -> None:
        super().__init__()
        if len(depths) != len(STAGE_WIDTHS):
            raise ValueError(f"depths needs {len(STAGE_WIDTHS)} stage sizes, got {depths!r}")
        self.conv1 = nn.Conv3d(3, 64, kernel_size=7, stride=(1, 2, 2), padding=3, bias=False)
        self.bn1 = nn.BatchNorm3d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool3d(kernel_size=3, stride=2, padding=1)
        channels = 64
        for index, (depth, width) in enumerate(zip(depths, STAGE_WIDTHS, strict=True), start=1):
            stage, channels = _make_stage(channels, width, depth, stride=1 if index == 1 else 2)
            self.add_module(f"layer{index}", stage)
        pool_t = math.ceil(sample_duration / 16)
        pool_s = math.ceil(sample_size / 32)
        self.avgpool = nn.AvgPool3d((pool_t, pool_s, pool_s), stride=1)
        self.fc = nn.Linear(channels, num_classes)
        self.feature_dim = channels
        self._init_weights()

    def _init_weights(self) -> None:
        """He-normal convs, unit BN: random-weight tests then see activations of a sane scale."""
        for module in self.modules():
            if isinstance(module, nn.Conv3d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(module, nn.BatchNorm3d):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)

    def features(self, x: Tensor) -> Tensor:
        """DisCo's FID-VID feature: ``layer4`` -> AvgPool3d -> flatten, ``(N, 3, T, H, W) -> (N, 2048)``.

        This is the reference forward with ``last_fc=False``; DisCo feeds one clip at a time and takes the
        mean over the (size-1) batch axis, so each row here is one clip's feature. The input is the
        mean-subtracted 0-255 clip of :func:`interhf_bench.metrics.video_preprocess.fidvid_clip_tensor`.
        """
        if x.ndim != 5 or x.shape[1] != 3:
            raise ValueError(f"expected a (N, 3, T, H, W) clip batch, got shape {tuple(x.shape)}")
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        pooled = self.avgpool(x).flatten(1)
        if pooled.shape[1] != self.feature_dim:
            # The pool is sized for sample_size x sample_duration clips; larger ones leave several cells.
            raise ValueError(
                f"clip of shape {tuple(x.shape)} after layer4 does not pool to one {self.feature_dim}-d "
                "vector; DisCo's FID-VID expects (N, 3, 16, 112, 112)"
            )
        return pooled

    def forward(self, x: Tensor) -> Tensor:
        """Kinetics-400 logits (``last_fc=True`` in the reference); FID-VID uses :meth:`features`."""
        return self.fc(self.features(x))


def _make_stage(in_channels: int, width: int, depth: int, stride: int) -> tuple[nn.Sequential, int]:
    """One ``layerN``: the first block projects (its stride or width changes the shape), the rest do not."""
    out_channels = width * EXPANSION
    project = stride != 1 or in_channels != out_channels
    blocks = [Bottleneck3d(in_channels, width, stride=stride, project=project)]
    blocks += [Bottleneck3d(out_channels, width) for _ in range(depth - 1)]
    return nn.Sequential(*blocks), out_channels


def resnet3d50(num_classes: int = NUM_CLASSES) -> ResNet3d:
    """The network DisCo builds for FID-VID, with random weights (sample_size 112, sample_duration 16)."""
    return ResNet3d(STAGE_DEPTHS, num_classes=num_classes)


def canonical_state_dict(checkpoint: Any, path: str | os.PathLike[str] = "<memory>") -> dict[str, Tensor]:
    """The model weights of a loaded ``resnet-50-kinetics.pth`` with DataParallel's ``module.`` removed.

    Accepts the canonical wrapper (a dict with ``state_dict``, plus ``arch``/``epoch``/``optimizer``
    entries, which are ignored apart from checking ``arch``) or a bare state dict.
    """
    if not isinstance(checkpoint, Mapping):
        raise CheckpointError(
            f"{os.fspath(path)}: expected a dict checkpoint, got {type(checkpoint).__name__}"
        )
    arch = checkpoint.get("arch")
    if arch is not None and arch != CHECKPOINT_ARCH:
        # Hara's own loader asserts the same (video-classification-3d-cnn-pytorch, main.py).
        raise CheckpointError(f"{os.fspath(path)}: checkpoint arch is {arch!r}, expected {CHECKPOINT_ARCH!r}")
    state = checkpoint.get("state_dict", checkpoint)
    if not isinstance(state, Mapping):
        raise CheckpointError(f"{os.fspath(path)}: 'state_dict' is a {type(state).__name__}, not a dict")
    out: dict[str, Tensor] = {}
    for key, value in state.items():
        if not isinstance(value, Tensor):
            raise CheckpointError(
                f"{os.fspath(path)}: entry {key!r} is a {type(value).__name__}, not a tensor"
            )
        out[str(key).removeprefix("module.")] = value
    return out


def load_resnet3d50_kinetics(path: str | os.PathLike[str], map_location: str = "cpu") -> ResNet3d:
    """Build :func:`resnet3d50` and load Hara's ``resnet-50-kinetics.pth`` strictly; eval mode.

    The file is read with ``torch.load(weights_only=True)``: the canonical checkpoint is a plain dict of
    ``arch`` (str), ``epoch`` (int), ``state_dict`` (an OrderedDict of tensors, ``module.``-prefixed) and
    possibly ``optimizer`` (dicts, lists, floats, bools and tensors), all of which the restricted unpickler
    allows, in the zip format and in the legacy (pre-1.6) format with its ``_rebuild_tensor`` records alike.
    BatchNorm ``num_batches_tracked`` buffers (absent from pre-0.4.1 files) may be missing: PyTorch fills
    them for state dicts without version metadata, exactly as DisCo's own rebuilt dict gets them filled.
    Any other missing, unexpected or mis-shaped entry raises :class:`CheckpointError` naming the file.
    """
    name = os.fspath(path)
    try:
        checkpoint = torch.load(name, map_location=map_location, weights_only=True)
    except FileNotFoundError:
        raise
    except Exception as error:  # pickle refusals and corrupt files: say which file
        raise CheckpointError(
            f"{name}: cannot be read as a weights-only torch checkpoint ({error})"
        ) from error
    state = canonical_state_dict(checkpoint, name)
    model = resnet3d50()
    try:
        result = model.load_state_dict(state, strict=False)
    except RuntimeError as error:  # shape mismatches raise even with strict=False
        raise CheckpointError(f"{name}: weights do not fit the 3D-ResNet-50 ({error})") from error
    if result.missing_keys or result.unexpected_keys:
        raise CheckpointError(
            f"{name}: not a Kinetics 3D-ResNet-50 checkpoint (after stripping 'module.'): "
            f"missing keys {_preview(result.missing_keys)}, "
            f"unexpected keys {_preview(result.unexpected_keys)}"
        )
    return model.eval()


def _preview(keys: list[str], limit: int = 8) -> str:
    """At most ``limit`` names and a count, so one wrong file does not print 300 lines."""
    if not keys:
        return "none"
    more = f" (+{len(keys) - limit} more)" if len(keys) > limit else ""
    return ", ".join(keys[:limit]) + more
