"""Which code in this process is not InterHF-Bench's own: plugins and ``--include`` files.

Third-party code runs inside the process that loads it and can change anything there, the scorer
included. The runner asks :func:`loaded_third_party_code` after loading a method: when the answer is not
empty it scores in a fresh ``interhf-bench score`` process, which loads no plugin (the command line
skips plugin command groups for its trusted commands), and ``run_meta.json`` lists every loaded file
with its sha256 (and its distribution's version) so a reader can see what ran.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib.metadata import Distribution, EntryPoint, entry_points
from pathlib import Path

from interhf_bench.io.files import sha256_file

ADAPTERS_GROUP = "interhf_bench.adapters"  # methods: name = "module:Class"
COMMANDS_GROUP = "interhf_bench.commands"  # command groups: a module with register(subparsers)
OWN_DISTRIBUTION = "interhf-bench"  # its entry points (this repository's methods and commands) are built-in
INCLUDE_MODULE_PREFIX = "interhf_bench_include_"  # the module names given to --include files


@dataclass(frozen=True)
class LoadedFile:
    """One third-party source file imported by this process."""

    origin: str  # "file" (an --include file) or "plugin <distribution> <version>"
    path: str
    sha256: str


def canonical_name(distribution: str) -> str:
    """A distribution's name as pip compares them (``interhf_bench`` and ``InterHF-Bench`` are one)."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def is_builtin(entry: EntryPoint) -> bool:
    """Whether an entry point belongs to this distribution (shipped in this repository)."""
    return entry.dist is not None and canonical_name(entry.dist.name) == OWN_DISTRIBUTION


def loaded_third_party_code() -> list[LoadedFile]:
    """Every imported module that came from an ``--include`` file or a plugin distribution, hashed."""
    plugins = _plugin_top_level_packages()
    found: list[LoadedFile] = []
    for name, module in sorted(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if path is None or not Path(path).is_file():
            continue
        if name.startswith(INCLUDE_MODULE_PREFIX):
            found.append(LoadedFile("file", path, sha256_file(path)))
        elif name.partition(".")[0] in plugins:
            found.append(LoadedFile(plugins[name.partition(".")[0]], path, sha256_file(path)))
    return found


def _plugin_top_level_packages() -> dict[str, str]:
    """``{top-level package: "plugin <distribution> <version>"}`` of every plugin's entry points."""
    packages: dict[str, str] = {}
    for group in (ADAPTERS_GROUP, COMMANDS_GROUP):
        for entry in entry_points(group=group):
            if not is_builtin(entry):
                packages[entry.module.partition(".")[0]] = _plugin_origin(entry.dist)
    return packages


def _plugin_origin(dist: Distribution | None) -> str:
    if dist is None:
        return "plugin (unknown distribution)"
    return f"plugin {dist.name} {dist.version}"
