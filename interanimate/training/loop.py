"""``interanimate train``: the accelerate training loop (docs/interanimate.md#training-phases-and-configs).

Multi-GPU data parallel and mixed precision come from accelerate (``accelerate launch``); gradient
checkpointing from diffusers; gradient accumulation, checkpoints every ``checkpoint_every`` steps and
resume from the latest one (model, optimiser, scheduler, moving average, random states and step) through
``training/checkpoint.py``, which reads no pickle beyond tensors. Every random draw of a step (sigma,
noise, dropout, VAE sampling) comes from a generator seeded by (seed, step, process) and clips from
(seed, epoch, index), so variants trained from one config see the same data in the same order, and a
resumed run continues exactly.
"""

from __future__ import annotations

import functools
import json
import logging
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import torch
from accelerate import Accelerator
from accelerate.utils import DataLoaderConfiguration, set_seed
from diffusers.training_utils import EMAModel
from torch.utils.data import DataLoader
from tqdm.auto import tqdm

from interanimate.ablations import variant_of
from interanimate.conditioning import added_time_ids, clip_embedding, conditioning_keep, reference_latents
from interanimate.losses import EdmCoefficients, amplification_weights, diffusion_loss, total_loss
from interanimate.model import InterAnimateModel
from interanimate.pipeline import InterAnimatePipeline
from interanimate.presets import Components, build_components
from interanimate.training.checkpoint import (
    STATE,
    Resumable,
    load_training_state,
    read_tensor_file,
    save_training_state,
)
from interanimate.training.config import TrainConfig
from interanimate.training.data import InteractionClips
from interanimate.training.log import drop_records_after
from interanimate.training.schedule import diffusion_rate_factor
from interanimate.training.vae import calibrate_scaling_factor, train_vae

logger = logging.getLogger(__name__)
CHECKPOINTS = "checkpoints"
FINAL = "final"
LOG = "train_log.jsonl"


def step_generator(seed: int, step: int, process: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed * 1_000_003 + step * 101 + process)


def set_trainable(model: InterAnimateModel, trainable_unet: str) -> list[torch.nn.Parameter]:
    """New parts and PoseNet always train; the UNet's own weights per ``trainable_unet``."""
    chosen = []
    for name, parameter in model.named_parameters():
        stock_unet = name.startswith("unet.") and ".processor." not in name
        if not stock_unet or trainable_unet == "all":
            train = True
        elif trainable_unet == "attn":
            train = "attentions" in name
        elif trainable_unet == "temporal":
            train = "temporal_transformer_block" in name
        else:
            train = False
        parameter.requires_grad_(train)
        if train:
            chosen.append(parameter)
    return chosen


def _set_epoch(loader: DataLoader, dataset: InteractionClips, epoch: int) -> None:
    """Shuffle order and clip draws of ``epoch`` depend on (seed, epoch) only: resumable exactly."""
    dataset.epoch = epoch
    if hasattr(loader, "set_epoch"):
        loader.set_epoch(epoch)


def _batches(
    loader: DataLoader, dataset: InteractionClips, start_epoch: int
) -> Iterator[dict[str, torch.Tensor]]:
    epoch = start_epoch
    while True:
        _set_epoch(loader, dataset, epoch)
        yield from loader
        epoch += 1


def _finished_checkpoints(output: Path) -> list[Path]:
    """The checkpoint folders whose save completed (``training_state.json`` is written last), oldest
    first; a folder a killed save left unfinished is not one of them."""
    return [path for path in sorted((output / CHECKPOINTS).glob("step-*")) if (path / STATE).is_file()]


def _latest_checkpoint(output: Path) -> tuple[Path, int] | None:
    found = _finished_checkpoints(output)
    return (found[-1], int(found[-1].name.removeprefix("step-"))) if found else None


def _remove_unfinished_checkpoints(output: Path) -> None:
    finished = set(_finished_checkpoints(output))
    for path in sorted((output / CHECKPOINTS).glob("step-*")):
        if path not in finished:
            logger.warning("removing %s: its save did not finish (no %s)", path, STATE)
            shutil.rmtree(path)


def _prune(output: Path, keep: int) -> None:
    for old in _finished_checkpoints(output)[:-keep]:
        shutil.rmtree(old)


