"""The external-checkout adapter family with a stand-in method, and ``interhf-bench baselines setup``."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from baselines.packaged import DRIVER_HELPER
from interhf_bench.adapters.api import AdapterMeta, Case
from interhf_bench.adapters.external import (
    ExternalAdapter,
    ExternalMethodError,
    ExternalSettings,
    ExternalSpec,
    WeightSpec,
    write_png_frames,
)
from interhf_bench.cli import main
from interhf_bench.io.frames import frame_files, read_frames

WEIGHT = b"official weights"
DIGEST = hashlib.sha256(WEIGHT).hexdigest()

ECHO_DRIVER = """import sys
import numpy as np
from PIL import Image
from interhf_driver_io import load_job, save_frames  # the baselines' shared helper, copied beside it
job = load_job()
if job.get("fail"):
    sys.exit("the official code failed: CUDA out of memory")
reference = np.asarray(Image.open(job["reference"]).convert("RGB"))
# plus an anchor frame, as MimicMotion's output has
save_frames([reference] * (job["frames"] + 1), job["output_dir"], "frame_{}.png")
"""


def make_checkout(root: Path) -> str:
    root.mkdir(parents=True)
    (root / "models").mkdir()
    (root / "models" / "w.bin").write_bytes(WEIGHT)
    run = {"cwd": root, "check": True, "capture_output": True}
    subprocess.run(["git", "init", "-q"], **run)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "x"],
        **run,
    )
    return subprocess.run(["git", "rev-parse", "HEAD"], text=True, **run).stdout.strip()


def echo_adapter(commit: str, files: Path) -> type[ExternalAdapter]:
    """A stand-in method whose driver (written into ``files``) copies the reference into every frame."""
    files.mkdir(parents=True, exist_ok=True)
    (files / "echo_driver.py").write_text(ECHO_DRIVER)

    class Echo(ExternalAdapter):
        meta = AdapterMeta(name="echo", display_name="Echo", kind="external")
        external = ExternalSpec(
            repo_url="https://example.org/echo",
            commit=commit,
            requirements=files / "echo.txt",
            driver=files / "echo_driver.py",
            driver_support=(DRIVER_HELPER,),
            imports=("json", "cv2"),
            weights=(
                WeightSpec(
                    "models/w.bin",
                    "https://example.org/w.bin",
                    "MIT",
                    len(WEIGHT),
                    hashlib.sha256(WEIGHT).hexdigest(),
                ),
            ),
            resolution="as given",
            pose_signal="none",
        )

        def prepare_inputs(self, case: Case, workdir: Path) -> dict[str, Any]:
            write_png_frames(case.reference[None], workdir, "reference.png")
            return {
                "reference": str(workdir / "reference.png"),
                "frames": case.num_frames,
                "fail": case.video_id == "bad",
            }

        def collect(self, workdir: Path, case: Case) -> np.ndarray:
            return read_frames(frame_files(workdir / "out", "frame_*.png")[1:])  # drop the anchor

    return Echo


def case(video_id: str = "v") -> Case:
    rng = np.random.default_rng(0)
    return Case(
        video_id=video_id, interaction="LH-NP", reference=rng.integers(0, 255, (16, 8, 3), dtype=np.uint8),
        reference_pose=np.zeros((133, 3), np.float32), poses=np.zeros((12, 133, 3), np.float32),
        num_frames=12, fps=15, height=16, width=8, seed=0,
    )  # fmt: skip


def test_a_ready_checkout_passes_every_check_and_runs_cases(tmp_path: Path) -> None:
    commit = make_checkout(tmp_path / "echo")
    adapter = echo_adapter(commit, tmp_path / "files")(
        ExternalSettings(checkout=str(tmp_path / "echo"), python=sys.executable)
    )
    checks = adapter.check_setup()
    assert all(check.ok for check in checks), checks
    assert "sha256 verified" in checks[-1].detail
    adapter.setup("cpu")
    frames = adapter.generate(case())
    assert frames.shape == (12, 16, 8, 3)
    np.testing.assert_array_equal(frames[5], case().reference)  # lossless PNGs both ways
    assert frame_files(tmp_path, "nothing*") == []


def test_the_official_codes_failure_is_reported_with_its_message(tmp_path: Path) -> None:
    commit = make_checkout(tmp_path / "echo")
    adapter = echo_adapter(commit, tmp_path / "files")(
        ExternalSettings(checkout=str(tmp_path / "echo"), python=sys.executable)
    )
    with pytest.raises(ExternalMethodError, match=r"exited with 1:\n.*CUDA out of memory"):
        adapter.generate(case("bad"))


def test_every_missing_piece_is_named_with_its_fix(tmp_path: Path) -> None:
    commit = make_checkout(tmp_path / "echo")
    (tmp_path / "echo" / "models" / "w.bin").write_bytes(b"tampered!!!!!!!!")
    adapter_class = echo_adapter("0" * 40, tmp_path / "files")
    adapter = adapter_class(
        ExternalSettings(checkout=str(tmp_path / "echo"), python=str(tmp_path / "no-python"))
    )
    checks = {check.item: check for check in adapter.check_setup()}
    assert not checks["checkout"].ok and f"at {commit}, pinned {'0' * 40}" in checks["checkout"].detail
    assert not checks["environment"].ok and "pip install -r" in checks["environment"].fix
    assert not checks["models/w.bin"].ok and "sha256" in checks["models/w.bin"].detail
    with pytest.raises(ExternalMethodError, match="echo is not set up \\(2 problem"):
        adapter.setup("cpu")  # sizes only at run time (hashing GBs per run is `baselines setup`'s job)


def test_an_environment_that_cannot_import_the_method_is_reported(tmp_path: Path) -> None:
    commit = make_checkout(tmp_path / "echo")
    adapter_class = echo_adapter(commit, tmp_path / "files")
    adapter_class.external = ExternalSpec(
        **{**adapter_class.external.__dict__, "imports": ("no_such_module_xyz",)}
    )
    adapter = adapter_class(ExternalSettings(checkout=str(tmp_path / "echo"), python=sys.executable))
    environment = next(check for check in adapter.check_setup() if check.item == "environment")
    assert not environment.ok and "No module named 'no_such_module_xyz'" in environment.detail


def test_baselines_setup_explains_what_a_fresh_machine_needs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["baselines", "setup", "mimicmotion", "--checkout", str(tmp_path / "mm")]) == 1
    out = capsys.readouterr().out
    assert "git clone https://github.com/Tencent/MimicMotion" in out
    assert "pip install -r" in out and "baselines/envs/mimicmotion.txt" in out
    svd = "models/stable-video-diffusion-img2vid-xt-1-1"
    for weight in (
        "models/MimicMotion_1-1.pth",
        f"{svd}/vae/diffusion_pytorch_model.fp16.safetensors",  # the loader's fp16 VAE and CLIP encoder
        f"{svd}/image_encoder/model.fp16.safetensors",
    ):
        assert f"[MISSING] {weight}: missing" in out
    assert "models/DWPose" not in out  # the driver never runs DWPose: the dataset gives the keypoints
    assert "10 problem(s)" in out


def test_in_process_methods_need_no_setup(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["baselines", "setup", "mimicmotion-native"]) == 1
    assert "runs in-process" in capsys.readouterr().err
