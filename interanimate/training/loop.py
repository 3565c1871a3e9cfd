"""``interanimate train``: the accelerate training loop (spec sections 3.7-3.10).

Multi-GPU data parallel and mixed precision come from accelerate (``accelerate launch``); gradient
checkpointing from diffusers; gradient accumulation, checkpoints every ``checkpoint_every`` steps and
resume from the latest one (model, optimiser, scheduler and step) from accelerate's state. Every random
draw of a step (sigma, noise, dropout, VAE sampling) comes from a generator seeded by (seed, step,
process) and clips from (seed, epoch, index), so variants trained from one config see the same data
in the same order, and a resumed run continues exactly.
"""

from __future__ import annotations

import functools
import json
import logging
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

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


def _latest_checkpoint(output: Path) -> tuple[Path, int] | None:
    found = sorted((output / CHECKPOINTS).glob("step-*"))
    return (found[-1], int(found[-1].name.removeprefix("step-"))) if found else None


def _prune(output: Path, keep: int) -> None:
    for old in sorted((output / CHECKPOINTS).glob("step-*"))[:-keep]:
        shutil.rmtree(old)


def _check_ema_state(checkpoint: Path, ema: EMAModel | None) -> None:
    """A checkpoint resumes only with the same ``ema_decay`` on/off as it was saved with."""
    saved = (checkpoint / "custom_checkpoint_0.pkl").is_file()
    if saved != (ema is not None):
        state, setting = ("has a", "sets no ema_decay") if saved else ("has no", "sets ema_decay")
        raise ValueError(
            f"{checkpoint} {state} moving average of the weights but this config {setting}; resume with "
            "the ema_decay the run started with, or start a new output_dir"
        )


def _vae_steps_to_train(config: TrainConfig, output: Path) -> int:
    """Autoencoder steps still to run in ``output`` (0 when the saved VAE is used as it is)."""
    state_path = output / "vae_state.pt"
    if state_path.is_file():
        done = int(torch.load(state_path, map_location="cpu", weights_only=True)["step"])
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
        steps=config.vae_steps,
        batch_size=config.vae_batch_size,
        learning_rate=config.vae_learning_rate,
        min_learning_rate=config.vae_min_learning_rate,
        kl_weight=config.vae_kl_weight,
        seed=config.seed,
        crop=config.vae_crop,
        clip_length=config.vae_clip_length,
        deterministic=config.vae_deterministic,
        ssim_weight=config.vae_ssim_weight,
        autocast_dtype=torch.bfloat16 if config.vae_mixed_precision == "bf16" else None,
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


