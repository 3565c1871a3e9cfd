"""DisPose, run by its official code (lihxxx/DisPose @ c38ab13): MimicMotion plus a ControlNet fed with
dense motion (CMP flow from sparse keypoint trajectories) and DIFT reference features.

DisPose's ``inference_ctrl.preprocess`` reads a raw driving video and runs DWPose on it; it also derives
the keypoint trajectories and the CMP flow from those keypoints. The benchmark gives keypoints, so the
driver runs the official ``preprocess`` and ``run_pipeline`` unchanged and replaces only DWPose's network
(``DWposeDetector.pose_estimation``, the YOLOX + DW-LL pair) with the dataset's keypoints in that
network's output format (134 points: OpenPose-18 body with the neck, feet, 68 face points, two hands).
Everything downstream is official: the normalisation, the rescaling of the driving skeleton onto the
reference body, the pose rendering, DIFT, CMP, the trajectories and the sampler. The driving "video"
DisPose opens is a black placeholder with one frame per target frame (its pixels are never read: only
DWPose looked at them). Frame 0 (the reference pose) is dropped, as the official script does.

Resolution: ``resolution=384`` gives exactly the protocol's 384x640 (DisPose's portrait rule, as
MimicMotion's); the official 576 would run at 576x1024 and be resized back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field

from baselines.hub import SD15, SD15_LICENCE, SVD_XT_1_1, hub_weight
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
from interhf_bench.io.video import write_video

COMMIT = "c38ab1329c756ab18fd0cdf8a49b915986ae37e6"
MMPOSE_TO_OPENPOSE = (
    (17, 6, 8, 10, 7, 9, 12, 14, 16, 13, 15, 2, 1, 4, 3),
    (1, 2, 3, 4, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17),
)
"""DWPose's Wholebody: after inserting the neck at 17, body points move from these indices to those."""


