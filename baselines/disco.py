"""DisCo, run by its official demo path (Wangt-CN/DisCo @ c4fa48a): the model and trainer of
``human_img_edit_gradio.ipynb`` (config ``app_demo_image_edit.py``, the fine-tuning checkpoint's
arguments from ``config/bash_command/tiktok_cfg.sh``), one ``Agent_LDM.eval_demo_run_masked`` call per
target frame (DisCo is an image model: frames are generated independently).

Inputs, as DisCo's demo takes them: the reference foreground (the reference with everything outside the
person black), the reference background (the person black) and a body-only OpenPose skeleton drawn by
DisCo's own ``coco2openpose`` from the frame's 17 COCO body points (DisCo sees no hands and no face).

**Person mask.** DisCo's foreground/background split comes from Grounded-SAM, which this suite does not
run. Give either ``reference_masks=DIR`` (``DIR/<video_id>.png``: the reference frame's person mask,
non-zero = person, at the protocol's size, e.g. from Grounded-SAM as DisCo's ``annotator/grounded-sam``
makes them), or ``mask_source=mediapipe-selfie`` to use MediaPipe's bundled selfie segmentation (person
probability > 0.5) instead, a different segmenter recorded in ``run_meta.json``. Without either the
adapter stops; it never invents a mask.

Resolution: DisCo runs at 256x256 and centre-crops non-square inputs to a square, so the protocol's frame
is padded to a square with black (which DisCo's masks treat as the region to generate), and the 256x256
results are resized back and un-padded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field

from baselines.hub import IMAGE_VARIATIONS, hub_weight
from baselines.packaged import (
    DRIVER_HELPER,
    SMOKE_HELPER,
    driver_file,
    requirements_after,
    requirements_file,
    stated_python,
)
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
from interhf_bench.io.frames import read_frames

COMMIT = "c4fa48a530729b3aec0bb46919f9006dbc2c9a30"
SIZE = 256
ONEDRIVE = "the DisCo README's OneDrive links (fine-tuned TikTok checkpoints, with CFG)"


def variations(name: str, *alternatives: str) -> tuple[WeightSpec]:
    """A file of ``lambdalabs/sd-image-variations-diffusers`` under DisCo's default ``root_dir``."""
    folder = "diffusers/sd-image-variations-diffusers"
    return (hub_weight(folder, IMAGE_VARIATIONS, name, "CreativeML OpenRAIL-M", *alternatives),)


class DisCoSettings(ExternalSettings):
    root_dir: str = Field(".", description="DisCo's root_dir: holds diffusers/sd-image-variations-diffusers")
    checkpoint: str = Field(
        "checkpoints/tiktok_cfg/mp_rank_00_model_states.pt", description="fine-tuned weights"
    )
    guidance_scale: float = Field(1.5, ge=1, description="1.5 for the CFG checkpoints (tiktok_cfg.sh)")
    num_inference_steps: int = Field(50, ge=1, description="DDIM steps (DisCo's default)")
    reference_masks: str | None = Field(
        None, description="folder of <video_id>.png person masks (Grounded-SAM)"
    )
    mask_source: Literal["user", "mediapipe-selfie"] = "user"


def coco_body_points(keypoints: np.ndarray, threshold: float = 0.3) -> list[list[float]]:
    """The 17 COCO body points as DisCo's ``coco2openpose`` takes them: ``[x, y]``, ``[-1, -1]`` if absent."""
    return [[float(x), float(y)] if score > threshold else [-1.0, -1.0] for x, y, score in keypoints[:17]]


def selfie_person_mask(frame: np.ndarray) -> np.ndarray:
    """MediaPipe's bundled selfie segmentation (person probability > 0.5), the opt-in stand-in."""
    from interhf_bench.pose.backends.mediapipe_wholebody import _import_mediapipe

    solutions = _import_mediapipe().solutions
    with solutions.selfie_segmentation.SelfieSegmentation(model_selection=0) as segmenter:
        result = segmenter.process(np.ascontiguousarray(frame))
    return np.asarray(result.segmentation_mask) > 0.5


