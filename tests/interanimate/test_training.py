"""Training: a few steps reduce the loss; the loop logs, checkpoints and resumes."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

import pytest
import torch
from diffusers.optimization import get_scheduler

from interanimate.training.config import TrainConfig, load_config
from interanimate.training.data import InteractionClips
from interanimate.training.loop import CHECKPOINTS, FINAL, LOG, _losses, set_trainable, train
from interhf_bench.protocol import get_protocol
from interhf_bench.synth.build import synthesize_dataset


@pytest.fixture(scope="module")
def train_set(tmp_path_factory):
    """Two classes, one test and one training video each, 12 frames at the mini protocol's 160x96."""
    base = get_protocol("interhf-mini-v1")
    protocol = replace(
        base, id="train-test", classes=base.classes[:2], videos_per_class=1, num_target_frames=11
    )
    root = tmp_path_factory.mktemp("train-set")
    synthesize_dataset(root, protocol, train_per_class=1, progress=False)
    return root


def test_clips_mirror_an_inference_window(train_set):
    clips = InteractionClips(train_set, clip_length=4, seed=0)
    assert len(clips) == 2
    sample = clips[0]
    assert sample["frames"].shape == (4, 3, 160, 96) and sample["pose_images"].shape == (4, 3, 160, 96)
    assert sample["hand_mask"].shape == (4, 160, 96) and sample["hand_mask"].dtype == torch.bool
    assert sample["identity"].shape == (512,)
    assert float(sample["identity"].norm()) == pytest.approx(1.0, abs=1e-5)
    assert torch.equal(clips[0]["frames"], sample["frames"])  # (seed, epoch, index) alone decide a clip
    clips.epoch = 1
    assert not torch.equal(clips[0]["frames"], sample["frames"])
    with pytest.raises(ValueError, match="fewer than 40 frames"):
        InteractionClips(train_set, clip_length=40)
    with pytest.raises(ValueError, match="no videos in split 'val'"):
        InteractionClips(train_set, split="val")


def test_a_few_steps_on_one_batch_reduce_the_loss(train_set, tiny):
    config = TrainConfig(data=str(train_set), mixed_precision="no", conditioning_dropout=0.0)
    clips = InteractionClips(train_set, clip_length=4)
    batch = {key: value[None] for key, value in clips[0].items()}
    model = tiny.model.train()
    parameters = set_trainable(model, "all")
    optimizer = torch.optim.Adam(parameters, lr=1e-3)

    def loss() -> torch.Tensor:
        generator = torch.Generator().manual_seed(0)  # the same sigma and noise every time
        diffusion, _ = _losses(
            config, model, model, tiny.vae, tiny.image_encoder, batch, generator, torch.float32
        )
        return diffusion

    start = loss().item()
    for _ in range(15):
        optimizer.zero_grad()
        loss().backward()
        optimizer.step()
    assert loss().item() < 0.7 * start


def test_trainable_choices(tiny):
    model = tiny.model
    counts = {}
    for choice in ("all", "attn", "temporal", "none"):
        chosen = {id(p) for p in set_trainable(model, choice)}
        counts[choice] = len(chosen)
        new_parts = [
            p for n, p in model.named_parameters() if not n.startswith("unet.") or ".processor." in n
        ]
        assert all(id(p) in chosen for p in new_parts)
    assert counts["all"] > counts["attn"] > counts["temporal"] > counts["none"] > 0