def wholebody_output(keypoints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """COCO-WholeBody ``(..., 133, 3)`` to DWPose ``Wholebody``'s output: ``(..., 134, 2)`` points and scores.

    The neck (mean of the shoulders, score 1 when both shoulders score above 0.3, else 0) is inserted at
    17 and the body is reordered into OpenPose's order, as ``Wholebody.__call__`` does.
    """
    shoulders = keypoints[..., [5, 6], :]
    neck = shoulders.mean(-2)
    neck[..., 2] = np.logical_and(shoulders[..., 0, 2] > 0.3, shoulders[..., 1, 2] > 0.3)
    points = np.concatenate([keypoints[..., :17, :], neck[..., None, :], keypoints[..., 17:, :]], axis=-2)
    source, target = MMPOSE_TO_OPENPOSE
    points[..., list(target), :] = points[..., list(source), :]
    return points[..., :2].astype(np.float32), points[..., 2].astype(np.float32)


WEIGHTS_DIR = "pretrained_weights"
SVD_LICENCE = "stable-video-diffusion-1-1-nc-community (gated)"


def svd_file(name: str) -> WeightSpec:
    """A file of SVD-xt-1.1 that DisPose's ``MimicMotionModel`` opens (fp16 VAE and CLIP, UNet config)."""
    return hub_weight(f"{WEIGHTS_DIR}/stable-video-diffusion-img2vid-xt-1-1", SVD_XT_1_1, name, SVD_LICENCE)


def dift_file(name: str) -> WeightSpec:
    """A file of SD1.5 that DIFT's ``SDFeaturizer`` opens (``variant="fp16"``)."""
    return hub_weight(f"{WEIGHTS_DIR}/stable-diffusion-v1-5", SD15, name, SD15_LICENCE)


WEIGHTS = (
    WeightSpec(f"{WEIGHTS_DIR}/DisPose.pth", "HF lihxxx/DisPose: DisPose.pth", "none stated"),
    WeightSpec(
        f"{WEIGHTS_DIR}/MimicMotion_1-1.pth",
        "HF tencent/MimicMotion: MimicMotion_1-1.pth",
        "tencent/MimicMotion (HF 'other')",
        size=3_049_867_447,
        sha256="b812659ea273b2758c918facf759af5d7cad9564dc35156c59ec17e93f9749a4",
    ),
    svd_file("unet/config.json"),
    svd_file("vae/diffusion_pytorch_model.fp16.safetensors"),
    svd_file("image_encoder/model.fp16.safetensors"),
    svd_file("scheduler/scheduler_config.json"),
    svd_file("feature_extractor/preprocessor_config.json"),
    dift_file("unet/diffusion_pytorch_model.fp16.safetensors"),
    dift_file("vae/diffusion_pytorch_model.fp16.safetensors"),
    dift_file("text_encoder/model.fp16.safetensors"),
    dift_file("tokenizer/vocab.json"),
    dift_file("scheduler/scheduler_config.json"),
    WeightSpec(
        "mimicmotion/modules/cmp/experiments/semiauto_annot/resnet50_vip+mpii_liteflow/checkpoints/"
        "ckpt_iter_42000.pth.tar",
        "HF MyNiuuu/MOFA-Video-Hybrid: models/cmp/experiments/semiauto_annot/resnet50_vip+mpii_liteflow/"
        "checkpoints/ckpt_iter_42000.pth.tar",
        "MOFA-Video terms",
    ),
)


class DisPoseSettings(ExternalSettings):
    base_model: str = Field("./pretrained_weights/stable-video-diffusion-img2vid-xt-1-1")
    dift_model: str = Field("./pretrained_weights/stable-diffusion-v1-5")
    mimicmotion_checkpoint: str = Field("./pretrained_weights/MimicMotion_1-1.pth")
    dispose_checkpoint: str = Field("./pretrained_weights/DisPose.pth")
    resolution: int = Field(384, ge=64, description="short side; 384 is the protocol's 384x640")
    num_inference_steps: int = Field(25, ge=1)
    guidance_scale: float = Field(2.0, gt=1)
    tile_size: int = Field(16, ge=2)
    tile_overlap: int = Field(6, ge=0)
    noise_aug_strength: float = Field(0.0, ge=0)
    decode_chunk_size: int = Field(8, ge=1)
    float16: bool = True


class DisPose(ExternalAdapter):
    meta = AdapterMeta(
        name="dispose",
        display_name="DisPose",
        description="official DisPose (MimicMotion + motion-field ControlNet + DIFT) in its own environment",
        kind="external",
        paper_url="https://arxiv.org/abs/2412.09349",
        code_url="https://github.com/lihxxx/DisPose",
        code_commit=COMMIT,
        license="no licence file (all rights reserved; research use by courtesy) + MimicMotion and SVD terms",
        native_height=1024,
        native_width=576,
        citation="Li et al., DisPose: Disentangling Pose Guidance for Controllable Human Image Animation, "
        "ICLR 2025",
    )
    Settings = DisPoseSettings
    external = ExternalSpec(
        repo_url="https://github.com/lihxxx/DisPose",
        commit=COMMIT,
        requirements=requirements_file("dispose"),
        driver=driver_file("dispose"),
        driver_support=(DRIVER_HELPER, SMOKE_HELPER),
        python=stated_python("dispose"),
        imports=("torch", "diffusers", "decord", "omegaconf", "inference_ctrl"),
        weights=WEIGHTS,
        resolution="resolution=384: the protocol's 384x640 exactly (other sizes are resized back)",
        pose_signal="the dataset's keypoints in place of DWPose's network output; the rest of DisPose's "
        "preprocessing (rescaling onto the reference body, rendering, trajectories, CMP, DIFT) is official",
        deviations=(
            "DWPose's network is replaced by the dataset's keypoints (a black placeholder stands in for the "
            "driving video, whose pixels only DWPose read)",
            "resolution 384 instead of the example's 576, to run at the protocol's size",
            "the released weights are used as is; the paper retrained baselines on InterHF",
        ),
    )

    def prepare_inputs(self, case: Case, workdir: Path) -> dict[str, Any]:
        settings: DisPoseSettings = self.settings  # type: ignore[assignment]
        reference_points, reference_scores = wholebody_output(case.reference_pose[None])
        driving_points, driving_scores = wholebody_output(case.poses[:, None])
        np.savez(
            workdir / "keypoints.npz",
            reference_points=reference_points,
            reference_scores=reference_scores,
            driving_points=driving_points,
            driving_scores=driving_scores,
        )
        write_png_frames(case.reference[None], workdir, "reference.png")
        placeholder = np.zeros((case.num_frames, case.height, case.width, 3), np.uint8)
        write_video(workdir / "driving.mp4", placeholder, 15, encoding="compatible")
        return {
            "reference": str(workdir / "reference.png"),
            "driving": str(workdir / "driving.mp4"),
            "keypoints": str(workdir / "keypoints.npz"),
            "height": case.height,
            "width": case.width,
            **settings.model_dump(exclude=set(ExternalSettings.model_fields)),
        }

    def collect(self, workdir: Path, case: Case) -> np.ndarray:
        frames = output_frames(workdir / "out", "*.png", case.num_frames, " (reference pose dropped)")
        return resize_frames(frames, case.height, case.width)
