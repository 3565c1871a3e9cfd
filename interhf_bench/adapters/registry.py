"""Where method names come from: built-ins, installed plugins and ``--include`` files.

Every installed method, this repository's own and third parties' alike, is an entry point of the
``interhf_bench.adapters`` group (``name = "module:Class"``), imported only when it is used; the ones of
this distribution are listed as built-in. Listing methods reads each adapter's declared description
from its source without importing it, so it never imports torch or a method's code. A name defined
twice fails loudly with both origins; an unknown name gets a "did you mean".
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING

from interhf_bench.adapters.declared import declared_description
from interhf_bench.naming import lookup
from interhf_bench.plugins import ADAPTERS_GROUP, INCLUDE_MODULE_PREFIX, is_builtin

if TYPE_CHECKING:
    from interhf_bench.adapters.api import Adapter


class RegistryError(ValueError):
    """A method name is unknown, defined twice, or its code cannot be loaded."""


@dataclass(frozen=True)
class MethodSource:
    """Where one method name is defined; ``target`` is ``module:Class`` or ``path.py:Class``."""

    name: str
    origin: str  # "built-in", "plugin <distribution>", "file <path>"
    target: str
    description: str = ""


class MethodRegistry:
    """All methods visible to this process: built-ins, entry points and included files."""

    def __init__(self, includes: tuple[Path, ...] | list[Path] = ()) -> None:
        self._sources: dict[str, MethodSource] = {}
        self._included: dict[str, type[Adapter]] = {}
        for entry in entry_points(group=ADAPTERS_GROUP):
            self._add(
                MethodSource(entry.name, _origin(entry), entry.value, declared_description(entry.value))
            )
        for path in includes:
            for adapter in _adapters_in_file(Path(path)):
                source = MethodSource(
                    adapter.meta.name, f"file {path}", f"{path}:{adapter.__name__}", adapter.meta.description
                )
                self._add(source)
                self._included[adapter.meta.name] = adapter

    def _add(self, source: MethodSource) -> None:
        if source.name in self._sources:
            first = self._sources[source.name]
            raise RegistryError(
                f"method {source.name!r} is defined twice: by {first.origin} ({first.target}) and by "
                f"{source.origin} ({source.target}); uninstall or rename one"
            )
        self._sources[source.name] = source

    def sources(self) -> list[MethodSource]:
        return sorted(self._sources.values(), key=lambda s: (s.origin != "built-in", s.name))

    def source(self, name: str) -> MethodSource:
        return lookup(self._sources, name, "method")

    def load(self, name: str) -> type[Adapter]:
        """The adapter class of ``name`` (imports its module now)."""
        from interhf_bench.adapters.api import Adapter

        source = self.source(name)
        if name in self._included:
            return self._included[name]
        module_name, _, class_name = source.target.partition(":")
        try:
            adapter = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError) as exc:
            raise RegistryError(
                f"method {name!r} ({source.origin}): cannot load {source.target}: {exc}"
            ) from exc
        if not (inspect.isclass(adapter) and issubclass(adapter, Adapter)):
            raise RegistryError(
                f"method {name!r} ({source.origin}): {source.target} is not an Adapter subclass"
            )
        if adapter.meta.name != name:
            raise RegistryError(
                f"method {name!r} ({source.origin}): {source.target} declares meta.name {adapter.meta.name!r}"
            )
        return adapter


def _origin(entry: EntryPoint) -> str:
    if is_builtin(entry):
        return "built-in"
    return f"plugin {entry.dist.name if entry.dist is not None else 'unknown distribution'}"


def _adapters_in_file(path: Path) -> list[type[Adapter]]:
    """Import a Python file and return the Adapter subclasses it defines (with a ``meta``)."""
    from interhf_bench.adapters.api import Adapter

    if not path.is_file():
        raise RegistryError(f"{path}: --include file not found")
    module_name = f"{INCLUDE_MODULE_PREFIX}{abs(hash(path.resolve()))}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise RegistryError(f"{path}: not an importable Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[module_name]
        raise RegistryError(f"{path}: importing it failed: {type(exc).__name__}: {exc}") from exc
    found = [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, Adapter)
        and obj.__module__ == module_name
        and not inspect.isabstract(obj)
        and hasattr(obj, "meta")
    ]
    if not found:
        raise RegistryError(f"{path}: defines no Adapter subclass with a meta")
    return found
