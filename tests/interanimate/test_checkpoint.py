"""Training checkpoints: a save and load restore every piece, and no file of a checkpoint can run code."""

from __future__ import annotations

import copy
import functools
import io
import os
import pickle
import random
import re
import shlex
from pathlib import Path

import numpy as np
import pytest
import torch
from accelerate import Accelerator
from diffusers.training_utils import EMAModel

from interanimate.training.checkpoint import (
    CheckpointError,
    Resumable,
    load_training_state,
    read_tensor_file,
    save_training_state,
)
from interanimate.training.schedule import diffusion_rate_factor


class RunsCode:
    """Unpickling this runs a shell command that creates ``marker``: a stand-in for any code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {shlex.quote(str(self.marker))}",))


def malicious_payloads(marker: Path) -> dict[str, bytes]:
    """The object as a bare pickle and inside a torch file (the form of accelerate's ``.bin``/``.pkl``),
    after checking that unpickling it in full does run the command."""
    pickle.loads(pickle.dumps(RunsCode(marker)))
    assert marker.is_file(), "the payload must run code when unpickled in full"
    marker.unlink()
    wrapped = io.BytesIO()
    torch.save({"state": RunsCode(marker)}, wrapped)
    return {"pickle": pickle.dumps(RunsCode(marker)), "torch.save": wrapped.getvalue()}


def _state(seed: int = 0) -> Resumable:
    """A small model with the loop's optimiser, schedule and moving average."""
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.GELU(), torch.nn.Linear(8, 3))
    model[0].requires_grad_(False)  # the moving average holds the trained parameters only
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=1e-2)
    factor = functools.partial(diffusion_rate_factor, steps=20, warmup_steps=3, decay_steps=5, min_factor=0.1)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    ema = EMAModel(parameters, decay=0.9, use_ema_warmup=True, power=2 / 3)
    return Resumable(Accelerator(), model, optimizer, schedule, parameters, ema)


def _train(state: Resumable, steps: int) -> None:
    for _ in range(steps):
        loss = state.model(torch.randn(5, 4)).square().mean()
        loss.backward()
        state.optimizer.step()
        state.lr_schedule.step()
        state.optimizer.zero_grad(set_to_none=True)
        state.ema.step(state.parameters)
        state.accelerator.step += 1


def _snapshot(state: Resumable) -> dict:
    ema = state.ema.state_dict()
    return {
        "model": {k: v.clone() for k, v in state.model.state_dict().items()},
        "optimizer": copy.deepcopy(state.optimizer.state_dict()),
        "schedule": state.lr_schedule.state_dict(),
        "ema": {**ema, "shadow_params": [p.clone() for p in ema["shadow_params"]]},
        "accelerator_step": state.accelerator.step,
    }


def _draws() -> tuple[float, float, torch.Tensor]:
    return random.random(), float(np.random.random()), torch.rand(3)


def test_a_saved_state_loads_back_exactly(tmp_path):
    state = _state()
    _train(state, 4)
    folder = tmp_path / "step-000004"
    save_training_state(folder, state, 4)
    saved, draws = _snapshot(state), _draws()
    assert sorted(p.name for p in folder.iterdir()) == [
        "ema.json",
        "ema.safetensors",
        "lr_schedule.json",
        "model.safetensors",
        "optimizer.pt",
        "rng-0.json",
        "rng-0.safetensors",
        "training_state.json",
    ]
    _train(state, 3)  # everything moves on, then the checkpoint is loaded back
    load_training_state(folder, state, 4)
    loaded = _snapshot(state)
    assert loaded["model"].keys() == saved["model"].keys()
    assert all(torch.equal(loaded["model"][k], saved["model"][k]) for k in saved["model"])
    torch.testing.assert_close(loaded["optimizer"], saved["optimizer"], rtol=0, atol=0)
    assert loaded["schedule"] == saved["schedule"]
    shadows = loaded["ema"].pop("shadow_params"), saved["ema"].pop("shadow_params")
    assert loaded["ema"] == saved["ema"]
    assert all(torch.equal(a, b) for a, b in zip(*shadows, strict=True))
    assert loaded["accelerator_step"] == saved["accelerator_step"] == 4
    after = _draws()
    assert after[:2] == draws[:2] and torch.equal(after[2], draws[2])


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")  # torch's note on the bare pickle
def test_every_file_of_a_checkpoint_holding_a_pickle_is_refused_unrun(tmp_path):
    marker = tmp_path / "ran"
    payloads = malicious_payloads(marker)
    state = _state()
    _train(state, 2)
    folder = tmp_path / "step-000002"
    save_training_state(folder, state, 2)
    for path in sorted(folder.iterdir()):
        original = path.read_bytes()
        for form, payload in payloads.items():
            path.write_bytes(payload)
            with pytest.raises(CheckpointError, match=f"^{re.escape(str(path))}: ") as refused:
                load_training_state(folder, state, 2)
            assert refused.value.path == path, form
            assert not marker.exists(), f"{path.name} as {form} ran code"
        path.write_bytes(original)
    load_training_state(folder, state, 2)  # intact again: it loads


def test_files_a_checkpoint_does_not_use_are_never_opened(tmp_path):
    """accelerate's ``save_state`` names: the moving average, random states, optimiser, schedule and
    a model in pickle form. Present with code in them, they are left unread."""
    marker = tmp_path / "ran"
    payload = malicious_payloads(marker)["torch.save"]
    state = _state()
    _train(state, 1)
    folder = tmp_path / "step-000001"
    save_training_state(folder, state, 1)
    for name in ("custom_checkpoint_0.pkl", "random_states_0.pkl", "optimizer.bin", "scheduler.bin"):
        (folder / name).write_bytes(payload)
    (folder / "pytorch_model.bin").write_bytes(payload)
    load_training_state(folder, state, 1)
    assert not marker.exists()


def test_a_checkpoint_without_its_record_or_of_another_run_is_refused(tmp_path):
    state = _state()
    _train(state, 1)
    folder = tmp_path / "step-000001"
    save_training_state(folder, state, 1)
    with pytest.raises(CheckpointError, match=r"records step 1, its folder's name says 3"):
        load_training_state(folder, state, 3)
    other = _state()
    other.parameters = list(other.model.parameters())  # another set of trained parameters
    other.ema = EMAModel(other.parameters, decay=0.9)
    with pytest.raises(CheckpointError, match=r"ema\.safetensors: holds another set of trained parameters"):
        load_training_state(folder, other, 1)
    (folder / "training_state.json").unlink()  # a save that did not finish
    with pytest.raises(CheckpointError, match=r"training_state\.json: missing: the checkpoint is unfinished"):
        load_training_state(folder, state, 1)


def test_a_tensor_file_with_more_than_tensors_is_refused_naming_it(tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "vae_state.pt"
    path.write_bytes(malicious_payloads(marker)["torch.save"])
    refusal = f"^{re.escape(str(path))}: refused: holds more than tensors and plain values"
    with pytest.raises(CheckpointError, match=refusal):
        read_tensor_file(path)
    assert not marker.exists()
    torch.save({"step": 3, "weights": torch.ones(2)}, path)
    assert read_tensor_file(path)["step"] == 3
