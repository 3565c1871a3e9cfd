"""``interanimate export``: a smaller dtype, the adapter's sampling values, and no machine paths."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file

from interanimate.adapter import SHIPPED_CHECKPOINT
from interanimate.cli import main
from interanimate.pipeline import CHECKPOINT_INFO, InterAnimatePipeline
from interanimate.presets import tiny_components


def string_values(value: object) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in string_values(item)]
    if isinstance(value, list):
        return [text for item in value for text in string_values(item)]
    return [value] if isinstance(value, str) else []


def test_export_keeps_no_machine_paths(tmp_path: Path) -> None:
    run = tmp_path / "machine" / "my-run"
    train_config = {
        "data": str(tmp_path / "machine" / "train-wide"),
        "output_dir": str(run),
        "source": "stabilityai/stable-video-diffusion-img2vid-xt-1-1",
        "mimicmotion_checkpoint": None,
    }
    InterAnimatePipeline.from_components(tiny_components(seed=0)).save_checkpoint(
        run / "final", {"variant": "full", "train_config": train_config}
    )
    destination = tmp_path / "shipped"
    code = main(["export", str(run / "final"), str(destination), "--inference", "num_inference_steps=3"])
    assert code == 0
    info = json.loads((destination / CHECKPOINT_INFO).read_text())
    assert info["exported_from"] == "my-run/final" and info["inference"] == {"num_inference_steps": 3}
    assert info["train_config"]["data"] == "train-wide" and info["train_config"]["output_dir"] == "my-run"
    assert info["train_config"]["source"] == train_config["source"]  # a hub id ships as it is
    assert not any(str(tmp_path) in text for text in string_values(info))
    stored = load_file(destination / "model" / "diffusion_pytorch_model.safetensors")
    assert {tensor.dtype for tensor in stored.values()} == {torch.float16}  # export's default dtype


def test_the_shipped_checkpoint_metadata_holds_no_absolute_path() -> None:
    info = json.loads((SHIPPED_CHECKPOINT / CHECKPOINT_INFO).read_text())
    assert not any(text.startswith("/") or ":\\" in text for text in string_values(info))
