"""AnimateAnyone, as its most used open reproduction runs it (MooreThreads/Moore-AnimateAnyone @ a914ef3).

The driver builds the models exactly as the official ``scripts/pose2vid.py`` does (SD1.5 reference UNet,
denoising UNet with the AnimateDiff-v2 motion module from ``configs/inference/inference_v2.yaml``,
PoseGuider(320, (16, 32, 96, 256)), CLIP image encoder, DDIM with the inference config's scheduler
arguments, fp16), calls its ``Pose2VideoPipeline`` with the same positional arguments and a
``torch.manual_seed`` generator, and saves the result panel's frames as PNGs (the official script writes
a lossy three-panel grid mp4 instead; the driver keeps the official defaults: 30 steps, CFG 3.5).

Pose signal: Moore's own DWPose rendering (``src/dwpose``): body, hands and face without confidence
alpha, the OpenPose palette in RGB order, points under 0.3 hidden, drawn at a 512 px short side; here
from the dataset's keypoints with :data:`MOORE_STYLE`. The poses are passed as images, not through a
re-encoded ``_kps.mp4``.

Resolution: 480x800 (WxH), the protocol's aspect at about the pixel count of Moore's default 512x784;
the official pipeline resizes the reference and the poses to it (stretching, as pose2vid does), and the
frames are resized back to the protocol's size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field

from baselines.hub import IMAGE_VARIATIONS, hub_weight, sd15_unet, sd_vae_mse
from baselines.packaged import DRIVER_HELPER, SMOKE_HELPER, driver_file, requirements_file, stated_python
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
from interhf_bench.pose.render import PoseRenderStyle, render_pose_video

COMMIT = "a914ef38aae3733c2f02f29853dd0593372e0cc9"
HF = "https://huggingface.co/patrolli/AnimateAnyone/resolve/main"
WEIGHTS = "pretrained_weights"
MOORE_STYLE = PoseRenderStyle(
    confidence_alpha=False,
    swap_red_blue=False,
    size_reference=512,
    hand_score_threshold=0.3,
    face_score_threshold=0.3,
)
"""Moore-AnimateAnyone's ``src/dwpose`` rendering: full colours, RGB palette, 512 px short side."""


PATROLLI_FILES = ("denoising_unet.pth", "reference_unet.pth", "motion_module.pth", "pose_guider.pth")
PATROLLI_SHA256 = {  # the hub's LFS object ids; no published size was found, nor any hash of pose_guider.pth
    "denoising_unet.pth": "b9e5a2c34fac369e8a922972ca2210916c6af175a0dad907deccf6235816ad52",
    "reference_unet.pth": "beddccb08d49a8b29b0f4d6d456c6521d4382a8d8d48884fa60ba8802509c214",
    "motion_module.pth": "0d11e01a281b39880da2efeea892215c1313e5713fca3d100a7fbb72ee312ef9",
}


def patrolli_file(name: str) -> WeightSpec:
    """A file of HF ``patrolli/AnimateAnyone`` in ``pretrained_weights/``, as download_weights.py puts it."""
    return WeightSpec(f"{WEIGHTS}/{name}", f"{HF}/{name}", "apache-2.0", sha256=PATROLLI_SHA256.get(name))


class AnimateAnyoneSettings(ExternalSettings):
    width: int = Field(480, ge=64, multiple_of=8)
    height: int = Field(800, ge=64, multiple_of=8)
    steps: int = Field(30, ge=1)
    cfg: float = Field(3.5, ge=1)


class AnimateAnyone(ExternalAdapter):
    meta = AdapterMeta(
        name="animateanyone",
        display_name="AnimateAnyone (Moore)",
        description="Moore-AnimateAnyone, the open AnimateAnyone reproduction (SD1.5, ReferenceNet, motion)",
        kind="external",
        paper_url="https://arxiv.org/abs/2311.17117",
        code_url="https://github.com/MooreThreads/Moore-AnimateAnyone",
        code_commit=COMMIT,
        license="code Apache-2.0; weights apache-2.0 (patrolli/AnimateAnyone); SD1.5 CreativeML OpenRAIL-M",
        native_height=784,
        native_width=512,
        citation="Hu et al., Animate Anyone: Consistent and Controllable Image-to-Video Synthesis for "
        "Character Animation, CVPR 2024 (run with the Moore-AnimateAnyone reproduction)",
    )
    Settings = AnimateAnyoneSettings
    external = ExternalSpec(
        repo_url="https://github.com/MooreThreads/Moore-AnimateAnyone",
        commit=COMMIT,
        requirements=requirements_file("animateanyone"),
        driver=driver_file("animateanyone"),
        driver_support=(DRIVER_HELPER, SMOKE_HELPER),
        python=stated_python("animateanyone"),
        imports=("torch", "diffusers", "omegaconf", "src.pipelines.pipeline_pose2vid_long"),
        weights=(
            *(patrolli_file(name) for name in PATROLLI_FILES),
            # from_pretrained_2d reads safetensors, else bin; tools/download_weights.py fetches the bin from
            # runwayml/stable-diffusion-v1-5, which is gone from the hub: the same file is in SD15
            *sd15_unet(
                f"{WEIGHTS}/stable-diffusion-v1-5",
                "diffusion_pytorch_model.bin",
                "diffusion_pytorch_model.safetensors",
            ),
            *sd_vae_mse(f"{WEIGHTS}/sd-vae-ft-mse"),
            hub_weight(WEIGHTS, IMAGE_VARIATIONS, "image_encoder/config.json", "CreativeML OpenRAIL-M"),
            hub_weight(
                WEIGHTS,
                IMAGE_VARIATIONS,
                "image_encoder/pytorch_model.bin",
                "CreativeML OpenRAIL-M",
                "image_encoder/model.safetensors",
            ),
        ),
        resolution="480x800 (the protocol's aspect near Moore's default 512x784), resized back",
        pose_signal="DWPose keypoints from the dataset, drawn in Moore's style (no confidence alpha)",
        deviations=(
            "result frames saved as PNGs from the pipeline output, not cropped from the lossy grid mp4",
            "480x800 instead of the default 512x784, to keep the protocol's aspect",
            "the released weights are used as is; the paper retrained baselines on InterHF",
        ),
    )

    def prepare_inputs(self, case: Case, workdir: Path) -> dict[str, Any]:
        settings: AnimateAnyoneSettings = self.settings  # type: ignore[assignment]
        size = (case.height, case.width)
        poses = render_pose_video(case.poses, case.height, case.width, source_size=size, style=MOORE_STYLE)
        write_png_frames(case.reference[None], workdir, "reference.png")
        write_png_frames(poses, workdir / "poses")
        return {
            "reference": str(workdir / "reference.png"),
            "poses": str(workdir / "poses"),
            **settings.model_dump(include={"width", "height", "steps", "cfg"}),
        }

    def collect(self, workdir: Path, case: Case) -> np.ndarray:
        frames = output_frames(workdir / "out", "*.png", case.num_frames)
        return resize_frames(frames, case.height, case.width)
