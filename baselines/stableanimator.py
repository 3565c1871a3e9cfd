"""StableAnimator, run by its official ``inference_basic.py`` (Francis-Rings/StableAnimator @ 020e7f2).

Inputs as the official script reads them: ``poses/frame_{i}.png`` (one per target frame, sorted by ``i``;
no reference-pose frame is prepended, frame 0 is the first driving pose) drawn in MimicMotion's style,
which is StableAnimator's own renderer (its ``DWPose/skeleton_extraction.py``), and ``reference.png``.
The driver runs the official script with the arguments of its ``command_basic_infer.sh`` (guidance 3.0,
25 steps, tiles 16 / overlap 4, noise augmentation 0.02, decode chunks of 4); the script computes the
face embedding itself (insightface antelopev2, facexlib fallback, zeros without a face) and writes
``animated_images/frame_{i}.png``, which are read back.

Resolution: the released model is trained at 512x512 and 576x1024. It runs at 576x960, the native width
at the protocol's aspect ratio (384x640 x 1.5, both multiples of 64), so nothing is padded or cropped;
the script resizes the inputs to it, and the frames are resized back to the protocol's size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field

from baselines.packaged import DRIVER_HELPER, driver_file, requirements_file
from interhf_bench.adapters.api import AdapterMeta, Case
from interhf_bench.adapters.external import (
    ExternalAdapter,
    ExternalSettings,
    ExternalSpec,
    WeightSpec,
    output_frames,
    write_png_frames,
)
from interhf_bench.io.frames import resize_frames

COMMIT = "020e7f23a768410e0183ce943397d96a609f4ec1"
HF = "https://huggingface.co/FrancisRing/StableAnimator/resolve/main"
FIXED_SEED = 23123134  # inference_basic.py seeds everything with this constant


class StableAnimatorSettings(ExternalSettings):
    base_model: str = Field(
        "checkpoints/SVD/stable-video-diffusion-img2vid-xt",
        description="SVD-xt diffusers folder (checkout-relative)",
    )
    height: int = Field(960, ge=64, multiple_of=64)
    width: int = Field(576, ge=64, multiple_of=64)
    guidance_scale: float = Field(3.0, gt=1)
    num_inference_steps: int = Field(25, ge=1)
    tile_size: int = Field(16, ge=2)
    tile_overlap: int = Field(4, ge=0)
    noise_aug_strength: float = Field(0.02, ge=0)
    decode_chunk_size: int = Field(4, ge=1)


class StableAnimator(ExternalAdapter):
    meta = AdapterMeta(
        name="stableanimator",
        display_name="StableAnimator",
        description="official StableAnimator (SVD + PoseNet + face ID adapter) in its own environment",
        kind="external",
        paper_url="https://arxiv.org/abs/2411.17697",
        code_url="https://github.com/Francis-Rings/StableAnimator",
        code_commit=COMMIT,
        license="code MIT; weights apache-2.0 (HF) + SVD community licence + insightface non-commercial",
        native_height=1024,
        native_width=576,
        citation="Tu et al., StableAnimator: High-Quality Identity-Preserving Human Image Animation, "
        "CVPR 2025",
    )
    Settings = StableAnimatorSettings
    external = ExternalSpec(
        repo_url="https://github.com/Francis-Rings/StableAnimator",
        commit=COMMIT,
        requirements=requirements_file("stableanimator"),
        driver=driver_file("stableanimator"),
        driver_support=(DRIVER_HELPER,),
        imports=("torch", "xformers", "diffusers", "insightface", "facexlib", "animation.pipelines"),
        weights=(
            WeightSpec("checkpoints/Animation/unet.pth", f"{HF}/Animation/unet.pth", "apache-2.0 (HF)"),
            WeightSpec(
                "checkpoints/Animation/pose_net.pth", f"{HF}/Animation/pose_net.pth", "apache-2.0 (HF)"
            ),
            WeightSpec(
                "checkpoints/Animation/face_encoder.pth", f"{HF}/Animation/face_encoder.pth", "apache-2.0"
            ),
            WeightSpec(
                "checkpoints/SVD/stable-video-diffusion-img2vid-xt/unet/config.json",
                f"{HF}/SVD/stable-video-diffusion-img2vid-xt (only unet/config.json, vae, image_encoder, "
                "scheduler, feature_extractor; skip the 9.5 GB single files)",
                "stable-video-diffusion-community",
            ),
            WeightSpec(
                "models/antelopev2/glintr100.onnx",
                "insightface antelopev2 pack (models/antelopev2/, see the official README's path fix)",
                "insightface: non-commercial research",
                sha256="4ab1d6435d639628a6f3e5008dd4f929edf4c4124b1a7169e1048f9fef534cdf",
            ),
        ),
        resolution="576x960 (the native width at the protocol's aspect, no padding), resized back",
        pose_signal="DWPose keypoints from the dataset, drawn in MimicMotion's style (StableAnimator's own)",
        deviations=(
            f"the official script fixes its seed ({FIXED_SEED}); the case seed is not used",
            "576x960 instead of the trained 576x1024, to keep the protocol's aspect without padding",
            "facexlib downloads its retinaface and bisenet weights on first use (needs the internet once)",
            "the released weights are used as is; the paper retrained baselines on InterHF",
        ),
    )

    def prepare_inputs(self, case: Case, workdir: Path) -> dict[str, Any]:
        settings: StableAnimatorSettings = self.settings  # type: ignore[assignment]
        write_png_frames(case.reference[None], workdir, "reference.png")
        write_png_frames(case.pose_images(), workdir / "poses", "frame_{}.png")
        return {
            "reference": str(workdir / "reference.png"),
            "poses": str(workdir / "poses"),
            **settings.model_dump(include={
                "base_model", "height", "width", "guidance_scale", "num_inference_steps", "tile_size",
                "tile_overlap", "noise_aug_strength", "decode_chunk_size",
            }),
        }  # fmt: skip

    def collect(self, workdir: Path, case: Case) -> np.ndarray:
        frames = output_frames(workdir / "out" / "animated_images", "frame_*.png", case.num_frames)
        return resize_frames(frames, case.height, case.width)
