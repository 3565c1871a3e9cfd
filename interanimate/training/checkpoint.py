"""Training checkpoints as tensors and plain values: resuming a run unpickles nothing but tensors.

A checkpoint folder may come from someone else, and reading it must not run code from it. accelerate's
``save_state`` pickles the objects registered with it (the moving average) and its ``load_state``
unpickles them in full, so the loop saves and loads its state here instead. A ``step-NNNNNN/`` folder:

==============================  ======================================================================
``model.safetensors``           the model's weights
``optimizer.pt``                the optimiser's state dict (nested dicts of tensors and numbers), read
                                with ``torch.load(weights_only=True)``
``lr_schedule.json``            the learning-rate schedule's state
``grad_scaler.json``            fp16's loss scale (``mixed_precision: fp16`` only)
``ema.safetensors``             the moving average, one tensor per trained parameter, by name
                                (``ema_decay`` only)
``ema.json``                    the moving average's decay settings and its step
``rng-<process>.json``          that process's Python and NumPy random states
``rng-<process>.safetensors``   its torch random states (CPU, and each GPU's)
``training_state.json``         the step, accelerate's step counter, the processes, whether there is a
                                moving average; written last
==============================  ======================================================================

Every refused or unreadable file raises :class:`CheckpointError`, whose message starts with its path.
"""

from __future__ import annotations

import json
import pickle
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from accelerate import Accelerator
from diffusers.training_utils import EMAModel
from safetensors import SafetensorError
from safetensors.torch import load_file, load_model, save_file, save_model

MODEL = "model.safetensors"
OPTIMIZER = "optimizer.pt"
LR_SCHEDULE = "lr_schedule.json"
GRAD_SCALER = "grad_scaler.json"
EMA_WEIGHTS = "ema.safetensors"
EMA_SETTINGS = "ema.json"
STATE = "training_state.json"
EMA_KEYS = frozenset(
    {"decay", "min_decay", "optimization_step", "update_after_step", "use_ema_warmup", "inv_gamma", "power"}
)


class CheckpointError(ValueError):
    """A checkpoint file refused (it holds more than tensors and plain values) or unreadable."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.path = path


@dataclass
class Resumable:
    """What a checkpoint holds the state of; ``model`` unwrapped, ``parameters`` the trained ones."""

    accelerator: Accelerator
    model: torch.nn.Module
    optimizer: torch.optim.Optimizer
    lr_schedule: torch.optim.lr_scheduler.LRScheduler
    parameters: list[torch.nn.Parameter]
    ema: EMAModel | None


# -- files of tensors and plain values ----------------------------------------------------------------


def read_tensor_file(path: Path, map_location: str | torch.device = "cpu") -> Any:
    """``torch.load`` restricted to tensors and plain containers (``weights_only``); a file that needs
    anything else (an object whose unpickling could run code) is refused, naming the file."""
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(path, "missing") from None
    except pickle.UnpicklingError as error:
        why = _unpickling_detail(str(error))
        raise CheckpointError(path, f"refused: holds more than tensors and plain values ({why})") from None
    except (RuntimeError, EOFError, OSError) as error:
        raise CheckpointError(path, f"not a readable torch file ({error})") from None


def _unpickling_detail(message: str) -> str:
    """The line of torch's refusal that names what the file wanted (its advice to load the file in
    full is what must not happen to a file from someone else)."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    wanted = (line for line in lines if "unsupported" in line.lower() or "global" in line.lower())
    return next(wanted, lines[-1] if lines else "")


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object, or an error naming the file (a pickle in its place is not JSON)."""
    try:
        value = json.loads(path.read_text())
    except FileNotFoundError:
        raise CheckpointError(path, "missing") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointError(path, f"not JSON ({error})") from None
    if not isinstance(value, dict):
        raise CheckpointError(path, f"holds a {type(value).__name__}, not a JSON object")
    return value


def read_safetensors(path: Path, device: str | torch.device = "cpu") -> dict[str, torch.Tensor]:
    """A safetensors file's tensors (a format with no code in it), or an error naming the file."""
    if not path.is_file():
        raise CheckpointError(path, "missing")
    try:
        return load_file(path, device=str(device))
    except (SafetensorError, OSError) as error:
        raise CheckpointError(path, f"not a safetensors file ({error})") from None


def _write_json(path: Path, value: dict[str, Any]) -> None:
    path.write_text(json.dumps(value, indent=1) + "\n")


def _rng_names(process: int) -> tuple[str, str]:
    return f"rng-{process}.json", f"rng-{process}.safetensors"


# -- save ---------------------------------------------------------------------------------------------


