"""Every published baseline is listed with its metadata and `baselines setup` says what it needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from baselines.packaged import DRIVER_HELPER, SMOKE_HELPER, stated_python
from interhf_bench.adapters.external import ExternalAdapter
from interhf_bench.adapters.registry import MethodRegistry
from interhf_bench.cli import main
from tests.baselines.driver_checks import imported_modules

BASELINES = ("disco", "animateanyone", "magicanimate", "mimicmotion", "dispose", "stableanimator")


def test_ls_lists_the_six_baselines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ls", "methods"]) == 0
    listed = {line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]}
    assert set(BASELINES) <= listed and "mimicmotion-native" in listed


@pytest.mark.parametrize("name", BASELINES)
def test_each_baseline_declares_its_code_environment_weights_and_licence(name: str) -> None:
    adapter = MethodRegistry().load(name)
    assert issubclass(adapter, ExternalAdapter)
    meta, spec = adapter.meta, adapter.external
    assert meta.kind == "external" and meta.code_commit == spec.commit and len(spec.commit) == 40
    assert meta.paper_url and meta.license and meta.citation and spec.weights
    requirements = spec.requirements.read_text()
    assert (
        "torch==" in requirements and "--extra-index-url https://download.pytorch.org/whl/cu1" in requirements
    )
    compile(adapter().driver_source(), f"{name} driver", "exec")  # valid Python
    assert spec.driver.name == f"{name}_driver.py" and spec.driver_support == (DRIVER_HELPER, SMOKE_HELPER)


@pytest.mark.parametrize("name", BASELINES)
def test_setup_on_a_fresh_machine_explains_every_step(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    adapter = MethodRegistry().load(name)
    assert main(["baselines", "setup", name, "--checkout", str(tmp_path / name)]) == 1
    out = capsys.readouterr().out
    assert f"git clone {adapter.external.repo_url}" in out and adapter.external.commit in out
    assert f"baselines/envs/{name}.txt" in out and f"-r {adapter.external.requirements}" in out
    assert f"python{stated_python(name)} -m venv" in out  # the environment's own Python builds it
    for weight in adapter.external.weights:
        assert f"[MISSING] {weight.path}: missing" in out
    assert f"{2 + len(adapter.external.weights)} problem(s)" in out


def test_baselines_list_prints_each_methods_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["baselines", "list"]) == 0
    out = capsys.readouterr().out
    for name in BASELINES:
        assert f"\n{name}: " in f"\n{out}"
    assert out.count("  runs at: ") == 6 and out.count("\n  pose:    ") == 6


def test_the_shared_driver_helper_needs_only_the_standard_library_and_pillow() -> None:
    source = DRIVER_HELPER.read_text()
    compile(source, DRIVER_HELPER.name, "exec")
    assert imported_modules(source) <= {"json", "sys", "pathlib", "PIL"}


def test_the_smoke_helper_imports_torch_only_inside_its_patches_and_is_inert_outside_smoke_runs() -> None:
    import ast

    tree = ast.parse(SMOKE_HELPER.read_text())
    top = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    assert imported_modules(ast.Module(top, [])) <= {"contextlib", "sys"}
    namespace: dict = {}
    exec(compile(tree, SMOKE_HELPER.name, "exec"), namespace)
    assert namespace["smoke_patches"]({"smoke": False}, "cuda-to-cpu", "no-such-patch") is False


def test_no_driver_unpickles_a_weights_file_fully() -> None:
    """Every ``torch.load`` in the drivers and adapters reads tensors only (``weights_only=True``)."""
    import ast

    from baselines import packaged

    files = [*(packaged.PACKAGE / "drivers").iterdir(), *packaged.PACKAGE.iterdir()]
    for file in (f for f in files if f.name.endswith(".py")):
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "torch.load":
                keywords = {k.arg: ast.unparse(k.value) for k in node.keywords}
                assert keywords.get("weights_only") == "True", f"{file.name}:{node.lineno}"


@pytest.mark.parametrize("name", ["animateanyone", "magicanimate", "dispose"])
def test_stable_diffusion_15_comes_from_its_maintained_hub_repository(name: str) -> None:
    """runwayml/stable-diffusion-v1-5 was removed from the hub."""
    sources = [weight.source for weight in MethodRegistry().load(name).external.weights]
    assert not any("runwayml" in source for source in sources)
    assert any("stable-diffusion-v1-5/stable-diffusion-v1-5" in source for source in sources)


SMOKE_PATCH_CHECKS = """
import socket, sys, torch, diffusers.models.activations as activations
sys.path.insert(0, sys.argv[1])
from interhf_driver_smoke import smoke_patches

torch.set_grad_enabled(False)  # as the official inference runs


def strided(self, hidden_states):  # MimicMotion's in-place GEGLU: half of the projection, a strided view
    hidden_states, gate = self.proj(hidden_states).chunk(2, dim=-1)
    return hidden_states.mul_(self.gelu(gate))

activations.GEGLU.forward = strided
geglu = activations.GEGLU(8, 4)
x = torch.randn(2, 3, 8)
expected = strided(geglu, x)
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
smoke_patches({"smoke": True}, "geglu-contiguous", "cuda-method-to-cpu", "float16-modules-as-float32",
              "process-group-on-cpu")
out = geglu(x)
assert out.is_contiguous() and torch.equal(out, expected)
linear = torch.nn.Linear(2, 2).cuda().to(torch.float16)
assert linear.weight.dtype == torch.float32 and linear.weight.device.type == "cpu"
assert torch.ones(2).cuda().device.type == "cpu"
torch.cuda.synchronize()
torch.cuda.set_device(0)
torch.distributed.init_process_group("nccl", init_method=f"tcp://127.0.0.1:{port}", world_size=1, rank=0)
wrapped = torch.nn.parallel.DistributedDataParallel(linear, device_ids=[0], output_device=0)
assert torch.equal(wrapped(torch.ones(1, 2)), linear(torch.ones(1, 2)))
torch.distributed.destroy_process_group()
print("ok")
"""


def test_the_smoke_patches_change_devices_and_layouts_but_not_values(tmp_path: Path) -> None:
    """In a fresh interpreter (the patches change torch globally): the GEGLU output made contiguous keeps
    its values, ``.cuda()`` stays on the CPU, float16 casts of modules stay float32, and DisCo's
    one-process NCCL group with DistributedDataParallel(device_ids=[0]) runs on the CPU."""
    import subprocess
    import sys

    script = tmp_path / "checks.py"
    script.write_text(SMOKE_PATCH_CHECKS)
    result = subprocess.run(
        [sys.executable, str(script), str(SMOKE_HELPER.parent)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-2000:]
