"""DisCo: person masks are given or explicitly requested, never invented; inputs as its demo takes them."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from baselines.disco import DisCo, DisCoSettings, coco_body_points
from interhf_bench.adapters.api import Case
from interhf_bench.adapters.external import ExternalMethodError, write_png_frames
from interhf_bench.io.video import read_video
from tests.baselines.driver_checks import driver_modules
from tests.conftest import shared_file

DRIVER = DisCo.external.driver.read_text()  # the driver script, as the adapter copies it

OFFICIAL_MODULES = {
    "json",
    "os",
    "sys",
    "pathlib",
    "numpy",
    "torch",
    "PIL",
    "agent",
    "config",
    "utils",
    "easydict",
}


def case(reference: np.ndarray | None = None, frames: int = 4) -> Case:
    reference = np.full((160, 96, 3), 200, np.uint8) if reference is None else reference
    poses = np.zeros((frames, 133, 3), np.float32)
    poses[:, :17] = [48, 80, 0.9]
    poses[:, 3, 2] = 0.1  # the left ear is not seen
    return Case(
        video_id="v", interaction="LH-NP", reference=reference, reference_pose=poses[0], poses=poses,
        num_frames=frames, fps=15, height=reference.shape[0], width=reference.shape[1], seed=0,
    )  # fmt: skip


def test_without_a_person_mask_it_stops_and_says_how_to_give_one(tmp_path: Path) -> None:
    with pytest.raises(ExternalMethodError, match=r"reference_masks=DIR .* or mask_source=mediapipe-selfie"):
        DisCo(DisCoSettings(checkout=str(tmp_path))).prepare_inputs(case(), tmp_path)


def test_user_masks_split_the_reference_into_foreground_and_background(tmp_path: Path) -> None:
    mask = np.zeros((160, 96, 3), np.uint8)
    mask[40:120, 30:70] = 255
    write_png_frames(mask[None], tmp_path / "masks", "v.png")
    adapter = DisCo(DisCoSettings(checkout=str(tmp_path), reference_masks=str(tmp_path / "masks")))
    job = adapter.prepare_inputs(case(), tmp_path)
    foreground = cv2.imread(job["foreground"])
    background = cv2.imread(job["background"])
    assert foreground.shape == background.shape == (160, 160, 3)  # padded to a square, 32 px each side
    assert (foreground[40:120, 62:102] == 200).all() and foreground[:40].max() == 0
    assert background[40:120, 62:102].max() == 0 and (background[:40, 32:128] == 200).all()
    poses = json.loads(Path(job["poses"]).read_text())
    assert len(poses) == 4 and poses[0][0] == [80.0, 80.0] and poses[0][3] == [-1.0, -1.0]  # shifted by 32


def test_masks_of_the_wrong_size_or_missing_are_refused(tmp_path: Path) -> None:
    write_png_frames(np.full((1, 10, 10, 3), 255, np.uint8), tmp_path / "masks", "v.png")
    adapter = DisCo(DisCoSettings(checkout=str(tmp_path), reference_masks=str(tmp_path / "masks")))
    with pytest.raises(ExternalMethodError, match="mask is 10x10, the case is 96x160"):
        adapter.prepare_inputs(case(), tmp_path)
    with pytest.raises(ExternalMethodError, match="no person mask for w"):
        adapter.person_mask(Case(**{**case().__dict__, "video_id": "w"}))


def test_the_requested_mediapipe_mask_covers_the_person_in_a_real_frame(tmp_path: Path) -> None:
    pytest.importorskip("mediapipe")
    frame = read_video(shared_file("data/media/liveportrait/s20.mp4"), [0])[0]
    mask = DisCo(DisCoSettings(checkout=str(tmp_path), mask_source="mediapipe-selfie")).person_mask(
        case(frame)
    )
    height, width = mask.shape
    assert mask[height // 3 : height // 2, width // 3 : 2 * width // 3].mean() > 0.9  # face and chest
    assert mask[:40, :40].mean() < 0.1  # the sky in the corner


def test_coco_points_as_coco2openpose_reads_them() -> None:
    points = coco_body_points(case().poses[0])
    assert len(points) == 17 and points[3] == [-1.0, -1.0] and points[0] == [48.0, 80.0]


def test_the_driver_uses_the_demos_official_entry_points() -> None:
    tree = ast.parse(DRIVER)
    assert driver_modules(DRIVER) <= OFFICIAL_MODULES
    called = {
        n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    }
    assert {"coco2openpose", "eval_demo_run_masked", "eval_demo_pre", "BaseDataset", "Net"} <= called


def test_the_case_seed_reaches_the_generator_disco_reseeds_on_every_call() -> None:
    """Net.forward seeds its generator with args.seed (the config's 42) on every call, so a seed set
    around the call is ignored: the driver gives the case seed as --seed."""
    command = next(
        n.value
        for n in ast.parse(DRIVER).body
        if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "command"
    )
    items = [ast.unparse(item) for item in command.elts]
    assert items[items.index("'--seed'") + 1] == "str(job['seed'])"


def test_256_squares_are_mapped_back(tmp_path: Path) -> None:
    frames = np.zeros((4, 256, 256, 3), np.uint8)
    frames[:, :, 51:205] = 90  # the 96-wide frame inside a 160 square spans 51.2..204.8 of 256
    write_png_frames(frames, tmp_path / "out")
    collected = DisCo(DisCoSettings(checkout=str(tmp_path))).collect(tmp_path, case())
    assert collected.shape == (4, 160, 96, 3) and (collected[:, :, 1:-1] == 90).all()


def fake_trainer() -> SimpleNamespace:
    """Agent_LDM with DisCo's Net: a pose ControlNet, a background one and a frozen UNet, base values."""
    import torch

    names = ("controlnet.nets.0.conv", "controlnet.nets.1.conv", "unet.conv")
    return SimpleNamespace(model=SimpleNamespace(state_dict=lambda: {n: torch.zeros(2, 2) for n in names}))


def released_loader(loaded: list) -> dict:
    """The driver's ``load_released_weights`` with DisCo's ``adaptively_load_state_dict`` recorded."""
    node = next(
        n
        for n in ast.parse(DRIVER).body
        if isinstance(n, ast.FunctionDef) and n.name == "load_released_weights"
    )
    constant = next(
        n
        for n in ast.parse(DRIVER).body
        if isinstance(n, ast.Assign) and n.targets[0].id == "POSE_CONTROLNET"
    )
    namespace: dict = {
        "sys": __import__("sys"),
        "torch": __import__("torch"),
        "adaptively_load_state_dict": lambda model, state: loaded.append(sorted(state)),
    }
    exec(compile(ast.Module([constant, node], []), "driver", "exec"), namespace)
    return namespace


def test_the_released_deepspeed_weights_are_loaded_and_a_checkpoint_without_the_pose_net_is_refused(
    tmp_path: Path,
) -> None:
    """Without --deepspeed the agent's from_pretrained reads only 'models'/'model' keys, and the released
    checkpoints keep theirs under 'module': the driver loads 'module' as the agent's DeepSpeed-layout
    loader does, and stops when it does not give every pose ControlNet tensor (the pose would silently
    have no effect). Frozen parts equal to the base weights are fine: fine-tuning froze the UNet."""
    import torch

    loaded: list = []
    load = released_loader(loaded)["load_released_weights"]
    full = {name: torch.zeros(2, 2) for name in fake_trainer().model.state_dict()}  # values as the base's
    torch.save({"module": full, "global_steps": 1}, tmp_path / "released.pt")
    load(fake_trainer(), str(tmp_path / "released.pt"))
    assert loaded == [sorted(full)]
    torch.save({"model": full}, tmp_path / "other-layout.pt")
    torch.save({"module": {"unet.conv": torch.zeros(2, 2)}}, tmp_path / "no-pose.pt")
    torch.save({"module": {**full, "controlnet.nets.0.conv": torch.zeros(3)}}, tmp_path / "wrong-shape.pt")
    for name in ("other-layout.pt", "no-pose.pt", "wrong-shape.pt"):
        with pytest.raises(SystemExit, match="misses 1 of the pose ControlNet's 1"):
            load(fake_trainer(), str(tmp_path / name))
    assert len(loaded) == 1
    calls = [n for n in ast.walk(ast.parse(DRIVER)) if isinstance(n, ast.Call)]
    assert any(getattr(c.func, "id", "") == "load_released_weights" for c in calls)