def test_train_logs_checkpoints_and_resumes(train_set, tmp_path):
    config = load_config(
        "tiny.yaml",
        {
            "data": str(train_set),
            "output_dir": str(tmp_path / "run"),
            "steps": 2,
            "clip_length": 4,
            "clips_per_video": 1,
            "batch_size": 1,
            "vae_steps": 2,
            "vae_batch_size": 1,  # one clip: some CPUs take ~100x longer for bf16 Conv3d grads of more
            "checkpoint_every": 1,
            "log_every": 1,
            "warmup_steps": 1,
        },
    )
    train(config, progress=False, stop_after=1)
    run = tmp_path / "run"
    assert (run / CHECKPOINTS / "step-000001").is_dir() and not (run / FINAL).exists()
    with (run / LOG).open("a") as log:  # a step logged after the last save, then the run was killed
        log.write(json.dumps({"phase": "train", "step": 2, "loss": 9.0}) + "\n")
    unfinished = run / CHECKPOINTS / "step-000002"  # a save killed before its training_state.json
    unfinished.mkdir()
    (unfinished / "model.safetensors").write_bytes(b"half")
    final = train(config, progress=False)  # resumes at step 1 and drops the stale step-2 record
    assert (run / CHECKPOINTS / "step-000002" / "training_state.json").is_file()  # saved again, whole
    assert final == run / FINAL and (final / "model").is_dir()
    records = [json.loads(line) for line in (run / LOG).read_text().splitlines()]
    steps = [r["step"] for r in records if r["phase"] == "train"]
    assert steps == [1, 2]
    last = records[-1]
    assert {"diffusion", "orthogonality", "perplexity", "lr"} <= last.keys()
    assert last["perplexity"] is not None and last["orthogonality"] > 0
    info = json.loads((final / "interanimate.json").read_text())
    assert info["variant"] == "full" and info["trained_steps"] == 2
    longer_vae = config.model_copy(update={"vae_steps": 3})  # would change the latents under the checkpoints
    with pytest.raises(ValueError, match=r"1 more autoencoder steps \(vae_steps=3\) would change them"):
        train(longer_vae, progress=False)


def test_config_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("preset: tiny\ndata: x\nlearning_rat: 1\n")
    with pytest.raises(ValueError, match=r"bad\.yaml: learning_rat: Extra inputs"):
        load_config(bad)
    with pytest.raises(FileNotFoundError, match=r"shipped configs: paper\.yaml, tiny\.yaml"):
        load_config(tmp_path / "missing.yaml")
    paper = load_config("paper.yaml")
    assert (paper.steps, paper.learning_rate, paper.batch_size, paper.clip_length) == (50_000, 1e-5, 1, 16)
    assert paper.preset == "svd-xt-1.1" and paper.model["num_latents"] == 512


def test_vae_phase_trains_on_runs_of_frames_and_stops_on_non_finite_loss(train_set, tmp_path):
    from diffusers import AutoencoderKLTemporalDecoder

    from interanimate.presets import TINY_VAE
    from interanimate.training.config import VaePhaseConfig
    from interanimate.training.vae import train_vae

    clips = InteractionClips(train_set, clip_length=4)
    vae = AutoencoderKLTemporalDecoder(**TINY_VAE)
    seen = []
    decode = vae.decode

    def recording_decode(latents, num_frames):
        seen.append((latents.shape[0], num_frames))
        return decode(latents, num_frames=num_frames)

    vae.decode = recording_decode
    state, log = tmp_path / "vae_state.pt", tmp_path / "log.jsonl"
    common = dict(batch_size=2, kl_weight=1e-6, seed=0, crop=None, deterministic=True)
    phase = VaePhaseConfig(steps=1, learning_rate=1e-3, clip_length=3, **common)
    train_vae(vae, clips, phase, state_path=state, log_path=log, progress=False)
    assert seen == [(6, 3)]  # two videos, three consecutive frames each, decoded as 3-frame clips
    assert torch.load(state, weights_only=True)["step"] == 1
    vae.requires_grad_(True)
    with pytest.raises(FloatingPointError, match=r"non-finite loss at step \d+; the last good state is in"):
        diverging = tmp_path / "diverging.pt"
        phase = VaePhaseConfig(steps=4, learning_rate=float("inf"), **common)
        train_vae(vae, clips, phase, state_path=diverging, log_path=log, progress=False)
    assert not diverging.exists()  # nothing saved from the diverged steps
    with pytest.raises(ValueError, match=r"vae_clip_length \(4\) must be below clip_length \(4\)"):
        TrainConfig(data="x", clip_length=4, vae_clip_length=4)
    assert TrainConfig(data="x", mixed_precision=False).mixed_precision == "no"  # `--set mixed_precision=no`


