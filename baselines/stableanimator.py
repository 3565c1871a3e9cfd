"""StableAnimator, run by its official ``inference_basic.py`` (Francis-Rings/StableAnimator @ 020e7f2).

Inputs as the official script reads them: ``poses/frame_{i}.png`` (one per target frame, sorted by ``i``;
no reference-pose frame is prepended, frame 0 is the first driving pose) and ``reference.png``. The poses
are drawn as StableAnimator's ``DWPose/skeleton_extraction.py`` leaves them on disk: its ``draw_pose`` is
MimicMotion's (which ends with a BGR-to-RGB conversion), but the script then writes the array with
``cv2.imwrite``, which takes it as BGR, so its PNGs have red and blue exchanged relative to MimicMotion's
in-memory images. Its PoseNet was trained and run on those files: :data:`STABLEANIMATOR_STYLE`.
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

COMMIT = "020e7f23a768410e0183ce943397d96a609f4ec1"
HF = "https://huggingface.co/FrancisRing/StableAnimator/resolve/main"
FIXED_SEED = 23123134  # inference_basic.py seeds everything with this constant
SVD_FOLDER = "checkpoints/stable-video-diffusion-img2vid-xt"  # `git clone <hub repo> checkpoints` gives it
STABLEANIMATOR_STYLE = PoseRenderStyle(swap_red_blue=False, subpixel=False)
"""The official extraction's PNGs: MimicMotion's drawing with red and blue as the canvas has them (the
final BGR-to-RGB conversion undone by ``cv2.imwrite``) and its integer coordinates."""


def hub_file(name: str, licence: str = "apache-2.0 (HF)", **published: Any) -> WeightSpec:
    """A file of HF ``FrancisRing/StableAnimator`` at the same path under the checkout's ``checkpoints/``."""
    return WeightSpec(
        f"checkpoints/{name}", f"HF FrancisRing/StableAnimator: {name} ({HF}/{name})", licence, **published
    )


def svd_file(name: str) -> WeightSpec:
    """A file of the SVD-xt folder that ``inference_basic.py`` opens (full precision, no variant)."""
    return hub_file(f"stable-video-diffusion-img2vid-xt/{name}", "stable-video-diffusion-community")


def antelope_file(name: str, **published: Any) -> WeightSpec:
    """insightface's antelopev2 pack, read by ``FaceModel`` from ``./models/antelopev2`` in the checkout."""
    source = f"HF FrancisRing/StableAnimator: models/antelopev2/{name} (see the README's path fix)"
    return WeightSpec(
        f"models/antelopev2/{name}", source, "insightface: non-commercial research", **published
    )


WEIGHTS = (
    hub_file("Animation/unet.pth", size=6_201_376_518,
             sha256="6c46bde145df2f9c52bd123aaf0e6f23ea88a786af4d37bdceac294bab5947fa"),
    hub_file("Animation/pose_net.pth", size=829_269,
             sha256="b56297b4a1cccf9fc2995a232ed06c4ad79a4e68ac00d716f6ba2bd8eb2401b2"),
    hub_file("Animation/face_encoder.pth", size=228_754_558,
             sha256="d6c1a3ac2ca22bbb1e6e23d63d6f9f03080d95fbe63fe014fb03244fcb5b003c"),
    # from_pretrained opens the full UNet before unet.pth replaces its weights
    svd_file("unet/config.json"),
    svd_file("unet/diffusion_pytorch_model.safetensors"),
    svd_file("vae/config.json"),
    svd_file("vae/diffusion_pytorch_model.safetensors"),
    svd_file("image_encoder/config.json"),
    svd_file("image_encoder/model.safetensors"),
    svd_file("scheduler/scheduler_config.json"),
    svd_file("feature_extractor/preprocessor_config.json"),
    # insightface's antelopev2 release files (sha256 only: no size was found published)
    antelope_file("1k3d68.onnx",
                  sha256="df5c06b8a0c12e422b2ed8947b8869faa4105387f199c477af038aa01f9a45cc"),
    antelope_file("2d106det.onnx",
                  sha256="f001b856447c413801ef5c42091ed0cd516fcd21f2d6b79635b1e733a7109dbf"),
    antelope_file("genderage.onnx",
                  sha256="4fde69b1c810857b88c64a335084f1c3fe8f01246c9a191b48c7bb756d6652fb"),
    antelope_file("glintr100.onnx",
                  sha256="4ab1d6435d639628a6f3e5008dd4f929edf4c4124b1a7169e1048f9fef534cdf"),
    antelope_file("scrfd_10g_bnkps.onnx",
                  sha256="5838f7fe053675b1c7a08b633df49e7af5495cee0493c7dcf6697200b85b5b91"),
)  # fmt: skip


class StableAnimatorSettings(ExternalSettings):
    base_model: str = Field(SVD_FOLDER, description="SVD-xt diffusers folder (checkout-relative)")
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
        driver_support=(DRIVER_HELPER, SMOKE_HELPER),
        python=stated_python("stableanimator"),
        imports=("torch", "xformers", "diffusers", "insightface", "facexlib", "animation.pipelines"),
        weights=WEIGHTS,
        resolution="576x960 (the native width at the protocol's aspect, no padding), resized back",
        pose_signal="DWPose keypoints from the dataset, drawn as StableAnimator's extraction writes its PNGs "
        "(MimicMotion's drawing, red and blue as on its disk)",
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
        size = (case.height, case.width)
        poses = render_pose_video(case.poses, *size, source_size=size, style=STABLEANIMATOR_STYLE)
        write_png_frames(poses, workdir / "poses", "frame_{}.png")
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
