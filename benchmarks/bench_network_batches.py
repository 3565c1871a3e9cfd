"""Seconds per item of each metric network by batch size and memory layout, on full-size inputs.

``score`` picks each network's batch size per device type and runs it channels-last; this script is the
measurement behind those choices. Each network (random weights of the real architecture: the cost does
not depend on the values) runs over 8 items (50 frames for the Inception) at several batch sizes, in the
default layout (DisCo runs it so, at batch 1; pytorch-fid at 50) and channels-last, ``--repeats`` times
in turn; the table gives the fastest repeat.

    python benchmarks/bench_network_batches.py [--device cpu] [--repeats 2]
"""

from __future__ import annotations

import argparse
import copy
import time
from collections.abc import Callable
from dataclasses import dataclass
from unittest import mock

import torch
import torchvision
from metric_weights import random_inception_state
from pytorch_fid import inception

from interhf_bench.metrics.lpips_vgg import load_lpips_vgg
from interhf_bench.metrics.networks.i3d import InceptionI3d
from interhf_bench.metrics.networks.resnet3d import resnet3d50

Call = Callable[[torch.nn.Module, torch.Tensor, torch.memory_format], torch.Tensor]


@dataclass
class Network:
    """A model, its call on a batch in a layout, the items, the batch sizes, its channels-last format."""

    model: torch.nn.Module
    call: Call
    items: torch.Tensor
    batches: tuple[int, ...]
    channels_last: torch.memory_format


def _frames(model: torch.nn.Module, x: torch.Tensor, layout: torch.memory_format) -> torch.Tensor:
    return model(x.contiguous(memory_format=layout))


def _pairs(model: torch.nn.Module, x: torch.Tensor, layout: torch.memory_format) -> torch.Tensor:
    return model(x[:, 0].contiguous(memory_format=layout), x[:, 1].contiguous(memory_format=layout))


def _clip_features(model: torch.nn.Module, x: torch.Tensor, layout: torch.memory_format) -> torch.Tensor:
    return model.features(x.contiguous(memory_format=layout))


def networks() -> dict[str, Network]:
    """Every metric network of ``score``; frames at ``interhf-v1``'s 640x384, clips at the networks' sizes."""
    torch.manual_seed(0)
    with mock.patch.object(inception, "load_state_dict_from_url", lambda *a, **k: random_inception_state()):
        fid = inception.InceptionV3([inception.InceptionV3.BLOCK_INDEX_BY_DIM[2048]]).eval()
    vgg = load_lpips_vgg(torchvision.models.vgg16(weights=None).state_dict())
    i3d = InceptionI3d(num_classes=400, in_channels=3, bn_eps=1e-3).eval()
    clips = torch.channels_last_3d
    return {
        "LPIPS (VGG16), frame pairs": Network(
            vgg, _pairs, torch.rand(8, 2, 3, 384, 640), (1, 2, 8), torch.channels_last
        ),
        "FID (Inception), frames": Network(
            fid, _frames, torch.rand(50, 3, 384, 640), (1, 10, 50), torch.channels_last
        ),
        "FVD (I3D), 16-frame clips": Network(i3d, _frames, torch.randn(8, 3, 16, 224, 224), (1, 2, 8), clips),
        "FID-VID (3D-ResNet-50), 16-frame clips": Network(
            resnet3d50().eval(), _clip_features, torch.randn(8, 3, 16, 112, 112) * 50, (1, 2, 8), clips
        ),
    }


def seconds_per_item(
    network: Network, model: torch.nn.Module, batch: int, layout: torch.memory_format, device: str
) -> float:
    """Wall seconds per item of running every item through ``model``, ``batch`` at a time, in ``layout``."""
    start = time.perf_counter()
    with torch.inference_mode():
        for first in range(0, len(network.items), batch):
            network.call(model, network.items[first : first + batch].to(device), layout)
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / len(network.items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    print("| network | layout | " + " | ".join(["batch", "s / item"] * 3) + " |")
    print("|---|---|" + "---|" * 6)
    for name, network in networks().items():
        variants = {
            "default": (network.model.to(args.device), torch.contiguous_format),
            "channels-last": (
                copy.deepcopy(network.model).to(args.device, memory_format=network.channels_last),
                network.channels_last,
            ),
        }
        best: dict[tuple[str, int], float] = {}
        for _ in range(args.repeats):
            for label, (model, layout) in variants.items():
                for batch in network.batches:
                    seconds = seconds_per_item(network, model, batch, layout, args.device)
                    best[label, batch] = min(seconds, best.get((label, batch), float("inf")))
        for label in variants:
            cells = " | ".join(f"{b} | {best[label, b]:.3f}" for b in network.batches)
            print(f"| {name} | {label} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
