"""Where method names come from: built-ins, installed plugins and ``--include`` files.

Built-in methods are ``"module:Class"`` strings imported only when a method is used, and plugins are
read from the ``interhf_bench.adapters`` entry-point group by name only, so listing methods never
imports torch or a method's code. A name defined twice fails loudly with both origins; an unknown
name gets a "did you mean".
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING

from interhf_bench.naming import lookup

if TYPE_CHECKING:
    from interhf_bench.adapters.api import Adapter

ENTRY_POINT_GROUP = "interhf_bench.adapters"

BUILTIN_METHODS: dict[str, tuple[str, str]] = {
    # name: (target, one-line description shown by `interhf-bench ls` without importing anything)
    "ground-truth": ("interhf_bench.adapters.reference:GroundTruth", "the target frames (ideal metrics)"),
    "copy-reference": ("interhf_bench.adapters.reference:CopyReference", "the reference frame repeated"),
    "pose-warp": ("interhf_bench.adapters.pose_warp:PoseWarp", "reference warped by the keypoint motion"),
    "interanimate": (
        "interanimate.adapter:InterAnimate",
        "the paper's model (shipped tiny checkpoint by default)",
    ),
    "mimicmotion": (
        "baselines.mimicmotion:MimicMotion",
        "MimicMotion, official code @62f91e1 in its own env (external)",
    ),
    "animateanyone": (
        "baselines.animateanyone:AnimateAnyone",
        "AnimateAnyone via Moore-AnimateAnyone @a914ef3 in its own env (external)",
    ),
    "disco": (
        "baselines.disco:DisCo",
        "DisCo, official demo path @c4fa48a (external); needs a person mask",
    ),
    "dispose": (
        "baselines.dispose:DisPose",
        "DisPose, official code @c38ab13 in its own env (external)",
    ),
    "magicanimate": (
        "baselines.magicanimate:MagicAnimate",
        "MagicAnimate, official code @d2bc3bc (external); needs user-supplied DensePose",
    ),
    "stableanimator": (
        "baselines.stableanimator:StableAnimator",
        "StableAnimator, official code @020e7f2 in its own env (external)",
    ),
    "mimicmotion-native": (
        "baselines.mimicmotion:MimicMotionNative",
        "MimicMotion in-process: InterAnimate's network without RIS/ID, official weights",
    ),
}


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
        for name, (target, description) in BUILTIN_METHODS.items():
            self._add(MethodSource(name, "built-in", target, description))
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            distribution = entry.dist.name if entry.dist is not None else "unknown distribution"
            self._add(MethodSource(entry.name, f"plugin {distribution}", entry.value))
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


def _adapters_in_file(path: Path) -> list[type[Adapter]]:
    """Import a Python file and return the Adapter subclasses it defines (with a ``meta``)."""
    from interhf_bench.adapters.api import Adapter

    if not path.is_file():
        raise RegistryError(f"{path}: --include file not found")
    module_name = f"interhf_bench_include_{abs(hash(path.resolve()))}"
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