def test_vae_phase_adds_and_logs_the_ssim_term_when_weighted(train_set, tmp_path):
    from diffusers import AutoencoderKLTemporalDecoder

    from interanimate.presets import TINY_VAE
    from interanimate.training.config import VaePhaseConfig
    from interanimate.training.vae import train_vae

    clips = InteractionClips(train_set, clip_length=4)
    common = dict(steps=1, batch_size=1, learning_rate=1e-4, kl_weight=1e-6, seed=0, crop=None, clip_length=3)
    common |= dict(deterministic=True)
    records = {}
    for weight in (0.0, 1.0):
        torch.manual_seed(0)
        vae = AutoencoderKLTemporalDecoder(**TINY_VAE)
        log = tmp_path / f"log-{weight}.jsonl"
        phase = VaePhaseConfig(ssim_weight=weight, **common)
        train_vae(vae, clips, phase, state_path=tmp_path / f"state-{weight}.pt", log_path=log, progress=False)
        records[weight] = json.loads(log.read_text().splitlines()[-1])
    assert "ssim" not in records[0.0]
    assert 0 < records[1.0]["ssim"] < 1
    with pytest.raises(ValueError, match="vae_ssim_weight"):
        TrainConfig(data="x", vae_ssim_weight=-1)


def test_vae_learning_rate_decays_by_cosine_or_stays_constant():
    from interanimate.training.schedule import cosine_learning_rate

    rates = [cosine_learning_rate(step, 11, 1e-3, 1e-4) for step in range(11)]
    assert rates[0] == pytest.approx(1e-3) and rates[-1] == pytest.approx(1e-4)
    assert rates[5] == pytest.approx(5.5e-4)  # halfway down at the middle step
    assert all(a > b for a, b in itertools.pairwise(rates))
    assert {cosine_learning_rate(step, 11, 1e-3, None) for step in range(11)} == {1e-3}


def test_diffusion_rate_warms_up_holds_then_decays_over_the_last_steps():
    from interanimate.training.schedule import diffusion_rate_factor

    def factors(steps, decay_steps, warmup_steps=4):
        return [
            diffusion_rate_factor(
                s, steps=steps, warmup_steps=warmup_steps, decay_steps=decay_steps, min_factor=0.1
            )
            for s in range(steps)
        ]

    plain = factors(20, 0)
    assert plain[:4] == [0.0, 0.25, 0.5, 0.75] and set(plain[4:]) == {1.0}
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    reference = get_scheduler("constant_with_warmup", optimizer, num_warmup_steps=4)  # what runs used before
    assert plain == [reference.lr_lambdas[0](s) for s in range(20)]
    decayed = factors(20, 6)
    assert decayed[:14] == plain[:14]  # untouched until the last 6 steps
    assert decayed[14] == 1.0 and decayed[-1] == pytest.approx(0.1)
    assert all(a > b for a, b in itertools.pairwise(decayed[14:]))
    short = factors(8, 100)  # more decay steps than the run has: it decays over all steps after the warm-up
    assert short[:4] == plain[:4] and short[4] == 1.0 and short[-1] == pytest.approx(0.1)
    with pytest.raises(ValueError, match="min_learning_rate"):
        TrainConfig(data="x", learning_rate=1e-4, min_learning_rate=1e-3)


def test_resume_drops_only_the_phase_records_after_the_resumed_step(tmp_path):
    from interanimate.training.log import drop_records_after

    log = tmp_path / "train_log.jsonl"
    records = [{"phase": "vae", "step": s} for s in (25, 50, 75)] + [{"phase": "train", "step": 25}]
    log.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert drop_records_after(log, "vae", 50) == 1
    kept = [json.loads(line) for line in log.read_text().splitlines()]
    assert kept == [records[0], records[1], records[3]]
    assert drop_records_after(tmp_path / "missing.jsonl", "vae", 0) == 0


