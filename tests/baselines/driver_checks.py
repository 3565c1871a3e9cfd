"""What the tests check in every driver script: which top-level modules it needs from its environment."""

from __future__ import annotations

import ast
import sys

from baselines.packaged import DRIVER_HELPER, SMOKE_HELPER

HELPERS = {helper.name.removesuffix(".py"): helper for helper in (DRIVER_HELPER, SMOKE_HELPER)}


def imported_modules(source: str | ast.AST) -> set[str]:
    """Top-level names of the modules a script imports (``import a.b``, ``from a.b import c``: ``a``)."""
    names: set[str] = set()
    tree = ast.parse(source) if isinstance(source, str) else source
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    return names


def _helper_modules(tree: ast.Module, helper: str) -> set[str]:
    """What the driver takes from a helper copied beside it: the helper's top-level imports and those of
    the functions the driver imports from it (everything for ``import helper``)."""
    taken = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == helper
        for alias in node.names
    }
    whole = any(
        isinstance(node, ast.Import) and any(alias.name == helper for alias in node.names)
        for node in ast.walk(tree)
    )
    if not (taken or whole):
        return set()
    names: set[str] = set()
    for node in ast.parse(HELPERS[helper].read_text()).body:
        if not isinstance(node, ast.FunctionDef | ast.ClassDef) or whole or node.name in taken:
            names |= imported_modules(node)
    return names


def driver_modules(source: str) -> set[str]:
    """What a driver needs from its environment beyond the standard library: its own imports, each helper
    replaced by what the driver uses of it."""
    tree = ast.parse(source)
    names = imported_modules(tree) - set(HELPERS)
    for helper in HELPERS:
        names |= _helper_modules(tree, helper)
    return names - set(sys.stdlib_module_names)