def _vae_steps_to_train(config: TrainConfig, output: Path) -> int:
    """Autoencoder steps still to run in ``output`` (0 when the saved VAE is used as it is)."""
    state_path = output / "vae_state.pt"
    if state_path.is_file():
        done = int(read_tensor_file(state_path)["step"])
        return max(0, config.vae_steps - done)
    return 0 if (output / "vae" / "config.json").is_file() else config.vae_steps


def _vae_phase(
    config: TrainConfig, components: Components, dataset: InteractionClips, output: Path, progress: bool
) -> None:
    """Train the tiny VAE (resumable, extendable by raising ``vae_steps``); ``vae/`` holds the result.

    Runs sharing one ``vae/`` folder (the ablation variants) reuse it as it is.
    """
    saved = output / "vae"
    state_path = output / "vae_state.pt"
    remaining = _vae_steps_to_train(config, output)
    if remaining and _latest_checkpoint(output) is not None:
        raise ValueError(
            f"{output}: its InterAnimate checkpoints were trained on the VAE's latents as they are, and "
            f"{remaining} more autoencoder steps (vae_steps={config.vae_steps}) would change them; train the "
            f"VAE further in a new output_dir (copy vae_state.pt there) or delete {output / CHECKPOINTS}"
        )
    if (saved / "config.json").is_file() and not state_path.is_file():
        components.vae.load_state_dict(type(components.vae).from_pretrained(saved).state_dict())
        return
    train_vae(
        components.vae,
        dataset,
        config.vae_phase(),
        state_path=state_path,
        log_path=output / LOG,
        progress=progress,
    )
    calibrate_scaling_factor(components.vae, dataset, seed=config.seed)
    components.vae.save_pretrained(saved)


def _components(config: TrainConfig) -> Components:
    return build_components(
        config.preset,
        source=config.source,
        random_weights=config.random_weights,
        seed=config.seed,
        **config.model,
    )


def _training_clips(config: TrainConfig) -> InteractionClips:
    return InteractionClips(
        config.data,
        split=config.split,
        clip_length=config.clip_length,
        clips_per_video=config.clips_per_video,
        seed=config.seed,
    )


def train_vae_only(config: TrainConfig, *, progress: bool = True) -> Path:
    """Run only the autoencoder phase (resumable like ``train``); returns the saved ``vae/`` folder.

    For a staged schedule (a few rates, each up to its own ``vae_steps``) and for checking the VAE's
    reconstructions before the diffusion phase spends anything on its latents.
    """
    if not config.vae_steps:
        raise ValueError(f"{config.output_dir}: vae_steps is 0, this config has no autoencoder phase")
    output = Path(config.output_dir)
    output.mkdir(parents=True, exist_ok=True)
    set_seed(config.seed)
    components = _components(config)
    dataset = _training_clips(config)
    _vae_phase(config, components, dataset, output, progress)
    return output / "vae"


# -- the InterAnimate phase ---------------------------------------------------------------------------


@dataclass
class _Run:
    """What one call of :func:`train` trains with; built by :func:`_setup`."""

    config: TrainConfig
    output: Path
    accelerator: Accelerator
    components: Components
    dataset: InteractionClips
    model: torch.nn.Module  # as accelerate prepared it
    unwrapped: InterAnimateModel
    parameters: list[torch.nn.Parameter]
    optimizer: torch.optim.Optimizer
    lr_schedule: torch.optim.lr_scheduler.LRScheduler
    loader: DataLoader
    weight_dtype: torch.dtype
    ema: EMAModel | None

    def resumable(self) -> Resumable:
        """What a checkpoint saves and a resume loads."""
        return Resumable(
            accelerator=self.accelerator,
            model=self.unwrapped,
            optimizer=self.optimizer,
            lr_schedule=self.lr_schedule,
            parameters=self.parameters,
            ema=self.ema,
        )


def train(config: TrainConfig, *, progress: bool = True, stop_after: int | None = None) -> Path:
    """Train (resuming from the latest checkpoint in ``output_dir``); returns the final checkpoint folder.

    ``stop_after`` ends the run after that many steps of this call (tests, time-boxed jobs); the run
    resumes from there next time.
    """
    run = _setup(config, progress)
    step = _resume(run)
    batches = _batch_stream(run, step)
    end = config.steps if stop_after is None else min(config.steps, step + stop_after)
    main = run.accelerator.is_main_process
    bar = tqdm(total=config.steps, initial=step, desc="train", disable=not (progress and main))
    log = (run.output / LOG).open("a") if main else None
    started = time.perf_counter()  # records carry seconds since this call's first step: throughput
    while step < end:
        losses = _optimisation_step(run, batches, step)
        step += 1
        bar.update()
        if log is not None and (step % config.log_every == 0 or step == end):
            _log_step(log, bar, _log_record(run, step, losses, started))
        if step % config.checkpoint_every == 0 or step == end:
            _save_checkpoint(run, step)
    bar.close()
    if log is not None:
        log.close()
    final = run.output / FINAL
    if step >= config.steps and main:
        _export(run, step, final)
    run.accelerator.wait_for_everyone()
    return final