def save_training_state(folder: Path, state: Resumable, step: int) -> None:
    """Write ``folder`` (every process calls this: each writes its random states, the main process the
    rest); ``training_state.json`` comes last, once every process has written its part."""
    accelerator = state.accelerator
    folder.mkdir(parents=True, exist_ok=True)
    _save_random_states(folder, accelerator.process_index)
    if accelerator.is_main_process:
        save_model(state.model, str(folder / MODEL))
        torch.save(state.optimizer.state_dict(), folder / OPTIMIZER)
        _write_json(folder / LR_SCHEDULE, state.lr_schedule.state_dict())
        if accelerator.scaler is not None:
            _write_json(folder / GRAD_SCALER, accelerator.scaler.state_dict())
        if state.ema is not None:
            _save_ema(folder, state)
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        record = {
            "step": step,
            "accelerator_step": accelerator.step,
            "processes": accelerator.num_processes,
            "ema": state.ema is not None,
        }
        _write_json(folder / STATE, record)


def _parameter_names(model: torch.nn.Module, parameters: list[torch.nn.Parameter]) -> list[str]:
    """The names of ``parameters`` in ``model``: the moving average is stored by name, so a checkpoint
    of another set of trained parameters is refused rather than loaded into the wrong ones."""
    names = {id(parameter): name for name, parameter in model.named_parameters()}
    return [names[id(parameter)] for parameter in parameters]


def _save_ema(folder: Path, state: Resumable) -> None:
    ema_state = state.ema.state_dict()
    shadows = ema_state.pop("shadow_params")
    names = _parameter_names(state.model, state.parameters)
    save_file(
        {name: shadow.detach().contiguous().cpu() for name, shadow in zip(names, shadows, strict=True)},
        str(folder / EMA_WEIGHTS),
    )
    _write_json(folder / EMA_SETTINGS, ema_state)


def _save_random_states(folder: Path, process: int) -> None:
    """Python's and NumPy's generators as JSON numbers, torch's as byte tensors."""
    version, internal, gauss_next = random.getstate()
    bit_generator, key, position, has_gauss, cached_gaussian = np.random.get_state()
    plain = {
        "python": {"version": version, "state": list(internal), "gauss_next": gauss_next},
        "numpy": {
            "bit_generator": bit_generator,
            "key": key.tolist(),
            "pos": int(position),
            "has_gauss": int(has_gauss),
            "cached_gaussian": float(cached_gaussian),
        },
    }
    tensors = {"cpu": torch.get_rng_state()}
    if torch.cuda.is_available():
        tensors |= {f"cuda.{index}": state for index, state in enumerate(torch.cuda.get_rng_state_all())}
    json_name, tensors_name = _rng_names(process)
    _write_json(folder / json_name, plain)
    save_file(tensors, str(folder / tensors_name))


# -- load ---------------------------------------------------------------------------------------------


def load_training_state(folder: Path, state: Resumable, step: int) -> None:
    """Load ``folder`` (saved at ``step``) into ``state``: model, optimiser, schedule, loss scale,
    random states, accelerate's step counter and the moving average.

    Reads only safetensors, JSON and ``weights_only`` torch files; other files in the folder (pickles of
    accelerate's ``save_state`` among them) are never opened.
    """
    accelerator = state.accelerator
    record = _check_record(folder, state, step)
    # accelerate's load_state puts the model and optimiser on the device when several processes run
    map_location = accelerator.device if accelerator.num_processes > 1 else torch.device("cpu")
    _load_model(folder / MODEL, state.model, map_location)
    _load_optimizer(folder / OPTIMIZER, state.optimizer, map_location)
    _load_plain_state(folder / LR_SCHEDULE, state.lr_schedule)
    if accelerator.scaler is not None:
        _load_plain_state(folder / GRAD_SCALER, accelerator.scaler)
    _load_random_states(folder, accelerator.process_index)
    accelerator.step = record["accelerator_step"]
    if state.ema is not None:
        _load_ema(folder, state)


