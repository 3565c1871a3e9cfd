"""Real runs of the built-in methods for the gallery tests, on two classes of the embedded set.

The metric networks' weights are hidden while they run, so only the pixel metrics (and their hand, face
and interaction region versions) are computed: seconds instead of minutes, and the same in CI.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from interhf_bench.runner.run import RunConfig, run_method

METHODS = ("ground-truth", "copy-reference", "pose-warp")
CLASSES = ["LC-SF", "LH-NP"]
EVIL = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def run_builtins(data: Path, out: Path, weights: Path) -> list[Path]:
    """One run folder per built-in method, on the test videos of :data:`CLASSES`."""
    folders = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INTERHF_BENCH_WEIGHTS", str(weights))
        for method in METHODS:
            config = RunConfig(method=method, data=data, out=out, classes=CLASSES, progress=False,
                               hand_detector="none")  # fmt: skip
            folders.append(run_method(config).run_dir)
    return folders


def renamed_copy(run: Path, target: Path, display_name: str) -> Path:
    """A copy of a run whose method calls itself ``display_name`` (as a submission may)."""
    shutil.copytree(run, target)
    meta_path = target / "run_meta.json"
    meta = json.loads(meta_path.read_text())
    meta["method"]["meta"]["display_name"] = display_name
    meta_path.write_text(json.dumps(meta))
    return target
