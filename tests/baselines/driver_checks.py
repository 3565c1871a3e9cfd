"""What the tests check in every driver script: which top-level modules it imports."""

from __future__ import annotations

import ast

from baselines.packaged import DRIVER_HELPER

HELPER = DRIVER_HELPER.name.removesuffix(".py")


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


def driver_modules(source: str) -> set[str]:
    """What a driver needs from its environment: its own imports, the shared helper replaced by what the
    helper imports when loaded and in the functions the driver takes from it."""
    tree = ast.parse(source)
    taken = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == HELPER
        for alias in node.names
    }
    whole = any(
        isinstance(node, ast.Import) and any(alias.name == HELPER for alias in node.names)
        for node in ast.walk(tree)
    )
    names = imported_modules(tree) - {HELPER}
    if not (taken or whole):
        return names
    helper = ast.parse(DRIVER_HELPER.read_text())
    for node in helper.body:
        if not isinstance(node, ast.FunctionDef | ast.ClassDef) or whole or node.name in taken:
            names |= imported_modules(node)
    return names