def _check_record(folder: Path, state: Resumable, step: int) -> dict[str, Any]:
    """``training_state.json``: written last, so its absence means an unfinished or foreign folder;
    the run must match it in processes and in having a moving average."""
    path = folder / STATE
    if not path.is_file():
        raise CheckpointError(
            path, "missing: the checkpoint is unfinished or was not written by `interanimate train`"
        )
    record = read_json(path)
    expected = {"step": int, "accelerator_step": int, "processes": int, "ema": bool}
    if record.keys() != expected.keys() or any(type(record[k]) is not t for k, t in expected.items()):
        raise CheckpointError(path, f"expected the keys {sorted(expected)} with int and bool values")
    if record["step"] != step:
        raise CheckpointError(path, f"records step {record['step']}, its folder's name says {step}")
    processes = state.accelerator.num_processes
    if record["processes"] != processes:
        raise CheckpointError(
            path,
            f"saved by {record['processes']} processes, resumed with {processes}; the schedule and the "
            "data order count in processes: resume with the number the run started with",
        )
    if record["ema"] != (state.ema is not None):
        has, setting = ("has a", "sets no ema_decay") if record["ema"] else ("has no", "sets ema_decay")
        raise ValueError(
            f"{folder} {has} moving average of the weights but this config {setting}; resume with "
            "the ema_decay the run started with, or start a new output_dir"
        )
    return record


def _load_model(path: Path, model: torch.nn.Module, map_location: torch.device) -> None:
    if not path.is_file():
        raise CheckpointError(path, "missing")
    try:
        load_model(model, str(path), device=str(map_location))
    except (SafetensorError, OSError) as error:
        raise CheckpointError(path, f"not a safetensors file ({error})") from None
    except RuntimeError as error:
        raise CheckpointError(path, f"does not fit the model ({error})") from None


def _load_optimizer(path: Path, optimizer: torch.optim.Optimizer, map_location: torch.device) -> None:
    saved = read_tensor_file(path, map_location)
    try:
        optimizer.load_state_dict(saved)
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(path, f"does not fit the optimiser ({error!r})") from None


def _load_plain_state(path: Path, target: Any) -> None:
    """A state dict of plain values (schedule, loss scale) with the same keys as ``target``'s own."""
    saved = read_json(path)
    if saved.keys() != target.state_dict().keys():
        raise CheckpointError(path, f"expected the keys {sorted(target.state_dict())}, found {sorted(saved)}")
    target.load_state_dict(saved)


def _load_random_states(folder: Path, process: int) -> None:
    json_name, tensors_name = _rng_names(process)
    plain = read_json(folder / json_name)
    tensors = read_safetensors(folder / tensors_name)
    try:
        python, numpy_state = plain["python"], plain["numpy"]
        random.setstate((python["version"], tuple(python["state"]), python["gauss_next"]))
        np.random.set_state(
            (
                numpy_state["bit_generator"],
                np.asarray(numpy_state["key"], dtype=np.uint32),
                numpy_state["pos"],
                numpy_state["has_gauss"],
                numpy_state["cached_gaussian"],
            )
        )
    except (KeyError, TypeError, ValueError, OverflowError) as error:
        raise CheckpointError(folder / json_name, f"not Python and NumPy random states ({error!r})") from None
    try:
        torch.set_rng_state(tensors["cpu"])
        cuda = [tensors[key] for key in sorted(tensors, key=_cuda_index) if key.startswith("cuda.")]
        if cuda and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(cuda)
    except (KeyError, RuntimeError, ValueError) as error:
        raise CheckpointError(folder / tensors_name, f"not torch random states ({error!r})") from None


def _cuda_index(key: str) -> int:
    return int(key.removeprefix("cuda.")) if key.startswith("cuda.") else -1


def _load_ema(folder: Path, state: Resumable) -> None:
    """The moving average's settings from JSON and its weights from safetensors, each on the device and
    in the dtype of its parameter (as ``EMAModel`` keeps them)."""
    settings_path, weights_path = folder / EMA_SETTINGS, folder / EMA_WEIGHTS
    settings = read_json(settings_path)
    if settings.keys() != EMA_KEYS:
        raise CheckpointError(
            settings_path, f"expected the keys {sorted(EMA_KEYS)}, found {sorted(settings)}"
        )
    saved = read_safetensors(weights_path)
    names = _parameter_names(state.model, state.parameters)
    if set(saved) != set(names):
        missing, extra = sorted(set(names) - set(saved)), sorted(set(saved) - set(names))
        raise CheckpointError(
            weights_path,
            f"holds another set of trained parameters (missing {missing[:3]}, extra {extra[:3]}); "
            "resume with the trainable_unet the run started with",
        )
    shadows = []
    for name, parameter in zip(names, state.parameters, strict=True):
        if saved[name].shape != parameter.shape:
            raise CheckpointError(
                weights_path, f"{name} has shape {tuple(saved[name].shape)}, not {tuple(parameter.shape)}"
            )
        shadows.append(saved[name].to(device=parameter.device, dtype=parameter.dtype, copy=True))
    try:
        state.ema.load_state_dict({**settings, "shadow_params": shadows})
    except (TypeError, ValueError) as error:
        raise CheckpointError(settings_path, f"not the moving average's settings ({error})") from None
