"""MagicAnimate, run by its official pipeline (magic-research/magic-animate @ d2bc3bc).

**Pose signal: DensePose, which this suite cannot produce.** MagicAnimate is driven by DensePose part
renderings (detectron2 DensePose R-50, rendered as in its demo videos; the repository ships no extractor,
see its issue #18, ``Flode-Labs/vid2densepose`` is the community tool). The adapter never substitutes
another signal: it needs ``--method-args densepose=DIR``, where ``DIR/<video_id>.mp4`` (or
``DIR/<video_id>/`` with one PNG per frame) holds the DensePose renderings of the test video's target
frames (the protocol's frame count and aspect ratio), made by the user from the ground-truth video.

The driver runs the official ``magicanimate.pipelines.animation.main`` on a one-case config
(``configs/prompts/animation.yaml``'s values: 25 DDIM steps, guidance 7.5, midup fusion, L 16, size
512, the ``size`` setting) with the case's seed, and replaces only its ``save_videos_grid`` so that the
result is written as PNG frames instead of a 25 fps lossy mp4. MagicAnimate runs on 512x512 squares (it
stretches any other input): the protocol's 384x640 frames are padded to 640x640 with black, resized to
512, and the result is resized back and un-padded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field

from baselines.hub import SD15, SD15_LICENCE, hub_weight, sd15_unet, sd_vae_mse
from baselines.packaged import DRIVER_HELPER, SMOKE_HELPER, driver_file, requirements_file, stated_python
from interhf_bench.adapters.api import AdapterMeta, Case
from interhf_bench.adapters.external import (
    ExternalAdapter,
    ExternalMethodError,
    ExternalSettings,
    ExternalSpec,
    WeightSpec,
    output_frames,
    pad_to_square,
    unpad_from_square,
    write_png_frames,
)
from interhf_bench.io.frames import read_frame_folder, resize_frames
from interhf_bench.io.video import read_video, write_video

COMMIT = "d2bc3bc3c9cc3dadeedef8a02668dd5582d10a01"
HF = "zcxu-eric/MagicAnimate"
SIZE = 512
MODELS = "pretrained_models"


def magicanimate_file(name: str, *alternatives: str) -> WeightSpec:
    """A file of HF ``zcxu-eric/MagicAnimate`` (its README's ``pretrained_models/MagicAnimate`` layout)."""
    return hub_weight(f"{MODELS}/MagicAnimate", HF, name, "bsd-3-clause", *alternatives)


def sd15_file(name: str, *alternatives: str) -> WeightSpec:
    """A file of Stable Diffusion 1.5 that ``animation.main`` opens from ``pretrained_model_path``."""
    return hub_weight(f"{MODELS}/stable-diffusion-v1-5", SD15, name, SD15_LICENCE, *alternatives)


SAFETENSORS, BIN = "diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.bin"
WEIGHTS = (
    magicanimate_file("temporal_attention/temporal_attention.ckpt"),
    magicanimate_file("appearance_encoder/config.json"),
    magicanimate_file(f"appearance_encoder/{SAFETENSORS}", f"appearance_encoder/{BIN}"),
    magicanimate_file("densepose_controlnet/config.json"),
    magicanimate_file(f"densepose_controlnet/{SAFETENSORS}", f"densepose_controlnet/{BIN}"),
    # UNet3DConditionModel.from_pretrained_2d torch.loads unet/diffusion_pytorch_model.bin, nothing else
    *sd15_unet(f"{MODELS}/stable-diffusion-v1-5", BIN),
    sd15_file("text_encoder/config.json"),
    sd15_file("text_encoder/pytorch_model.bin", "text_encoder/model.safetensors"),
    sd15_file("tokenizer/vocab.json"),
    sd15_file("tokenizer/merges.txt"),
    *sd_vae_mse(f"{MODELS}/sd-vae-ft-mse"),  # the README ships its .safetensors; .bin is accepted too
)


class MagicAnimateSettings(ExternalSettings):
    densepose: str | None = Field(
        None, description="folder of DensePose renderings: <video_id>.mp4 or <video_id>/*.png, target frames"
    )
    steps: int = Field(25, ge=1)
    guidance_scale: float = Field(7.5, ge=1)
    size: int = Field(
        SIZE, ge=64, multiple_of=8, description="the square side it runs at (its config's size)"
    )


class MagicAnimate(ExternalAdapter):
    meta = AdapterMeta(
        name="magicanimate",
        display_name="MagicAnimate",
        description="official MagicAnimate (SD1.5, appearance net, DensePose ControlNet); DensePose given",
        kind="external",
        paper_url="https://arxiv.org/abs/2311.16498",
        code_url="https://github.com/magic-research/magic-animate",
        code_commit=COMMIT,
        license="LICENSE BSD-3-Clause, but file headers reserve all rights to ByteDance; weights BSD-3",
        native_height=SIZE,
        native_width=SIZE,
        citation="Xu et al., MagicAnimate: Temporally Consistent Human Image Animation using Diffusion "
        "Model, CVPR 2024",
    )
    Settings = MagicAnimateSettings
    external = ExternalSpec(
        repo_url="https://github.com/magic-research/magic-animate",
        commit=COMMIT,
        requirements=requirements_file("magicanimate"),
        driver=driver_file("magicanimate"),
        driver_support=(DRIVER_HELPER, SMOKE_HELPER),
        python=stated_python("magicanimate"),
        imports=("torch", "xformers", "diffusers", "omegaconf", "magicanimate.pipelines.animation"),
        weights=WEIGHTS,
        resolution="512x512: the protocol's frames padded to a square with black, resized; undone afterwards",
        pose_signal="DensePose renderings supplied by the user (densepose=DIR); the suite cannot make them",
        deviations=(
            "DensePose comes from the user's own extraction; record how it was made beside the results",
            "result frames saved as PNGs from the pipeline output instead of the 25 fps mp4",
            "the released weights are used as is; the paper retrained baselines on InterHF",
        ),
    )

    def densepose_frames(self, case: Case) -> np.ndarray:
        """The user's DensePose renderings of the case's target frames, checked."""
        settings: MagicAnimateSettings = self.settings  # type: ignore[assignment]
        if settings.densepose is None:
            raise ExternalMethodError(
                "magicanimate is driven by DensePose renderings, which this suite cannot produce: pass "
                "--method-args densepose=DIR with DIR/<video_id>.mp4 or DIR/<video_id>/*.png "
                "(see docs/baselines.md)"
            )
        root = Path(settings.densepose)
        video, folder = root / f"{case.video_id}.mp4", root / case.video_id
        if video.is_file():
            frames = read_video(video)
        elif folder.is_dir():
            frames = read_frame_folder(folder, "*.png")
        else:
            raise ExternalMethodError(
                f"no DensePose renderings for {case.video_id}: neither {video} nor {folder}/"
            )
        if len(frames) != case.num_frames:
            where = video if video.is_file() else folder
            raise ExternalMethodError(
                f"{where}: {len(frames)} DensePose frames, the case has {case.num_frames}"
            )
        aspect = frames.shape[2] / frames.shape[1]
        if abs(aspect - case.width / case.height) > 0.02:
            raise ExternalMethodError(
                f"DensePose frames of {case.video_id} are {frames.shape[2]}x{frames.shape[1]}, not the "
                f"protocol's {case.width}x{case.height} aspect"
            )
        return resize_frames(frames, case.height, case.width)

    def prepare_inputs(self, case: Case, workdir: Path) -> dict[str, Any]:
        settings: MagicAnimateSettings = self.settings  # type: ignore[assignment]
        densepose, _ = pad_to_square(self.densepose_frames(case))
        reference, _ = pad_to_square(case.reference[None])
        side = settings.size
        write_png_frames(resize_frames(reference, side, side), workdir, "reference.png")
        write_video(workdir / "densepose.mp4", resize_frames(densepose, side, side), case.fps)
        return {
            "reference": str(workdir / "reference.png"),
            "densepose": str(workdir / "densepose.mp4"),
            "steps": settings.steps,
            "guidance_scale": settings.guidance_scale,
            "size": side,
        }

    def collect(self, workdir: Path, case: Case) -> np.ndarray:
        frames = output_frames(workdir / "out", "*.png", case.num_frames)
        return unpad_from_square(frames, case.height, case.width)
