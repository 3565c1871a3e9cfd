"""Fixtures of the leaderboard tests: Debian's Chromium for the pages, installed here if absent and possible.

Playwright drives it through its ``executable_path``, so no browser is downloaded; a test that needs it
skips with the reason only when no chromium can be found or installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None and shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "chromium"], env=env, capture_output=True, check=False
        )
        path = shutil.which("chromium")
    if path is None:
        pytest.skip(
            "Debian's chromium is not installed and cannot be installed here (needs root and apt-get)"
        )
    return path


@pytest.fixture(scope="session")
def builtin_runs(mini_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Runs of ground-truth, copy-reference and pose-warp on two classes, and a copy named with HTML."""
    from tests.leaderboard.gallery_runs import EVIL, renamed_copy, run_builtins

    root = tmp_path_factory.mktemp("builtin-runs")
    runs = run_builtins(mini_dataset, root / "runs", tmp_path_factory.mktemp("no-weights"))
    return [*runs, renamed_copy(runs[1], root / "evil" / "interhf-mini-v1", EVIL)]
