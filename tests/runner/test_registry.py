"""The method registry: built-ins by lazy names, included files, duplicates and unknown names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from interhf_bench.adapters.reference import CopyReference
from interhf_bench.adapters.registry import MethodRegistry, RegistryError
from tests.runner.conftest import PLUGINS


def test_builtins_load_lazily_and_included_files_add_methods() -> None:
    registry = MethodRegistry([PLUGINS])
    names = {source.name: source.origin for source in registry.sources()}
    assert names["copy-reference"] == "built-in" and names["slow-copy"] == f"file {PLUGINS}"
    assert registry.load("copy-reference") is CopyReference
    assert registry.load("wrong-shape").meta.name == "wrong-shape"


def test_unknown_and_duplicate_names(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="unknown method 'ground-truht'; did you mean ground-truth"):
        MethodRegistry().load("ground-truht")
    clash = tmp_path / "clash.py"
    clash.write_text(
        "from interhf_bench.adapters.reference import CopyReference\n\n\n"
        "class Mine(CopyReference):\n    pass\n"
    )
    with pytest.raises(RegistryError, match=r"'copy-reference' is defined twice: by built-in .* and by file"):
        MethodRegistry([clash])


def test_bad_include_files(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match=r"missing\.py: --include file not found"):
        MethodRegistry([tmp_path / "missing.py"])
    broken = tmp_path / "broken.py"
    broken.write_text("raise ImportError('needs a package you do not have')\n")
    with pytest.raises(RegistryError, match=r"broken\.py: importing it failed: ImportError: needs a package"):
        MethodRegistry([broken])
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    with pytest.raises(RegistryError, match=r"empty\.py: defines no Adapter subclass"):
        MethodRegistry([empty])


def test_ls_lists_methods_without_importing_torch_or_numpy() -> None:
    code = (
        "import sys\nfrom interhf_bench.cli import main\nmain(['ls'])\n"
        "assert 'torch' not in sys.modules and 'numpy' not in sys.modules, sorted(sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    for expected in ("ground-truth", "copy-reference", "pose-warp", "fvd", "interhf-v1"):
        assert expected in result.stdout


def test_listed_descriptions_are_the_adapters_own() -> None:
    """``ls`` reads descriptions from the source; they must equal each adapter's imported ``meta``."""
    registry = MethodRegistry()
    for source in registry.sources():
        assert source.description == registry.load(source.name).meta.description, source.name


def test_this_repositorys_methods_and_commands_are_entry_points() -> None:
    from importlib.metadata import entry_points

    methods = {entry.name for entry in entry_points(group="interhf_bench.adapters")}
    assert {"ground-truth", "copy-reference", "pose-warp", "interanimate", "disco", "mimicmotion"} <= methods
    commands = {entry.value for entry in entry_points(group="interhf_bench.commands")}
    assert commands == {"leaderboard.cli", "leaderboard.gallery.cli", "interanimate.cli"}