def _setup(config: TrainConfig, progress: bool) -> _Run:
    """Accelerator, networks (after the VAE phase), optimiser, schedule, data and moving average."""
    output = Path(config.output_dir)
    accelerator = _accelerator(config, output)
    set_seed(config.seed)
    components, dataset = _frozen_components(config, accelerator, output, progress)
    parameters = set_trainable(components.model, config.trainable_unet)
    if config.gradient_checkpointing:
        components.model.unet.enable_gradient_checkpointing()
    optimizer = _optimizer(config, parameters)
    lr_schedule = _lr_schedule(config, optimizer, accelerator.num_processes)
    model, optimizer, loader, lr_schedule = accelerator.prepare(
        components.model, optimizer, _loader(config, dataset), lr_schedule
    )
    weight_dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(config.mixed_precision, torch.float32)
    components.vae.to(accelerator.device, dtype=weight_dtype)
    components.image_encoder.to(accelerator.device, dtype=weight_dtype)
    ema = None
    if config.ema_decay is not None:  # saved and resumed with the checkpoints
        ema = EMAModel(parameters, decay=config.ema_decay, use_ema_warmup=True, power=2 / 3)
    return _Run(
        config=config,
        output=output,
        accelerator=accelerator,
        components=components,
        dataset=dataset,
        model=model,
        unwrapped=accelerator.unwrap_model(model),
        parameters=parameters,
        optimizer=optimizer,
        lr_schedule=lr_schedule,
        loader=loader,
        weight_dtype=weight_dtype,
        ema=ema,
    )


def _accelerator(config: TrainConfig, output: Path) -> Accelerator:
    """The accelerator; the main process creates ``output`` and records the config there."""
    accelerator = Accelerator(
        mixed_precision=config.mixed_precision,
        gradient_accumulation_steps=config.gradient_accumulation_steps,
        project_dir=str(output),
        dataloader_config=DataLoaderConfiguration(use_seedable_sampler=True),
    )
    if accelerator.is_main_process:
        output.mkdir(parents=True, exist_ok=True)
        (output / "train_config.json").write_text(config.model_dump_json(indent=2) + "\n")
    return accelerator


def _frozen_components(
    config: TrainConfig, accelerator: Accelerator, output: Path, progress: bool
) -> tuple[Components, InteractionClips]:
    """The networks (MimicMotion's weights loaded, the tiny VAE trained first) with VAE and CLIP frozen,
    and the training clips."""
    components = _components(config)
    if config.mimicmotion_checkpoint:
        components.model.load_mimicmotion_state(read_tensor_file(Path(config.mimicmotion_checkpoint)))
    dataset = _training_clips(config)
    if config.vae_steps:  # the main process trains or loads the VAE; the others then load it
        if accelerator.is_main_process:
            _vae_phase(config, components, dataset, output, progress)
        accelerator.wait_for_everyone()
        if not accelerator.is_main_process:
            _vae_phase(config, components, dataset, output, False)
    components.vae.requires_grad_(False).eval()
    components.image_encoder.requires_grad_(False).eval()
    return components, dataset


def _optimizer(config: TrainConfig, parameters: list[torch.nn.Parameter]) -> torch.optim.Optimizer:
    return torch.optim.AdamW(
        parameters,
        lr=config.learning_rate,
        betas=(config.adam_beta1, config.adam_beta2),
        weight_decay=config.weight_decay,
        eps=config.adam_epsilon,
    )


def _lr_schedule(
    config: TrainConfig, optimizer: torch.optim.Optimizer, processes: int
) -> torch.optim.lr_scheduler.LambdaLR:
    """Warm-up, constant, then the final cosine (``schedule.diffusion_rate_factor``).

    accelerate steps a prepared schedule once per process and optimiser step: it counts in steps x
    processes.
    """
    rate_factor = functools.partial(
        diffusion_rate_factor,
        steps=config.steps * processes,
        warmup_steps=config.warmup_steps * processes,
        decay_steps=config.lr_decay_steps * processes,
        min_factor=config.min_learning_rate / config.learning_rate if config.learning_rate else 1.0,
    )
    return torch.optim.lr_scheduler.LambdaLR(optimizer, rate_factor)