class DisCo(ExternalAdapter):
    meta = AdapterMeta(
        name="disco",
        display_name="DisCo",
        description="official DisCo (SD image variations, pose and background ControlNets), per frame, 256",
        kind="external",
        paper_url="https://arxiv.org/abs/2307.00040",
        code_url="https://github.com/Wangt-CN/DisCo",
        code_commit=COMMIT,
        license="code Apache-2.0; checkpoints: no stated licence (OneDrive)",
        native_height=SIZE,
        native_width=SIZE,
        citation="Wang et al., DisCo: Disentangled Control for Realistic Human Dance Generation, CVPR 2024",
    )
    Settings = DisCoSettings
    external = ExternalSpec(
        repo_url="https://github.com/Wangt-CN/DisCo",
        commit=COMMIT,
        requirements=requirements_file("disco"),
        driver=driver_file("disco"),
        driver_support=(DRIVER_HELPER, SMOKE_HELPER),
        python=stated_python("disco"),
        requirements_after=requirements_after("disco"),
        imports=("torch", "diffusers", "easydict", "agent", "utils.args"),
        weights=(
            WeightSpec("checkpoints/tiktok_cfg/mp_rank_00_model_states.pt", ONEDRIVE, "not stated"),
            # net.py opens the scheduler, feature extractor, image encoder, VAE and UNet of
            # ROOT_DIR/diffusers/sd-image-variations-diffusers (safetensors, else bin)
            *variations("scheduler/scheduler_config.json"),
            *variations("feature_extractor/preprocessor_config.json"),
            *variations("image_encoder/config.json"),
            *variations("image_encoder/pytorch_model.bin", "image_encoder/model.safetensors"),
            *variations("vae/config.json"),
            *variations("vae/diffusion_pytorch_model.bin", "vae/diffusion_pytorch_model.safetensors"),
            *variations("unet/config.json"),
            *variations("unet/diffusion_pytorch_model.bin", "unet/diffusion_pytorch_model.safetensors"),
        ),
        resolution="256x256: the protocol's frames padded to a square with black, resized; undone afterwards",
        pose_signal="body-only OpenPose skeleton from the dataset's 17 COCO body points (DisCo's own "
        "coco2openpose); no hands or face, by DisCo's design",
        deviations=(
            "the person mask is user-supplied (Grounded-SAM) or MediaPipe selfie segmentation when asked for",
            "frames are generated independently (DisCo's image model), each from the case seed's noise",
            "the released fine-tuned checkpoint is used as is; the paper retrained baselines on InterHF",
        ),
    )

    def person_mask(self, case: Case) -> np.ndarray:
        settings: DisCoSettings = self.settings  # type: ignore[assignment]
        if settings.mask_source == "mediapipe-selfie":
            return selfie_person_mask(case.reference)
        if settings.reference_masks is None:
            raise ExternalMethodError(
                "disco needs the reference frame's person mask (DisCo uses Grounded-SAM, which this suite "
                "does not run): pass --method-args reference_masks=DIR (DIR/<video_id>.png) or "
                "mask_source=mediapipe-selfie (see docs/baselines.md)"
            )
        path = Path(settings.reference_masks) / f"{case.video_id}.png"
        if not path.is_file():
            raise ExternalMethodError(f"no person mask for {case.video_id}: {path} not found")
        mask = read_frames([path])[0].max(-1) > 0
        if mask.shape != (case.height, case.width):
            raise ExternalMethodError(
                f"{path}: mask is {mask.shape[1]}x{mask.shape[0]}, the case is {case.width}x{case.height}"
            )
        return mask

    def prepare_inputs(self, case: Case, workdir: Path) -> dict[str, Any]:
        import json

        settings: DisCoSettings = self.settings  # type: ignore[assignment]
        mask = self.person_mask(case)[..., None]
        foreground, (top, left) = pad_to_square((case.reference * mask)[None])
        background, _ = pad_to_square((case.reference * ~mask)[None])
        write_png_frames(foreground, workdir, "foreground.png")
        write_png_frames(background, workdir, "background.png")
        poses = [coco_body_points(pose + np.array([left, top, 0])) for pose in case.poses]
        (workdir / "poses.json").write_text(json.dumps(poses))
        return {
            "foreground": str(workdir / "foreground.png"),
            "background": str(workdir / "background.png"),
            "poses": str(workdir / "poses.json"),
            "root_dir": settings.root_dir,
            "checkpoint": settings.checkpoint,
            "guidance_scale": settings.guidance_scale,
            "num_inference_steps": settings.num_inference_steps,
        }

    def collect(self, workdir: Path, case: Case) -> np.ndarray:
        frames = output_frames(workdir / "out", "*.png", case.num_frames)
        return unpad_from_square(frames, case.height, case.width)
