"""The six environments: a stated Python each, nothing that needs more than a package registry, the
modules the official code imports, and (slow) a real dry-run resolution against the registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from baselines.environments import dry_run, find_python, host_reachable
from baselines.packaged import requirements_after, requirements_file, stated_python
from interhf_bench.adapters.registry import MethodRegistry

BASELINES = ("disco", "animateanyone", "magicanimate", "mimicmotion", "dispose", "stableanimator")


def requirement_names(method: str) -> dict[str, str]:
    """``{name: line}`` of the requirement lines of ``envs/<method>.txt`` (lower case, extras dropped)."""
    lines = [line.strip() for line in requirements_file(method).read_text().splitlines()]
    lines = [line for line in lines if line and not line.startswith(("#", "-"))]
    return {line.split("==")[0].split("[")[0].lower().replace("_", "-"): line for line in lines}


@pytest.mark.parametrize("method", BASELINES)
def test_each_environment_states_a_python_that_its_pins_have_wheels_for(method: str) -> None:
    version = stated_python(method)
    assert version in {"3.8", "3.9", "3.10", "3.11"}  # torch 2.0-2.5 and numpy < 2 wheels
    assert MethodRegistry().load(method).external.python == version


@pytest.mark.parametrize("method", BASELINES)
def test_every_requirement_installs_from_a_package_registry(method: str) -> None:
    for line in requirement_names(method).values():
        assert "git+" not in line and "://" not in line, f"{method}: {line} needs more than a registry"


def test_disco_has_the_modules_its_agent_imports_and_a_hub_with_cached_download() -> None:
    names = requirement_names("disco")
    assert {"toolz", "msgpack", "configobj", "h5py", "json-lines", "pandas", "future", "psutil"} <= set(names)
    hub = tuple(int(part) for part in names["huggingface-hub"].split("==")[1].split(".")[:2])
    assert hub < (0, 26)  # diffusers 0.14.0 imports cached_download, removed in huggingface_hub 0.26
    after = requirements_after("disco")
    assert after is not None and "deepspeed==" in after.read_text()  # its build imports the installed torch
    assert "deepspeed" not in names


def test_disco_pins_a_protobuf_that_tensorboardx_2_4_imports_with() -> None:
    """DisCo's utils import tensorboardX 2.4.1, whose generated code fails under protobuf 4 ("Descriptors
    cannot be created directly", met in the smoke run); its README installs protobuf 3.20.0."""
    names = requirement_names("disco")
    assert names["tensorboardx"] == "tensorboardX==2.4.1" and names["protobuf"] == "protobuf==3.20.0"


def test_dispose_has_imageio_which_its_visualizer_imports() -> None:
    assert "imageio" in requirement_names("dispose")


@pytest.mark.parametrize("method", ["animateanyone", "magicanimate"])
def test_av_is_pinned_to_a_release_with_wheels(method: str) -> None:
    assert requirement_names(method)["av"] == "av==12.0.0"  # 10.0.0 and 11.0.0: sdists that fail to build


@pytest.mark.slow
@pytest.mark.parametrize("method", BASELINES)
def test_the_environment_resolves_against_the_registry(method: str, tmp_path: Path) -> None:
    """``pip install --dry-run`` of envs/<method>.txt in a venv of the stated Python."""
    if find_python(stated_python(method)) is None:
        pytest.skip(f"no Python {stated_python(method)} here (python{stated_python(method)} or pyenv)")
    if not host_reachable("https://pypi.org/simple/"):
        pytest.skip("the package registry (pypi.org) is unreachable")
    results = dry_run(method, tmp_path)
    assert all(result.ok for result in results), results[-1].output_tail
    assert "Would install" in results[-1].output_tail and "torch-" in results[-1].output_tail