def test_vae_only_runs_a_staged_autoencoder_schedule_and_stops(train_set, tmp_path):
    from interanimate.training.loop import train_vae_only

    def stage(vae_steps: int, rate: float) -> TrainConfig:
        overrides = {"data": str(train_set), "output_dir": str(tmp_path / "run"), "clip_length": 4}
        overrides |= {"vae_steps": vae_steps, "vae_learning_rate": rate, "vae_min_learning_rate": None}
        return load_config("tiny.yaml", overrides | {"log_every": 1, "vae_batch_size": 1})

    saved = train_vae_only(stage(1, 1e-3), progress=False)
    assert (saved / "config.json").is_file()
    assert not (tmp_path / "run" / CHECKPOINTS).exists()  # the diffusion phase did not start
    train_vae_only(stage(2, 1e-4), progress=False)  # the next stage resumes at step 1 with its own rate
    records = [json.loads(line) for line in (tmp_path / "run" / LOG).read_text().splitlines()]
    assert [(r["step"], r["lr"]) for r in records] == [(1, 1e-3), (2, 1e-4)]
    with pytest.raises(ValueError, match="vae_steps is 0"):
        train_vae_only(stage(0, 1e-3), progress=False)


def _weights(final) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    return load_file(final / "model" / "diffusion_pytorch_model.safetensors")


def test_ema_weights_are_exported_and_resume_exactly(train_set, tmp_path):
    def config(name: str, **update):
        values = {
            "data": str(train_set),
            "output_dir": str(tmp_path / name),
            "steps": 3,
            "clip_length": 4,
            "clips_per_video": 1,
            "batch_size": 1,
            "vae_steps": 1,
            "vae_batch_size": 1,  # see test_train_logs_checkpoints_and_resumes
            "checkpoint_every": 1,
            "warmup_steps": 1,
            "ema_decay": 0.9,
        }
        return load_config("tiny.yaml", {**values, **update})

    whole = _weights(train(config("whole"), progress=False))
    train(config("resumed"), progress=False, stop_after=2)
    resumed = _weights(train(config("resumed"), progress=False))
    assert whole.keys() == resumed.keys()
    for name in whole:
        torch.testing.assert_close(resumed[name], whole[name], rtol=0, atol=0, msg=name)
    plain = _weights(train(config("plain", ema_decay=None), progress=False))
    changed = [name for name in whole if not torch.equal(whole[name], plain[name])]
    assert changed, "the exported weights are the average, not the last step's"
    with pytest.raises(ValueError, match=r"has no moving average .* sets ema_decay"):
        train(config("plain", ema_decay=0.9, steps=4), progress=False)


def test_resume_refuses_a_pickle_in_place_of_a_state_file_and_never_opens_accelerate_pickles(
    train_set, tmp_path
):
    """Through ``train``: the moving average's weights and the autoencoder phase's state replaced by
    code-running pickles are refused by name; pickles under accelerate's ``save_state`` names are left
    unread and the run resumes (tests/interanimate/test_checkpoint.py refuses every file of a checkpoint)."""
    import re

    from interanimate.training.checkpoint import CheckpointError
    from tests.interanimate.test_checkpoint import malicious_payloads

    marker = tmp_path / "ran"
    payload = malicious_payloads(marker)["torch.save"]
    overrides = {"data": str(train_set), "output_dir": str(tmp_path / "run"), "steps": 2, "clip_length": 4}
    overrides |= {"clips_per_video": 1, "batch_size": 1, "vae_steps": 1, "vae_batch_size": 1}
    config = load_config(
        "tiny.yaml", overrides | {"checkpoint_every": 1, "warmup_steps": 1, "ema_decay": 0.9}
    )
    train(config, progress=False, stop_after=1)
    run = tmp_path / "run"
    checkpoint = run / CHECKPOINTS / "step-000001"
    for path in (checkpoint / "ema.safetensors", run / "vae_state.pt"):
        original = path.read_bytes()
        path.write_bytes(payload)
        with pytest.raises(CheckpointError, match=f"^{re.escape(str(path))}: "):
            train(config, progress=False)
        assert not marker.exists(), path.name
        path.write_bytes(original)
    for name in ("custom_checkpoint_0.pkl", "random_states_0.pkl", "optimizer.bin", "scheduler.bin"):
        (checkpoint / name).write_bytes(payload)
    final = train(config, progress=False)
    assert not marker.exists() and (final / "model").is_dir()
