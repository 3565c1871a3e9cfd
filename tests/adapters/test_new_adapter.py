"""``new-adapter``: the template installs, is listed as a plugin, runs, and passes its own tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from interhf_bench.adapters.template import package_names, render_files
from interhf_bench.cli import main
from interhf_bench.results.metrics_file import MetricsFile
from tests.conftest import TINY

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("name", "names"),
    [
        ("my-method", ("interhf_my_method", "interhf-my-method", "MyMethodAdapter")),
        ("my-method.v2", ("interhf_my_method_v2", "interhf-my-method-v2", "MyMethodV2Adapter")),
        ("3d_anim-", ("interhf_3d_anim", "interhf-3d-anim", "Method3dAnimAdapter")),
    ],
)
def test_names_are_derived_from_the_method_name(name: str, names: tuple[str, str, str]) -> None:
    assert package_names(name) == names


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("My Method", "'My Method' is not a method name"),
        ("-method", "'-method' is not a method name"),
        ("my/method", "'my/method' is not a method name"),
        ("copy-reference", "'copy-reference' is a built-in method"),
        ("bench", "would make the package 'interhf_bench'"),
    ],
)
def test_bad_names_are_refused(
    name: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new-adapter", "--out", str(tmp_path), "--", name]) == 1
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_never_overwritten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-adapter", "my-method", "--out", str(tmp_path)]) == 0
    adapter = tmp_path / "interhf-my-method" / "src" / "interhf_my_method" / "adapter.py"
    adapter.write_text("# my model\n")
    capsys.readouterr()
    assert main(["new-adapter", "my-method", "--out", str(tmp_path)]) == 1
    assert "interhf-my-method already exists" in capsys.readouterr().err
    assert adapter.read_text() == "# my model\n"


def test_the_files_are_valid() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    files = render_files("my-method.v2")
    assert sorted(map(str, files)) == [
        "README.md",
        "pyproject.toml",
        "src/interhf_my_method_v2/__init__.py",
        "src/interhf_my_method_v2/adapter.py",
        "tests/test_adapter.py",
    ]
    project = tomllib.loads(files[Path("pyproject.toml")])["project"]
    assert project["name"] == "interhf-my-method-v2"
    assert project["entry-points"]["interhf_bench.adapters"] == {
        "my-method.v2": "interhf_my_method_v2.adapter:MyMethodV2Adapter"
    }
    assert any(dependency.startswith("interhf-bench>=") for dependency in project["dependencies"])
    for path, text in files.items():
        if path.suffix == ".py":
            compile(text, str(path), "exec")
    assert "TODO" in files[Path("src/interhf_my_method_v2/adapter.py")]


def _run(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure the assertion shows its output."""
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}\n{done.stderr}"
    return done


def test_installed_template_is_listed_runs_and_passes_its_tests(tiny_dataset: Path, tmp_path: Path) -> None:
    pytest.importorskip("setuptools.build_meta", reason="pip --no-build-isolation needs setuptools")
    assert main(["new-adapter", "lab-method.v2", "--out", str(tmp_path)]) == 0
    package, site = tmp_path / "interhf-lab-method-v2", tmp_path / "site"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
        "INTERHF_BENCH_CACHE": str(tmp_path / "cache"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    python = [sys.executable, "-m"]
    install = ["pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index"]
    _run([*python, *install, "--target", str(site), str(package)], env, tmp_path)

    listed = _run([*python, "interhf_bench", "ls", "methods"], env, tmp_path).stdout
    line = next(line for line in listed.splitlines() if line.split()[:1] == ["lab-method.v2"])
    assert "plugin interhf-lab-method-v2" in line

    (tiny_dataset / "protocol.json").write_text(json.dumps(TINY.as_dict()))
    data = ["--data", str(tiny_dataset), "--protocol", str(tiny_dataset / "protocol.json")]
    out = ["--limit", "2", "--out", str(tmp_path / "runs"), "--no-progress"]
    _run([*python, "interhf_bench", "run", "--method", "lab-method.v2", *data, *out], env, tmp_path)
    run_dir = tmp_path / "runs" / "lab-method.v2" / TINY.id
    metrics = MetricsFile.model_validate_json((run_dir / "metrics.json").read_text())
    assert metrics.n_evaluated == 2 and metrics.overall["psnr"].value is not None
    meta = json.loads((run_dir / "run_meta.json").read_text())
    assert meta["method"]["origin"] == "plugin interhf-lab-method-v2"
    assert meta["method"]["settings"] == {"pose_weight": 0.3}
    assert meta["scoring_process"] == "fresh"  # a plugin ran here: scored in a new process without it
    origins = {code["origin"] for code in meta["third_party_code"]}
    assert origins == {"plugin interhf-lab-method-v2 0.1.0"}, origins

    own_tests = [*python, "pytest", "-q", "-p", "no:cacheprovider", str(package / "tests")]
    assert "2 passed" in _run(own_tests, env, package).stdout
