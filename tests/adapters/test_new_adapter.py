"""``new-adapter``: the template package installs, is listed as a plugin, runs, and passes its own test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from interhf_bench.adapters.template import package_names
from interhf_bench.cli import main
from interhf_bench.results.metrics_file import MetricsFile
from tests.conftest import TINY

ROOT = Path(__file__).resolve().parents[2]


def test_bad_names_and_no_overwrite(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'My Method' is not a method name"):
        package_names("My Method")
    assert package_names("my-method.v2") == (
        "interhf_my_method_v2",
        "interhf-my-method-v2",
        "MyMethodV2Adapter",
    )
    assert main(["new-adapter", "my-method", "--out", str(tmp_path / "pkg")]) == 0
    assert main(["new-adapter", "my-method", "--out", str(tmp_path / "pkg")]) == 1  # exists: refused


def test_installed_template_is_listed_runs_and_passes_its_test(tiny_dataset: Path, tmp_path: Path) -> None:
    assert main(["new-adapter", "lab-method", "--out", str(tmp_path / "lab-method")]) == 0
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target",
         str(site), str(tmp_path / "lab-method")],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
        "INTERHF_BENCH_CACHE": str(tmp_path / "cache"),
    }
    listed = subprocess.run(
        [sys.executable, "-m", "interhf_bench", "ls", "methods"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in listed.stdout.splitlines() if "lab-method" in line)
    assert "plugin interhf-lab-method" in line
    (tiny_dataset / "protocol.json").write_text(json.dumps(TINY.as_dict()))
    run = [
        sys.executable,
        "-m",
        "interhf_bench",
        "run",
        "--method",
        "lab-method",
        "--data",
        str(tiny_dataset),
    ]
    run += [
        "--protocol",
        str(tiny_dataset / "protocol.json"),
        "--limit",
        "2",
        "--out",
        str(tmp_path / "runs"),
    ]
    subprocess.run([*run, "--no-progress"], env=env, capture_output=True, text=True, check=True, cwd=tmp_path)
    metrics = MetricsFile.model_validate_json(
        (tmp_path / "runs/lab-method/test-tiny/metrics.json").read_text()
    )
    assert metrics.n_evaluated == 2 and metrics.overall["psnr"].value is not None
    meta = json.loads((tmp_path / "runs/lab-method/test-tiny/run_meta.json").read_text())
    assert meta["method"]["origin"] == "plugin interhf-lab-method"
    package = tmp_path / "lab-method"
    own_test = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(package / "tests")],
        env=env, capture_output=True, text=True, cwd=package,
    )  # fmt: skip
    assert own_test.returncode == 0, own_test.stdout + own_test.stderr
