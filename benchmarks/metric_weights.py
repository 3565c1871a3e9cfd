"""The score's network metrics built from weight files of the real architectures, for timing where the
real files are absent.

A metric network costs the same with random weights as with trained ones, so speed checks on a machine
without the published files use random weights of the same architectures, written in the formats the
loaders read and marked unverified. The real file is used where the weights store has it (the I3D in
CI's shared folder). The numbers these networks give are meaningless; only their cost is measured.
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import torch
import torchvision

from interhf_bench.metrics.fid_inception import FIDExtractor
from interhf_bench.metrics.lpips_vgg import LPIPSMetric
from interhf_bench.metrics.networks.i3d import InceptionI3d
from interhf_bench.metrics.networks.resnet3d import resnet3d50
from interhf_bench.metrics.video_features import FIDVIDExtractor, FVDExtractor
from interhf_bench.protocol import ProtocolSpec
from interhf_bench.scoring.metric_set import MetricSet, fvd_weights
from interhf_bench.weights.registry import get_weight
from interhf_bench.weights.store import ResolvedWeight, WeightsError


def random_inception_state() -> dict[str, torch.Tensor]:
    """pytorch-fid's FID Inception with its initial weights (its own loader would download the file)."""
    from pytorch_fid import inception

    with (
        mock.patch.object(inception, "load_state_dict_from_url", lambda *args, **kwargs: {}),
        mock.patch.object(torch.nn.Module, "load_state_dict", lambda self, *args, **kwargs: None),
    ):
        return inception.fid_inception_v3().state_dict()


def _unverified(name: str, path: Path) -> ResolvedWeight:
    return ResolvedWeight(get_weight(name), path, "0" * 64, verified=False)


def write_random_weights(root: Path) -> dict[str, ResolvedWeight]:
    """Random-weight files of VGG16, FID Inception, 3D-ResNet-50 and I3D in ``root`` (seeded)."""
    root.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    files = {
        "vgg16-imagenet": torchvision.models.vgg16(weights=None).state_dict(),
        "inception-fid": random_inception_state(),
        "resnet3d50-kinetics": {"arch": "resnet-50", "state_dict": resnet3d50().state_dict()},
        "i3d-pretrained-400": InceptionI3d(num_classes=400, in_channels=3, bn_eps=1e-3).state_dict(),
    }
    weights = {}
    for name, state in files.items():
        path = root / f"{name}-random.pth"
        torch.save(state, path)
        weights[name] = _unverified(name, path)
    return weights


def timing_metric_set(protocol: ProtocolSpec, device: str, root: Path) -> tuple[MetricSet, dict[str, str]]:
    """Every network metric on ``device``: the real I3D where the store has it, random weights otherwise.

    Returns the metric set and, per metric, where its weights came from.
    """
    random = write_random_weights(root)
    try:
        fvd, fvd_source = fvd_weights(allow_unverified=False), "real (weights store)"
    except WeightsError:
        fvd, fvd_source = random["i3d-pretrained-400"], "random, real architecture"
    clips = (protocol.clip_length, protocol.clip_stride)
    metrics = MetricSet(
        frame_models=[LPIPSMetric(random["vgg16-imagenet"], device)],
        extractors=[
            FVDExtractor(fvd, device, *clips),
            FIDExtractor(random["inception-fid"], device),
            FIDVIDExtractor(random["resnet3d50-kinetics"], device, *clips),
        ],
    )
    sources = {"lpips": "random, real architecture", "fid": "random, real architecture"}
    sources |= {"fid_vid": "random, real architecture", "fvd": fvd_source}
    return metrics, sources
