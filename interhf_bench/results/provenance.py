"""Where a result came from: package and git versions, libraries, hardware, command line.

Collected without importing torch when it is not loaded yet, so the CLI stays light; the run loads
torch anyway when a method or a network metric needs it.
"""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from interhf_bench import __version__

LIBRARIES = (
    "numpy",
    "opencv-python-headless",
    "scikit-image",
    "scipy",
    "torch",
    "torchvision",
    "lpips",
    "pytorch-fid",
)


def git_state(path: Path | None = None) -> dict[str, Any]:
    """``{"commit": sha, "dirty": bool}`` of the git checkout holding ``path`` (this package by default).

    ``None`` values when the package is not installed from a git checkout (e.g. from a wheel).
    """
    where = path or Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=where,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


def library_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def device_info(device: str) -> dict[str, Any]:
    """The accelerator behind ``device`` and the determinism switches that affect GPU results."""
    info: dict[str, Any] = {"device": device, "cpu": platform.processor() or platform.machine()}
    torch = sys.modules.get("torch")
    if torch is None:
        return info
    info["torch_threads"] = torch.get_num_threads()
    info["cuda_version"] = torch.version.cuda
    if device.startswith("cuda") and torch.cuda.is_available():
        index = torch.device(device).index or 0
        info["gpu"] = torch.cuda.get_device_name(index)
        info["cudnn_version"] = torch.backends.cudnn.version()
        info["cudnn_deterministic"] = torch.backends.cudnn.deterministic
        info["cudnn_benchmark"] = torch.backends.cudnn.benchmark
    return info


def environment(device: str) -> dict[str, Any]:
    return {
        "interhf_bench_version": __version__,
        "git": git_state(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "libraries": library_versions(),
        "hardware": device_info(device),
        "command": sys.argv,
    }
