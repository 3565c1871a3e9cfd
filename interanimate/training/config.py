"""The training configuration: one YAML file holds every value of a run
(docs/interanimate.md#training-phases-and-configs).

Model switches (``model:``) are InterAnimate's config values, including the four ablation switches;
the rest are optimisation, data and conditioning values. ``interanimate/configs/`` has the paper's
setting (8 GPUs, 50K steps, lr 1e-5, batch 1 per GPU, 16 frames at 640x384) and the tiny CPU setting.
:class:`VaePhaseConfig` is the autoencoder phase's own view of the ``vae_*`` values, and
:func:`parse_overrides` reads the ``key=value`` overrides of the command line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"


class TrainConfig(BaseModel):
    """Everything ``interanimate train`` needs; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")

    # model
    preset: Literal["svd-xt-1.1", "tiny"] = "tiny"
    source: str | None = Field(None, description="SVD folder or hub id (svd-xt-1.1)")
    random_weights: bool = Field(False, description="build svd-xt-1.1 from its configs only (no weights)")
    model: dict[str, Any] = Field(default_factory=dict, description="InterAnimateModel config overrides")
    mimicmotion_checkpoint: str | None = Field(None, description="MimicMotion_1-1.pth: UNet + PoseNet init")
    trainable_unet: Literal["all", "attn", "temporal", "none"] = "all"
    # data
    data: str = Field(description="dataset root in the benchmark's layout")
    split: str | None = "train"
    clip_length: int = Field(16, ge=2)
    clips_per_video: int = Field(1, ge=1)
    num_workers: int = Field(0, ge=0)
    # optimisation
    steps: int = Field(50_000, ge=1)
    learning_rate: float = 1e-5
    adam_beta1: float = 0.9
    adam_beta2: float = 0.999
    weight_decay: float = 1e-2
    adam_epsilon: float = 1e-8
    warmup_steps: int = 500
    lr_decay_steps: int = Field(
        0,
        ge=0,
        description="the last this many of `steps` (at most all after the warm-up) follow a cosine "
        "down to `min_learning_rate`",
    )
    min_learning_rate: float = Field(0.0, ge=0)
    batch_size: int = Field(1, ge=1, description="per device")
    gradient_accumulation_steps: int = Field(1, ge=1)
    mixed_precision: Literal["no", "fp16", "bf16"] = "bf16"
    gradient_checkpointing: bool = True
    max_grad_norm: float | None = 1.0
    ema_decay: float | None = Field(
        None,
        gt=0,
        lt=1,
        description="keep an exponential moving average of the trained weights (decay warmed up as "
        "1 - (1 + step)^(-2/3), capped here) and export it instead of the last step's weights",
    )
    # loss
    alpha_hand: float = 2.0
    alpha_face: float = 2.0
    amplification: Literal["max", "additive"] = "max"
    p_mean: float = 0.7
    p_std: float = 1.6
    # conditioning: dropout bands and SVD's micro-conditioning (interanimate/conditioning.py)
    conditioning_dropout: float = Field(0.1, ge=0, le=1 / 3)
    noise_aug_strength: float = 0.02
    fps: int = 7
    motion_bucket_id: int = 127
    # tiny preset only: the VAE has no pretrained weights, so it is first trained as an autoencoder
    vae_steps: int = Field(0, ge=0)
    vae_learning_rate: float = 1e-3
    vae_min_learning_rate: float | None = Field(
        None, description="cosine decay of the VAE phase's rate down to this (default: constant)"
    )
    vae_batch_size: int = Field(1, ge=1)
    vae_clip_length: int | None = Field(
        None, ge=1, description="consecutive frames per clip in the VAE phase (default: the whole clip)"
    )
    vae_kl_weight: float = 1e-6
    vae_mixed_precision: Literal["no", "bf16"] = Field(
        "no", description="bf16 autocast in the VAE phase (faster on CPUs with bf16 instructions)"
    )
    vae_ssim_weight: float = Field(
        0.0, ge=0, description="add this times (1 - SSIM), the benchmark's SSIM recipe, to the VAE's loss"
    )
    vae_crop: int | None = Field(None, description="train the VAE on random square crops of this size")
    vae_deterministic: bool = Field(
        False,
        description="train the VAE as a plain autoencoder (decode the posterior mean) and encode training "
        "clips with the mean; a VAE trained from scratch learns far faster without the posterior noise",
    )
    # sampling values written into the checkpoint for the benchmark adapter (see interanimate/adapter.py)
    inference: dict[str, Any] = Field(default_factory=dict)
    # bookkeeping
    seed: int = 0
    output_dir: str = "interanimate-run"
    log_every: int = Field(10, ge=1)
    checkpoint_every: int = Field(1000, ge=1)
    keep_checkpoints: int = Field(2, ge=1)

    @field_validator("mixed_precision", "vae_mixed_precision", mode="before")
    @classmethod
    def _yaml_no(cls, value: Any) -> Any:
        return "no" if value is False else value  # YAML 1.1 reads an unquoted `no` as false

    @model_validator(mode="after")
    def _vae_clip_fits(self) -> TrainConfig:
        if self.vae_clip_length is not None and self.vae_clip_length >= self.clip_length:
            raise ValueError(
                f"vae_clip_length ({self.vae_clip_length}) must be below clip_length ({self.clip_length}): "
                "it takes consecutive frames after the clip's reference frame"
            )
        return self

    @model_validator(mode="after")
    def _rate_floor_below_rate(self) -> TrainConfig:
        if self.min_learning_rate > self.learning_rate:
            raise ValueError(
                f"min_learning_rate ({self.min_learning_rate}) is above learning_rate ({self.learning_rate})"
            )
        return self

    def vae_phase(self) -> VaePhaseConfig:
        """The autoencoder phase's values (``vae_*`` and the run's seed)."""
        return VaePhaseConfig(
            steps=self.vae_steps,
            batch_size=self.vae_batch_size,
            learning_rate=self.vae_learning_rate,
            min_learning_rate=self.vae_min_learning_rate,
            clip_length=self.vae_clip_length,
            kl_weight=self.vae_kl_weight,
            mixed_precision=self.vae_mixed_precision,
            ssim_weight=self.vae_ssim_weight,
            crop=self.vae_crop,
            deterministic=self.vae_deterministic,
            seed=self.seed,
        )