def train(config: TrainConfig, *, progress: bool = True, stop_after: int | None = None) -> Path:
    """Train (resuming from the latest checkpoint in ``output_dir``); returns the final checkpoint folder.

    ``stop_after`` ends the run after that many steps of this call (tests, time-boxed jobs); the run
    resumes from there next time.
    """
    output = Path(config.output_dir)
    accelerator = Accelerator(
        mixed_precision=config.mixed_precision,
        gradient_accumulation_steps=config.gradient_accumulation_steps,
        project_dir=str(output),
        dataloader_config=DataLoaderConfiguration(use_seedable_sampler=True),
    )
    if accelerator.is_main_process:
        output.mkdir(parents=True, exist_ok=True)
        (output / "train_config.json").write_text(config.model_dump_json(indent=2) + "\n")
    set_seed(config.seed)
    components = _components(config)
    model = components.model
    if config.mimicmotion_checkpoint:
        model.load_mimicmotion_state(
            torch.load(config.mimicmotion_checkpoint, map_location="cpu", weights_only=True)
        )
    dataset = _training_clips(config)
    if config.vae_steps:
        if accelerator.is_main_process:
            _vae_phase(config, components, dataset, output, progress)
        accelerator.wait_for_everyone()
        if not accelerator.is_main_process:
            _vae_phase(config, components, dataset, output, False)
    vae, image_encoder = components.vae, components.image_encoder
    vae.requires_grad_(False).eval()
    image_encoder.requires_grad_(False).eval()
    parameters = set_trainable(model, config.trainable_unet)
    if config.gradient_checkpointing:
        model.unet.enable_gradient_checkpointing()
    optimizer = torch.optim.AdamW(
        parameters,
        lr=config.learning_rate,
        betas=(config.adam_beta1, config.adam_beta2),
        weight_decay=config.weight_decay,
        eps=config.adam_epsilon,
    )
    # accelerate steps a prepared schedule once per process and optimiser step: count in steps x processes
    processes = accelerator.num_processes
    rate_factor = functools.partial(
        diffusion_rate_factor,
        steps=config.steps * processes,
        warmup_steps=config.warmup_steps * processes,
        decay_steps=config.lr_decay_steps * processes,
        min_factor=config.min_learning_rate / config.learning_rate if config.learning_rate else 1.0,
    )
    lr_schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, rate_factor)
    loader = DataLoader(
        dataset,
        batch_size=config.batch_size,
        shuffle=True,
        num_workers=config.num_workers,
        drop_last=True,
        generator=torch.Generator().manual_seed(config.seed),
    )
    model, optimizer, loader, lr_schedule = accelerator.prepare(model, optimizer, loader, lr_schedule)
    weight_dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(config.mixed_precision, torch.float32)
    vae.to(accelerator.device, dtype=weight_dtype)
    image_encoder.to(accelerator.device, dtype=weight_dtype)
    ema = None
    if config.ema_decay is not None:  # saved and resumed with the checkpoints
        ema = EMAModel(parameters, decay=config.ema_decay, use_ema_warmup=True, power=2 / 3)
        accelerator.register_for_checkpointing(ema)

    step = 0
    latest = _latest_checkpoint(output)
    if latest is not None:
        _check_ema_state(latest[0], ema)
        accelerator.load_state(str(latest[0]))
        step = latest[1]
        logger.info("resumed from %s", latest[0])
    if accelerator.is_main_process:
        drop_records_after(output / LOG, "train", step)
    batches_per_epoch = max(1, len(loader))
    epoch, skip = divmod(step * config.gradient_accumulation_steps, batches_per_epoch)
    if skip:  # finish the interrupted epoch, then whole epochs again
        batches = _resumed_batches(accelerator, loader, skip, dataset, epoch)
    else:
        batches = _batches(loader, dataset, epoch)

    unwrapped: InterAnimateModel = accelerator.unwrap_model(model)
    end = config.steps if stop_after is None else min(config.steps, step + stop_after)
    bar = tqdm(
        total=config.steps, initial=step, desc="train", disable=not (progress and accelerator.is_main_process)
    )
    log = (output / LOG).open("a") if accelerator.is_main_process else None
    started = time.perf_counter()  # records carry seconds since this call's first step: throughput
    while step < end:
        for _ in range(config.gradient_accumulation_steps):
            batch = next(batches)
            with accelerator.accumulate(model):
                generator = step_generator(config.seed, step, accelerator.process_index)
                diffusion, orthogonality = _losses(
                    config, unwrapped, model, vae, image_encoder, batch, generator, weight_dtype
                )
                loss = total_loss(diffusion, orthogonality, unwrapped.config.lambda_ortho)
                accelerator.backward(loss)
                if accelerator.sync_gradients and config.max_grad_norm:
                    accelerator.clip_grad_norm_(parameters, config.max_grad_norm)
                optimizer.step()
                lr_schedule.step()
                optimizer.zero_grad(set_to_none=True)
        if ema is not None:
            ema.step(parameters)
        step += 1
        bar.update()
        if log is not None and (step % config.log_every == 0 or step == end):
            record = {
                "phase": "train",
                "step": step,
                "loss": loss.item(),
                "diffusion": diffusion.item(),
                "orthogonality": orthogonality.item(),
                "perplexity": unwrapped.code_perplexity(),
                "lr": lr_schedule.get_last_lr()[0],
                "seconds": round(time.perf_counter() - started, 3),
            }
            log.write(json.dumps(record) + "\n")
            log.flush()
            bar.set_postfix(loss=f"{record['loss']:.4f}", ortho=f"{record['orthogonality']:.4f}")
        if step % config.checkpoint_every == 0 or step == end:
            accelerator.save_state(str(output / CHECKPOINTS / f"step-{step:06d}"))
            if accelerator.is_main_process:
                _prune(output, config.keep_checkpoints)
    bar.close()
    if log is not None:
        log.close()
    final = output / FINAL
    if step >= config.steps and accelerator.is_main_process:
        if ema is not None:
            ema.copy_to(parameters)
        pipeline = InterAnimatePipeline(
            unwrapped.float(), vae.float(), image_encoder.float(), components.scheduler
        )
        model_config = {key: value for key, value in unwrapped.config.items() if not key.startswith("_")}
        info = {
            "trained_steps": step,
            "preset": config.preset,
            "variant": variant_of(model_config),
            "model_config": {key: value for key, value in model_config.items() if key != "unet_config"},
            "train_config": config.model_dump(mode="json"),
            "inference": config.inference,
        }
        pipeline.save_checkpoint(final, info)
    accelerator.wait_for_everyone()
    return final


