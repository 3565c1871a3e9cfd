"""Stand-ins for DWPose's two ONNX files: the real architectures with random weights.

* ``yolox_l.onnx``: YOLOX-L (Megvii-BaseDetection/YOLOX, depth 1.0, width 1.0): a CSPDarknet backbone (Focus
  stem, four stages of strided conv + CSP layers, SPP in the last), the PAFPN neck and the decoupled head
  for 80 COCO classes, exported as YOLOX exports it (``decode_in_inference=False``): per level
  ``cat(reg, sigmoid(obj), sigmoid(cls))``, flattened and concatenated to ``(1, 8400, 85)``; input
  ``images`` ``(1, 3, 640, 640)``.
* ``dw-ll_ucoco_384.onnx``: RTMPose-l (open-mmlab/mmpose) for 133 keypoints at 288x384: a CSPNeXt-P5 backbone
  (three-conv stem, four stages with CSPNeXt blocks and channel attention, SPP in the last) and the RTMCC
  head (7x7 conv to 133 maps, ScaleNorm + linear to 256, a gated attention unit, linear SimCC classifiers
  to 576 and 768 bins); input ``input`` ``(1, 3, 384, 288)``, outputs ``simcc_x``, ``simcc_y``.

Exported, they are 216.67 MB and 134.38 MB: the official files' sizes (216.75 MB, 134.40 MB) within 0.04 %.
Written from the architectures' descriptions for the tests; no code of either project is copied.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn


def conv_bn_silu(cin: int, cout: int, kernel: int, stride: int = 1, groups: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout, eps=1e-3, momentum=0.03),
        nn.SiLU(),
    )


class SPP(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        hidden = cin // 2
        self.conv1 = conv_bn_silu(cin, hidden, 1)
        self.pools = nn.ModuleList(nn.MaxPool2d(k, 1, k // 2) for k in (5, 9, 13))
        self.conv2 = conv_bn_silu(hidden * 4, cout, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)
        return self.conv2(torch.cat([x, *(pool(x) for pool in self.pools)], 1))


# -- YOLOX-L -------------------------------------------------------------------------------------------
class DarknetBottleneck(nn.Module):
    def __init__(self, channels: int, shortcut: bool):
        super().__init__()
        self.conv1, self.conv2 = conv_bn_silu(channels, channels, 1), conv_bn_silu(channels, channels, 3)
        self.shortcut = shortcut

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv2(self.conv1(x))
        return y + x if self.shortcut else y


class CSPLayer(nn.Module):
    def __init__(self, cin: int, cout: int, blocks: int, shortcut: bool = True):
        super().__init__()
        hidden = cout // 2
        self.conv1, self.conv2 = conv_bn_silu(cin, hidden, 1), conv_bn_silu(cin, hidden, 1)
        self.conv3 = conv_bn_silu(2 * hidden, cout, 1)
        self.blocks = nn.Sequential(*(DarknetBottleneck(hidden, shortcut) for _ in range(blocks)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv3(torch.cat([self.blocks(self.conv1(x)), self.conv2(x)], 1))


class Focus(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.conv = conv_bn_silu(cin * 4, cout, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        parts = (x[..., ::2, ::2], x[..., 1::2, ::2], x[..., ::2, 1::2], x[..., 1::2, 1::2])
        return self.conv(torch.cat(parts, 1))


class YoloxL(nn.Module):
    def __init__(self, num_classes: int = 80):
        super().__init__()
        self.stem = Focus(3, 64)
        self.dark2 = nn.Sequential(conv_bn_silu(64, 128, 3, 2), CSPLayer(128, 128, 3))
        self.dark3 = nn.Sequential(conv_bn_silu(128, 256, 3, 2), CSPLayer(256, 256, 9))
        self.dark4 = nn.Sequential(conv_bn_silu(256, 512, 3, 2), CSPLayer(512, 512, 9))
        self.dark5 = nn.Sequential(
            conv_bn_silu(512, 1024, 3, 2), SPP(1024, 1024), CSPLayer(1024, 1024, 3, False)
        )
        self.lateral_conv0, self.c3_p4 = conv_bn_silu(1024, 512, 1), CSPLayer(1024, 512, 3, False)
        self.reduce_conv1, self.c3_p3 = conv_bn_silu(512, 256, 1), CSPLayer(512, 256, 3, False)
        self.bu_conv2, self.c3_n3 = conv_bn_silu(256, 256, 3, 2), CSPLayer(512, 512, 3, False)
        self.bu_conv1, self.c3_n4 = conv_bn_silu(512, 512, 3, 2), CSPLayer(1024, 1024, 3, False)
        self.stems = nn.ModuleList(conv_bn_silu(c, 256, 1) for c in (256, 512, 1024))
        self.cls_convs = nn.ModuleList(
            nn.Sequential(conv_bn_silu(256, 256, 3), conv_bn_silu(256, 256, 3)) for _ in range(3)
        )
        self.reg_convs = nn.ModuleList(
            nn.Sequential(conv_bn_silu(256, 256, 3), conv_bn_silu(256, 256, 3)) for _ in range(3)
        )
        self.cls_preds = nn.ModuleList(nn.Conv2d(256, num_classes, 1) for _ in range(3))
        self.reg_preds = nn.ModuleList(nn.Conv2d(256, 4, 1) for _ in range(3))
        self.obj_preds = nn.ModuleList(nn.Conv2d(256, 1, 1) for _ in range(3))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x3 = self.dark3(self.dark2(self.stem(images)))
        x4 = self.dark4(x3)
        x5 = self.dark5(x4)
        fpn0 = self.lateral_conv0(x5)
        f0 = self.c3_p4(torch.cat([F.interpolate(fpn0, scale_factor=2.0, mode="nearest"), x4], 1))
        fpn1 = self.reduce_conv1(f0)
        pan2 = self.c3_p3(torch.cat([F.interpolate(fpn1, scale_factor=2.0, mode="nearest"), x3], 1))
        pan1 = self.c3_n3(torch.cat([self.bu_conv2(pan2), fpn1], 1))
        pan0 = self.c3_n4(torch.cat([self.bu_conv1(pan1), fpn0], 1))
        outputs = []
        for level, feature in enumerate((pan2, pan1, pan0)):
            x = self.stems[level](feature)
            cls_feat, reg_feat = self.cls_convs[level](x), self.reg_convs[level](x)
            out = torch.cat(
                [self.reg_preds[level](reg_feat), self.obj_preds[level](reg_feat).sigmoid(),
                 self.cls_preds[level](cls_feat).sigmoid()], 1,
            )  # fmt: skip
            outputs.append(out.flatten(start_dim=2))
        return torch.cat(outputs, 2).permute(0, 2, 1)


# -- RTMPose-l -----------------------------------------------------------------------------------------
class ChannelAttention(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.fc = nn.Conv2d(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * F.hardsigmoid(self.fc(F.adaptive_avg_pool2d(x, 1)))


class CSPNeXtBlock(nn.Module):
    def __init__(self, channels: int, identity: bool):
        super().__init__()
        self.conv1 = conv_bn_silu(channels, channels, 3)
        self.depthwise = conv_bn_silu(channels, channels, 5, groups=channels)
        self.pointwise = conv_bn_silu(channels, channels, 1)
        self.identity = identity

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.pointwise(self.depthwise(self.conv1(x)))
        return y + x if self.identity else y


class CSPNeXtLayer(nn.Module):
    def __init__(self, cin: int, cout: int, blocks: int, identity: bool):
        super().__init__()
        mid = cout // 2
        self.main_conv, self.short_conv = conv_bn_silu(cin, mid, 1), conv_bn_silu(cin, mid, 1)
        self.blocks = nn.Sequential(*(CSPNeXtBlock(mid, identity) for _ in range(blocks)))
        self.attention = ChannelAttention(2 * mid)
        self.final_conv = conv_bn_silu(2 * mid, cout, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        joined = torch.cat([self.blocks(self.main_conv(x)), self.short_conv(x)], 1)
        return self.final_conv(self.attention(joined))


class ScaleNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-5):
        super().__init__()
        self.scale, self.eps = dim**-0.5, eps
        self.g = nn.Parameter(torch.ones(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        norm = torch.linalg.vector_norm(x, dim=-1, keepdim=True) * self.scale
        return x / norm.clamp(min=self.eps) * self.g


class GatedAttentionUnit(nn.Module):
    def __init__(self, dims: int = 256, expansion: int = 2, s: int = 128):
        super().__init__()
        self.e, self.s = dims * expansion, s
        self.norm = ScaleNorm(dims)
        self.uv = nn.Linear(dims, 2 * self.e + s, bias=False)
        self.gamma, self.beta = nn.Parameter(torch.rand(2, s)), nn.Parameter(torch.rand(2, s))
        self.o = nn.Linear(self.e, dims, bias=False)
        self.res_scale = nn.Parameter(torch.ones(dims))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        u, v, base = torch.split(F.silu(self.uv(self.norm(x))), [self.e, self.e, self.s], dim=2)
        base = base.unsqueeze(2) * self.gamma[None, None] + self.beta
        q, k = torch.unbind(base, dim=2)
        kernel = torch.square(F.relu(torch.bmm(q, k.permute(0, 2, 1)) / math.sqrt(self.s)))
        return x * self.res_scale + self.o(u * torch.bmm(kernel, v))


class RtmPoseL(nn.Module):
    def __init__(self, keypoints: int = 133, input_size: tuple[int, int] = (288, 384), split: float = 2.0):
        super().__init__()
        self.stem = nn.Sequential(conv_bn_silu(3, 32, 3, 2), conv_bn_silu(32, 32, 3), conv_bn_silu(32, 64, 3))
        stages = []
        for cin, cout, blocks, identity, spp in (
            (64, 128, 3, True, False), (128, 256, 6, True, False),
            (256, 512, 6, True, False), (512, 1024, 3, False, True),
        ):  # fmt: skip
            layers = [conv_bn_silu(cin, cout, 3, 2), *([SPP(cout, cout)] if spp else [])]
            stages.append(nn.Sequential(*layers, CSPNeXtLayer(cout, cout, blocks, identity)))
        self.stages = nn.Sequential(*stages)
        width, height = input_size
        tokens = (width // 32) * (height // 32)
        self.final_layer = nn.Conv2d(1024, keypoints, 7, padding=3)
        self.mlp = nn.Sequential(ScaleNorm(tokens), nn.Linear(tokens, 256, bias=False))
        self.gau = GatedAttentionUnit(256)
        self.cls_x = nn.Linear(256, int(width * split), bias=False)
        self.cls_y = nn.Linear(256, int(height * split), bias=False)

    def forward(self, crop: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        maps = self.final_layer(self.stages(self.stem(crop))).flatten(2)
        tokens = self.gau(self.mlp(maps))
        return self.cls_x(tokens), self.cls_y(tokens)


def export_dwpose_standins(folder: Path, seed: int = 0) -> tuple[Path, Path]:
    """``(yolox_l.onnx, dw-ll_ucoco_384.onnx)`` stand-ins with random weights in ``folder``."""
    torch.manual_seed(seed)
    detector, pose = folder / "yolox_l.onnx", folder / "dw-ll_ucoco_384.onnx"
    torch.onnx.export(
        YoloxL().eval(), torch.zeros(1, 3, 640, 640), str(detector), input_names=["images"],
        output_names=["output"], opset_version=17, dynamo=False,
    )  # fmt: skip
    torch.onnx.export(
        RtmPoseL().eval(), torch.zeros(1, 3, 384, 288), str(pose), input_names=["input"],
        output_names=["simcc_x", "simcc_y"], opset_version=17, dynamo=False,
    )  # fmt: skip
    return detector, pose