class VaePhaseConfig(BaseModel):
    """What ``training.vae.train_vae`` needs: the ``vae_*`` values of :class:`TrainConfig` without their
    prefix (see their descriptions there), the run's seed and how often the phase saves its state."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: int = Field(ge=0, description="train up to this many steps (a resumed phase runs the rest)")
    batch_size: int = Field(1, ge=1)
    learning_rate: float = 1e-3
    min_learning_rate: float | None = None
    clip_length: int | None = Field(None, ge=1)
    kl_weight: float = 1e-6
    mixed_precision: Literal["no", "bf16"] = "no"
    ssim_weight: float = Field(0.0, ge=0)
    crop: int | None = None
    deterministic: bool = False
    seed: int = 0
    save_every: int = Field(250, ge=1, description="save the resumable state every this many steps")


def parse_overrides(pairs: Sequence[str], option: str = "--set") -> dict[str, Any]:
    """``key=value`` pairs, values read as YAML scalars (``steps=100``, ``model.use_id=false``)."""
    from interhf_bench.runner.run import parse_method_args

    return {key: yaml.safe_load(value) for key, value in parse_method_args(list(pairs), option).items()}


def load_config(path: str | Path, overrides: dict[str, Any] | None = None) -> TrainConfig:
    """Read a YAML config; ``overrides`` (dotted keys allowed for ``model.*``) win over the file."""
    path = Path(path)
    if not path.is_file() and (CONFIG_DIR / path.name).is_file() and not path.parent.name:
        path = CONFIG_DIR / path.name  # a shipped config by name: "tiny.yaml"
    try:
        values = yaml.safe_load(path.read_text()) or {}
    except FileNotFoundError:
        shipped = ", ".join(sorted(p.name for p in CONFIG_DIR.glob("*.yaml")))
        raise FileNotFoundError(f"no training config at {path} (shipped configs: {shipped})") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(values, dict):
        raise ValueError(f"{path}: a training config is a mapping of keys to values")
    for key, value in (overrides or {}).items():
        if key.startswith("model."):
            values.setdefault("model", {})[key.removeprefix("model.")] = value
        else:
            values[key] = value
    try:
        return TrainConfig(**values)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"{path}: {problems}") from None
