"""MimicMotion, run by its official code (external) and natively in-process (``mimicmotion-native``).

Official: Tencent/MimicMotion @ 62f91e1, ``inference.py``. The driver skips its ``preprocess`` (decord
reading of a raw driving video, DWPose re-detection, rescaling the driving skeleton onto the reference
body) because the benchmark supplies the keypoints: it reads the reference frame and the pose renderings
this adapter draws in MimicMotion's style (``interhf_bench.pose.render``: DWPose body, hands and face
with confidence-scaled colour), builds the pipeline with the official ``create_pipeline`` and calls it as
``inference.run_pipeline`` does (fps 7, decode chunks of 8, guidance min = max), dropping frame 0 (the
reference pose) as the official script does. The protocol's 384x640 is exactly MimicMotion's portrait
size at ``resolution=384``; other sizes run as given (multiples of 8 required).

Native: :class:`interanimate.model.InterAnimateModel` with RIS and the ID preserver switched off is
MimicMotion's network (stock SVD UNet plus PoseNet after ``conv_in``), and the InterAnimate pipeline is
MimicMotion's sampler (anchored windows, triangular fusion, pose-free unconditional branch, periodic
noise); the official ``MimicMotion_1-1.pth`` loads by its parameter names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from baselines.hub import SVD_XT_1_1, published
from baselines.packaged import DRIVER_HELPER, SMOKE_HELPER, driver_file, requirements_file, stated_python
from interhf_bench.adapters.api import Adapter, AdapterMeta, Case
from interhf_bench.adapters.external import (
    ExternalAdapter,
    ExternalMethodError,
    ExternalSettings,
    ExternalSpec,
    WeightSpec,
    output_frames,
    write_png_frames,
)

COMMIT = "62f91e1f4ab750e1ab0d96c08f2d199b6e84e8b1"
SVD_FOLDER = "models/stable-video-diffusion-img2vid-xt-1-1"  # checkout-relative, as setup checks it
SVD_LICENCE = "stable-video-diffusion-1-1-nc-community (gated: accept it on the hub first)"
CITATION = (
    "Zhang et al., MimicMotion: High-Quality Human Motion Video Generation with Confidence-aware Pose "
    "Guidance, ICML 2025 (arXiv 2406.19680)"
)


def svd_file(name: str) -> WeightSpec:
    """A file of SVD-xt-1.1 that ``mimicmotion.utils.loader`` opens from ``base_model_path``."""
    size, sha256 = published(SVD_XT_1_1, name)
    return WeightSpec(
        f"{SVD_FOLDER}/{name}", f"HF {SVD_XT_1_1}: {name}", SVD_LICENCE, size=size, sha256=sha256
    )


WEIGHTS = (
    WeightSpec(
        "models/MimicMotion_1-1.pth",
        "https://huggingface.co/tencent/MimicMotion/resolve/main/MimicMotion_1-1.pth",
        "tencent/MimicMotion model licence (HF 'other'); SVD-1.1 community licence",
        size=3_049_867_447,
        sha256="b812659ea273b2758c918facf759af5d7cad9564dc35156c59ec17e93f9749a4",
    ),
    # MimicMotionModel: the UNet from its config only (its weights are in MimicMotion_1-1.pth), the VAE and
    # the CLIP image encoder always as the fp16 variant, the scheduler and the feature extractor's configs
    svd_file("unet/config.json"),
    svd_file("vae/config.json"),
    svd_file("vae/diffusion_pytorch_model.fp16.safetensors"),
    svd_file("image_encoder/config.json"),
    svd_file("image_encoder/model.fp16.safetensors"),
    svd_file("scheduler/scheduler_config.json"),
    svd_file("feature_extractor/preprocessor_config.json"),
)
SAMPLING = {  # configs/test.yaml, except the tile: 16 frames with overlap 4 (the pipeline's defaults)
    "num_inference_steps": 25,
    "guidance_scale": 2.0,
    "noise_aug_strength": 0.0,
    "tile_size": 16,
    "tile_overlap": 4,
    "fps": 7,
    "decode_chunk_size": 8,
}


class MimicMotionSettings(ExternalSettings):
    base_model: str = Field(SVD_FOLDER, description="SVD img2vid-xt-1.1 diffusers folder (checkout-relative)")
    checkpoint: str = Field("models/MimicMotion_1-1.pth", description="relative to the checkout")
    num_inference_steps: int = Field(SAMPLING["num_inference_steps"], ge=1)
    guidance_scale: float = Field(SAMPLING["guidance_scale"], gt=1, description="<= 1 drops the pose branch")
    tile_size: int = Field(SAMPLING["tile_size"], ge=2)
    tile_overlap: int = Field(SAMPLING["tile_overlap"], ge=0)


def pose_sequence(case: Case) -> np.ndarray:
    """The reference pose then the driving poses, drawn in MimicMotion's style at the case's size."""
    from interhf_bench.pose.render import draw_pose

    size = (case.height, case.width)
    reference = draw_pose(case.reference_pose, case.height, case.width, source_size=size)
    return np.concatenate([reference[None], case.pose_images()])


def check_size(case: Case) -> None:
    if case.height % 8 or case.width % 8:
        raise ValueError(
            f"case {case.video_id}: MimicMotion needs sizes divisible by 8, got {case.height}x{case.width}"
        )


class MimicMotion(ExternalAdapter):
    meta = AdapterMeta(
        name="mimicmotion",
        display_name="MimicMotion",
        description="official MimicMotion code in its own environment (SVD + PoseNet, confidence-aware pose)",
        kind="external",
        paper_url="https://arxiv.org/abs/2406.19680",
        code_url="https://github.com/Tencent/MimicMotion",
        code_commit=COMMIT,
        license="code Apache-2.0; weights: tencent/MimicMotion (HF 'other') + SVD-1.1 community licence",
        native_height=640,
        native_width=384,
        citation=CITATION,
    )
    Settings = MimicMotionSettings
    external = ExternalSpec(
        repo_url="https://github.com/Tencent/MimicMotion",
        commit=COMMIT,
        requirements=requirements_file("mimicmotion"),
        driver=driver_file("mimicmotion"),
        driver_support=(DRIVER_HELPER, SMOKE_HELPER),
        python=stated_python("mimicmotion"),
        imports=("torch", "diffusers", "omegaconf", "mimicmotion.utils.loader"),
        weights=WEIGHTS,
        resolution="the protocol's size, not resized (384x640 is MimicMotion's portrait size at 384)",
        pose_signal="DWPose 133 keypoints from the dataset, drawn in MimicMotion's style (confidence alpha)",
        deviations=(
            "the driving skeleton is not rescaled onto the reference body (same-person test: near identity)",
            "tiles of 16 frames with overlap 4 (the pipeline default) instead of the example's 72/6",
            "always float16, as inference.py by default: its --no_use_float16 path feeds the fp16 VAE and "
            "CLIP encoder that the loader always loads into a float32 UNet",
            "the released weights are used as is; the paper retrained baselines on InterHF",
        ),
    )

    def prepare_inputs(self, case: Case, workdir: Path) -> dict[str, Any]:
        check_size(case)
        settings: MimicMotionSettings = self.settings  # type: ignore[assignment]
        write_png_frames(case.reference[None], workdir, "reference.png")
        write_png_frames(pose_sequence(case), workdir / "poses")
        return {
            "reference": str(workdir / "reference.png"),
            "poses": str(workdir / "poses"),
            "base_model": settings.base_model,
            "checkpoint": settings.checkpoint,
            "num_inference_steps": settings.num_inference_steps,
            "guidance_scale": settings.guidance_scale,
            "tile_size": settings.tile_size,
            "tile_overlap": settings.tile_overlap,
            "noise_aug_strength": SAMPLING["noise_aug_strength"],
            "fps": SAMPLING["fps"],
            "decode_chunk_size": SAMPLING["decode_chunk_size"],
        }

    def collect(self, workdir: Path, case: Case) -> np.ndarray:
        frames = output_frames(workdir / "out", "*.png", case.num_frames, " (reference pose dropped)")
        if frames.shape[1:3] != (case.height, case.width):
            raise ExternalMethodError(
                f"{workdir / 'out'}: frames are {frames.shape[1:3]}, expected {case.height}x{case.width}"
            )
        return frames


class NativeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    preset: Literal["svd-xt-1.1", "tiny"] = "svd-xt-1.1"
    base_model: str = Field(
        SVD_XT_1_1, description="SVD img2vid-xt-1.1 folder or hub id (configs only with random_weights)"
    )
    checkpoint: str | None = Field(None, description="MimicMotion_1-1.pth; required unless random_weights")
    random_weights: bool = Field(
        False, description="random networks from the configs (speed and memory checks)"
    )
    dtype: Literal["float32", "float16", "bfloat16"] = "float32"
    num_inference_steps: int = Field(SAMPLING["num_inference_steps"], ge=1)
    guidance_scale: float = Field(SAMPLING["guidance_scale"], gt=1)
    tile_size: int = Field(SAMPLING["tile_size"], ge=2)
    tile_overlap: int = Field(SAMPLING["tile_overlap"], ge=0)
    seed: int = 0


class MimicMotionNative(Adapter):
    meta = AdapterMeta(
        name="mimicmotion-native",
        display_name="MimicMotion (native)",
        description="MimicMotion in-process: InterAnimate's network without RIS and ID, official weights",
        kind="native",
        paper_url="https://arxiv.org/abs/2406.19680",
        code_url="https://github.com/Tencent/MimicMotion",
        code_commit=COMMIT,
        license="this port Apache-2.0; weights: tencent/MimicMotion (HF 'other') + SVD-1.1 community licence",
        citation=CITATION,
    )
    Settings = NativeSettings

    def run_details(self) -> dict[str, Any]:
        settings: NativeSettings = self.settings  # type: ignore[assignment]
        return {"network": "InterAnimateModel(use_ris=False, use_id=False)", **settings.model_dump()}

    def setup(self, device: str) -> None:
        import torch

        from interanimate.pipeline import InterAnimatePipeline
        from interanimate.presets import build_components

        super().setup(device)
        settings: NativeSettings = self.settings  # type: ignore[assignment]
        if settings.checkpoint is None and not settings.random_weights:
            raise ValueError(
                "mimicmotion-native needs --method-args checkpoint=PATH/MimicMotion_1-1.pth "
                "(https://huggingface.co/tencent/MimicMotion), or random_weights=true for speed checks"
            )
        components = build_components(
            settings.preset,
            source=settings.base_model,
            random_weights=settings.random_weights or settings.preset == "tiny",
            seed=settings.seed,
            use_ris=False,
            use_id=False,
            use_soft_quant=False,
            lambda_ortho=0.0,
        )
        if settings.checkpoint is not None:
            state = torch.load(settings.checkpoint, map_location="cpu", weights_only=True)
            components.model.load_mimicmotion_state(state)
        pipeline = InterAnimatePipeline(
            components.model, components.vae, components.image_encoder, components.scheduler
        )
        self.pipeline = pipeline.to(device, getattr(torch, settings.dtype))

    def generate(self, case: Case) -> np.ndarray:
        check_size(case)
        settings: NativeSettings = self.settings  # type: ignore[assignment]
        poses = pose_sequence(case)
        no_regions = np.zeros((len(poses), case.height, case.width), bool)  # RIS is off: masks unused
        return self.pipeline(
            case.reference,
            poses,
            no_regions,
            None,
            seed=case.seed,
            num_inference_steps=settings.num_inference_steps,
            tile_size=settings.tile_size,
            tile_overlap=settings.tile_overlap,
            min_guidance_scale=settings.guidance_scale,
            max_guidance_scale=settings.guidance_scale,
            noise_aug_strength=SAMPLING["noise_aug_strength"],
            fps=SAMPLING["fps"],
            decode_chunk_size=SAMPLING["decode_chunk_size"],
        )