def _resumed_batches(
    accelerator: Accelerator, loader: DataLoader, skip: int, dataset: InteractionClips, epoch: int
) -> Iterator[dict[str, torch.Tensor]]:
    _set_epoch(loader, dataset, epoch)
    yield from accelerator.skip_first_batches(loader, skip)
    yield from _batches(loader, dataset, epoch + 1)


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
    """``(L_diff, L_o)`` of one batch (spec 3.7, 3.8, 3.10)."""
    device = unwrapped.device
    frames = batch["frames"].to(device, weight_dtype)  # (B, T, 3, H, W)
    batch_size, clip_length = frames.shape[:2]
    with torch.no_grad():
        posterior = vae.encode(frames.flatten(0, 1)).latent_dist
        clean = posterior.mode() if config.vae_deterministic else posterior.sample(generator=generator)
        clean = (clean * vae.config.scaling_factor).view(batch_size, clip_length, *clean.shape[1:]).float()
        reference = frames[:, 0]
        ref_latents = reference_latents(vae, reference, config.noise_aug_strength, generator).float()
        clip = clip_embedding(image_encoder, reference).float()
    p = config.conditioning_dropout
    draw = torch.rand(batch_size, generator=generator).to(device)
    keep_clip, keep_reference, keep_pose = conditioning_keep(draw, p)
    clip = clip * keep_clip.view(-1, 1, 1)
    ref_latents = ref_latents * keep_reference.view(-1, 1, 1, 1)
    identity = batch["identity"].to(device) * keep_clip.view(-1, 1)

    sigma = torch.exp(config.p_mean + config.p_std * torch.randn(batch_size, generator=generator)).to(device)
    noise = torch.randn(clean.shape, generator=generator).to(device)
    noisy = clean + sigma.view(-1, 1, 1, 1, 1) * noise
    coefficients = EdmCoefficients.from_sigma(sigma)
    model_input = torch.cat([coefficients.c_in * noisy, ref_latents.unsqueeze(1).expand_as(noisy)], dim=2)
    hand, face = batch["hand_mask"].to(device), batch["face_mask"].to(device)
    region = (hand | face).unsqueeze(2)
    time_ids = added_time_ids(
        config.fps, config.motion_bucket_id, config.noise_aug_strength, batch_size, device, torch.float32
    )
    with torch.autocast(device.type, dtype=weight_dtype, enabled=weight_dtype != torch.float32):
        prediction = model(
            model_input,
            coefficients.c_noise,
            clip,
            time_ids,
            batch["pose_images"].to(device),
            region,
            identity,
            keep_pose,
        )
    denoised = coefficients.c_skip * noisy + coefficients.c_out * prediction.float()
    weights = amplification_weights(
        hand, face, tuple(clean.shape[-2:]), config.alpha_hand, config.alpha_face, config.amplification
    )
    return diffusion_loss(denoised, clean, coefficients, weights), unwrapped.orthogonality()
