"""A stand-in for insightface's ArcFace recognizers: the real IResNet-50 architecture with random weights.

buffalo_l's ``w600k_r50.onnx`` is an IResNet-50 (insightface ``arcface_torch``): a 3x3 stem with PReLU,
four stages of improved basic blocks (BN, conv, BN, PReLU, strided conv, BN; 3, 4, 14 and 3 blocks of
64-512 channels, each stage halving the 112x112 input), then BN, a 25088 -> 512 linear layer and a
feature BatchNorm. Exported to ONNX with a 1x3x112x112 input, insightface's own loader routes it to
``ArcFaceONNX`` exactly as the official file. Written for the tests; no insightface code is copied.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

STAGES = ((64, 3), (128, 4), (256, 14), (512, 3))


class ImprovedBasicBlock(nn.Module):
    def __init__(self, in_channels: int, channels: int, stride: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.BatchNorm2d(in_channels, eps=1e-5),
            nn.Conv2d(in_channels, channels, 3, 1, 1, bias=False),
            nn.BatchNorm2d(channels, eps=1e-5),
            nn.PReLU(channels),
            nn.Conv2d(channels, channels, 3, stride, 1, bias=False),
            nn.BatchNorm2d(channels, eps=1e-5),
        )
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or in_channels != channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, channels, 1, stride, bias=False), nn.BatchNorm2d(channels, eps=1e-5)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x) + self.shortcut(x)


class IResNet50(nn.Module):
    def __init__(self, embedding_dim: int = 512):
        super().__init__()
        layers: list[nn.Module] = [
            nn.Conv2d(3, 64, 3, 1, 1, bias=False),
            nn.BatchNorm2d(64, eps=1e-5),
            nn.PReLU(64),
        ]
        in_channels = 64
        for channels, blocks in STAGES:
            for index in range(blocks):
                layers.append(ImprovedBasicBlock(in_channels, channels, 2 if index == 0 else 1))
                in_channels = channels
        layers.append(nn.BatchNorm2d(512, eps=1e-5))
        self.trunk = nn.Sequential(*layers)
        self.fc = nn.Linear(512 * 7 * 7, embedding_dim)
        self.features = nn.BatchNorm1d(embedding_dim, eps=1e-5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(self.fc(torch.flatten(self.trunk(x), 1)))


def export_arcface_standin(path: Path, seed: int = 0) -> Path:
    """Write a random-weight IResNet-50 ArcFace to ``path`` as ONNX (input ``input.1``, 1x3x112x112)."""
    torch.manual_seed(seed)
    model = IResNet50().eval()
    with torch.no_grad():  # non-trivial BatchNorm statistics, so outputs vary with the face
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d | nn.BatchNorm1d):
                module.running_var.uniform_(0.5, 1.5)
    torch.onnx.export(
        model, torch.zeros(1, 3, 112, 112), str(path), input_names=["input.1"], output_names=["embedding"],
        opset_version=17, dynamo=False,
    )  # fmt: skip
    return path
