"""The benchmark adapter ``interanimate``: a checkpoint directory run through :class:`InterAnimatePipeline`.

Without ``--method-args checkpoint=DIR`` it runs the tiny checkpoint shipped inside the package (trained on
the synthetic set by ``scripts/train_tiny_checkpoint.sh``), so ``interhf-bench run --method interanimate``
works on a fresh CPU machine. Sampling values left unset come from the checkpoint's ``interanimate.json``
(``inference``), else from ``SAMPLING_DEFAULTS`` (25 Euler steps, tiles of 16 with overlap 4, guidance 2.0).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from interhf_bench.adapters.api import Adapter, AdapterMeta, Case
from interhf_bench.io.files import sha256_file

SHIPPED_CHECKPOINT = Path(__file__).resolve().parent / "checkpoints" / "tiny-synthetic"
SAMPLING_DEFAULTS: dict[str, Any] = {
    "num_inference_steps": 25,
    "tile_size": 16,
    "tile_overlap": 4,
    "guidance_scale": 2.0,
    "noise_aug_strength": 0.02,
    "fps": 7,
    "motion_bucket_id": 127,
    "decode_chunk_size": 8,
}


class InterAnimateSettings(BaseModel):
    """``--method-args`` of ``interanimate``; unset sampling values come from the checkpoint."""

    model_config = ConfigDict(extra="forbid")

    checkpoint: str | None = Field(None, description="checkpoint directory (default: the shipped tiny one)")
    dtype: Literal["float32", "float16", "bfloat16"] = "float32"
    num_inference_steps: int | None = Field(None, ge=1)
    tile_size: int | None = Field(None, ge=2)
    tile_overlap: int | None = Field(None, ge=0)
    guidance_scale: float | None = Field(None, ge=0)
    noise_aug_strength: float | None = Field(None, ge=0)
    fps: int | None = Field(None, ge=1)
    motion_bucket_id: int | None = Field(None, ge=0)
    decode_chunk_size: int | None = Field(None, ge=1)


def checkpoint_digest(directory: Path) -> str:
    """sha256 of the model weights file, the checkpoint's identity in results (of the shards' digests
    when diffusers split the weights)."""
    weights = sorted((directory / "model").glob("*.safetensors"))
    if not weights:
        raise FileNotFoundError(f"{directory / 'model'}: no .safetensors weights")
    digests = [sha256_file(path) for path in weights]
    return digests[0] if len(digests) == 1 else hashlib.sha256("".join(digests).encode()).hexdigest()


class InterAnimate(Adapter):
    meta = AdapterMeta(
        name="interanimate",
        display_name="InterAnimate",
        description="SVD + PoseNet + region-aware interaction system + ID preserver (the paper's model)",
        kind="native",
        paper_url="https://arxiv.org/abs/2504.10905",
        license="Apache-2.0 (this implementation); SVD weights: stable-video-diffusion-1-1-nc-community",
        citation="Lin et al., InterAnimate: Taming Region-aware Diffusion Model for Realistic Human "
        "Interaction Animation, arXiv 2504.10905, 2025",
    )
    Settings = InterAnimateSettings

    @property
    def checkpoint_dir(self) -> Path:
        settings: InterAnimateSettings = self.settings  # type: ignore[assignment]
        return Path(settings.checkpoint) if settings.checkpoint else SHIPPED_CHECKPOINT

    def checkpoint_info(self) -> dict[str, Any]:
        from interanimate.pipeline import CHECKPOINT_INFO

        path = self.checkpoint_dir / CHECKPOINT_INFO
        if not path.is_file():
            raise FileNotFoundError(
                f"{self.checkpoint_dir} is not an InterAnimate checkpoint: no {CHECKPOINT_INFO}"
            )
        return json.loads(path.read_text())

    def sampling(self) -> dict[str, Any]:
        """Sampling values: --method-args, else the checkpoint's ``inference``, else ``SAMPLING_DEFAULTS``."""
        settings: InterAnimateSettings = self.settings  # type: ignore[assignment]
        chosen = {
            key: getattr(settings, key) for key in SAMPLING_DEFAULTS if getattr(settings, key) is not None
        }
        return {**SAMPLING_DEFAULTS, **self.checkpoint_info().get("inference", {}), **chosen}

    def run_details(self) -> dict[str, Any]:
        info = self.checkpoint_info()
        return {
            "checkpoint": str(self.checkpoint_dir),
            "model_sha256": checkpoint_digest(self.checkpoint_dir),
            "variant": info.get("variant", "full"),
            "model_config": info.get("model_config", {}),
            "sampling": self.sampling(),
        }

    def setup(self, device: str) -> None:
        import torch

        from interanimate.pipeline import InterAnimatePipeline

        super().setup(device)
        settings: InterAnimateSettings = self.settings  # type: ignore[assignment]
        dtype = getattr(torch, settings.dtype)
        self.pipeline = InterAnimatePipeline.from_checkpoint(self.checkpoint_dir, torch_dtype=dtype).to(
            device
        )
        self.resolved_sampling = self.sampling()

    def generate(self, case: Case) -> np.ndarray:
        from interanimate.identity import identity_for
        from interhf_bench.pose.masks import hand_face_masks
        from interhf_bench.pose.render import draw_pose

        if case.height % 8 or case.width % 8:
            raise ValueError(
                f"case {case.video_id}: InterAnimate needs sizes divisible by 8, "
                f"got {case.height}x{case.width}"
            )
        size = (case.height, case.width)
        reference_pose = draw_pose(case.reference_pose, case.height, case.width, source_size=size)
        pose_images = np.concatenate([reference_pose[None], case.pose_images()])
        hand, face = hand_face_masks(case.reference_pose, size, source_size=size)
        target_hand, target_face = case.masks()
        masks = np.concatenate([(hand | face)[None], target_hand | target_face])
        identity = identity_for(case.reference, case.reference_pose, case.identity)
        sampling = dict(self.resolved_sampling)
        guidance = sampling.pop("guidance_scale")
        return self.pipeline(
            case.reference,
            pose_images,
            masks,
            identity,
            seed=case.seed,
            min_guidance_scale=guidance,
            max_guidance_scale=guidance,
            **sampling,
        )