def _loader(config: TrainConfig, dataset: InteractionClips) -> DataLoader:
    return DataLoader(
        dataset,
        batch_size=config.batch_size,
        shuffle=True,
        num_workers=config.num_workers,
        drop_last=True,
        generator=torch.Generator().manual_seed(config.seed),
    )


def _resume(run: _Run) -> int:
    """Load the latest checkpoint of ``output_dir`` when there is one; returns the step to continue from.

    Log records written after that step (by a run killed between two saves) are dropped.
    """
    step = 0
    if run.accelerator.is_main_process:
        _remove_unfinished_checkpoints(run.output)
    run.accelerator.wait_for_everyone()
    latest = _latest_checkpoint(run.output)
    if latest is not None:
        load_training_state(latest[0], run.resumable(), latest[1])
        step = latest[1]
        logger.info("resumed from %s", latest[0])
    if run.accelerator.is_main_process:
        drop_records_after(run.output / LOG, "train", step)
    return step


def _batch_stream(run: _Run, step: int) -> Iterator[dict[str, torch.Tensor]]:
    """The batches from ``step`` on: the rest of the interrupted epoch, then whole epochs."""
    batches_per_epoch = max(1, len(run.loader))
    epoch, skip = divmod(step * run.config.gradient_accumulation_steps, batches_per_epoch)
    if skip:
        return _resumed_batches(run.accelerator, run.loader, skip, run.dataset, epoch)
    return _batches(run.loader, run.dataset, epoch)


def _resumed_batches(
    accelerator: Accelerator, loader: DataLoader, skip: int, dataset: InteractionClips, epoch: int
) -> Iterator[dict[str, torch.Tensor]]:
    _set_epoch(loader, dataset, epoch)
    yield from accelerator.skip_first_batches(loader, skip)
    yield from _batches(loader, dataset, epoch + 1)


def _optimisation_step(
    run: _Run, batches: Iterator[dict[str, torch.Tensor]], step: int
) -> dict[str, torch.Tensor]:
    """One optimiser step (``gradient_accumulation_steps`` batches) and the moving average's update;
    returns the last batch's ``loss``, ``diffusion`` and ``orthogonality``."""
    config, accelerator = run.config, run.accelerator
    vae, image_encoder = run.components.vae, run.components.image_encoder
    for _ in range(config.gradient_accumulation_steps):
        batch = next(batches)
        with accelerator.accumulate(run.model):
            generator = step_generator(config.seed, step, accelerator.process_index)
            diffusion, orthogonality = _losses(
                config, run.unwrapped, run.model, vae, image_encoder, batch, generator, run.weight_dtype
            )
            loss = total_loss(diffusion, orthogonality, run.unwrapped.config.lambda_ortho)
            accelerator.backward(loss)
            if accelerator.sync_gradients and config.max_grad_norm:
                accelerator.clip_grad_norm_(run.parameters, config.max_grad_norm)
            run.optimizer.step()
            run.lr_schedule.step()
            run.optimizer.zero_grad(set_to_none=True)
    if run.ema is not None:
        run.ema.step(run.parameters)
    return {"loss": loss, "diffusion": diffusion, "orthogonality": orthogonality}


def _log_record(run: _Run, step: int, losses: dict[str, torch.Tensor], started: float) -> dict:
    return {
        "phase": "train",
        "step": step,
        "loss": losses["loss"].item(),
        "diffusion": losses["diffusion"].item(),
        "orthogonality": losses["orthogonality"].item(),
        "perplexity": run.unwrapped.code_perplexity(),
        "lr": run.lr_schedule.get_last_lr()[0],
        "seconds": round(time.perf_counter() - started, 3),
    }


def _log_step(log: IO[str], bar: tqdm, record: dict) -> None:
    log.write(json.dumps(record) + "\n")
    log.flush()
    bar.set_postfix(loss=f"{record['loss']:.4f}", ortho=f"{record['orthogonality']:.4f}")


def _save_checkpoint(run: _Run, step: int) -> None:
    """The training state (``training/checkpoint.py``); the oldest beyond ``keep_checkpoints`` are
    removed."""
    save_training_state(run.output / CHECKPOINTS / f"step-{step:06d}", run.resumable(), step)
    if run.accelerator.is_main_process:
        _prune(run.output, run.config.keep_checkpoints)


def _export(run: _Run, step: int, final: Path) -> None:
    """The trained weights (the moving average when there is one) as a pipeline checkpoint in ``final``."""
    if run.ema is not None:
        run.ema.copy_to(run.parameters)
    components, unwrapped = run.components, run.unwrapped
    pipeline = InterAnimatePipeline(
        unwrapped.float(), components.vae.float(), components.image_encoder.float(), components.scheduler
    )
    model_config = {key: value for key, value in unwrapped.config.items() if not key.startswith("_")}
    info = {
        "trained_steps": step,
        "preset": run.config.preset,
        "variant": variant_of(model_config),
        "model_config": {key: value for key, value in model_config.items() if key != "unet_config"},
        "train_config": run.config.model_dump(mode="json"),
        "inference": run.config.inference,
    }
    pipeline.save_checkpoint(final, info)


# -- the loss of one batch ----------------------------------------------------------------------------


def _losses(
    config: TrainConfig,
    unwrapped: InterAnimateModel,
    model: torch.nn.Module,
    vae: torch.nn.Module,
    image_encoder: torch.nn.Module,
    batch: dict[str, torch.Tensor],
    generator: torch.Generator,
    weight_dtype: torch.dtype,
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(L_diff, L_o)`` of one batch: the amplified EDM loss and the orthogonality loss
    (docs/interanimate.md#losses), under conditioning dropout."""
    device = unwrapped.device
    clean, ref_latents, clip = _encode_clip(
        config, vae, image_encoder, batch, generator, weight_dtype, device
    )
    batch_size = clean.shape[0]
    draw = torch.rand(batch_size, generator=generator).to(device)
    keep_clip, keep_reference, keep_pose = conditioning_keep(draw, config.conditioning_dropout)
    clip = clip * keep_clip.view(-1, 1, 1)
    ref_latents = ref_latents * keep_reference.view(-1, 1, 1, 1)
    identity = batch["identity"].to(device) * keep_clip.view(-1, 1)

    sigma = torch.exp(config.p_mean + config.p_std * torch.randn(batch_size, generator=generator)).to(device)
    noise = torch.randn(clean.shape, generator=generator).to(device)
    noisy = clean + sigma.view(-1, 1, 1, 1, 1) * noise
    coefficients = EdmCoefficients.from_sigma(sigma)
    model_input = torch.cat([coefficients.c_in * noisy, ref_latents.unsqueeze(1).expand_as(noisy)], dim=2)
    hand, face = batch["hand_mask"].to(device), batch["face_mask"].to(device)
    time_ids = added_time_ids(
        config.fps, config.motion_bucket_id, config.noise_aug_strength, batch_size, device, torch.float32
    )
    pose_images, region = batch["pose_images"].to(device), (hand | face).unsqueeze(2)
    with torch.autocast(device.type, dtype=weight_dtype, enabled=weight_dtype != torch.float32):
        prediction = model(
            model_input, coefficients.c_noise, clip, time_ids, pose_images, region, identity, keep_pose
        )
    denoised = coefficients.c_skip * noisy + coefficients.c_out * prediction.float()
    weights = amplification_weights(
        hand, face, tuple(clean.shape[-2:]), config.alpha_hand, config.alpha_face, config.amplification
    )
    return diffusion_loss(denoised, clean, coefficients, weights), unwrapped.orthogonality()


@torch.no_grad()
def _encode_clip(
    config: TrainConfig,
    vae: torch.nn.Module,
    image_encoder: torch.nn.Module,
    batch: dict[str, torch.Tensor],
    generator: torch.Generator,
    weight_dtype: torch.dtype,
    device: torch.device,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The clip's scaled latents ``(B, T, C, h, w)``, its reference frame's latents and CLIP embedding."""
    frames = batch["frames"].to(device, weight_dtype)  # (B, T, 3, H, W)
    batch_size, clip_length = frames.shape[:2]
    posterior = vae.encode(frames.flatten(0, 1)).latent_dist
    clean = posterior.mode() if config.vae_deterministic else posterior.sample(generator=generator)
    clean = (clean * vae.config.scaling_factor).view(batch_size, clip_length, *clean.shape[1:]).float()
    reference = frames[:, 0]
    ref_latents = reference_latents(vae, reference, config.noise_aug_strength, generator).float()
    return clean, ref_latents, clip_embedding(image_encoder, reference).float()
