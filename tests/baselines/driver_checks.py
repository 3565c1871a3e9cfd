"""What the tests check in every driver script: which top-level modules it imports."""

from __future__ import annotations

import ast


def imported_modules(source: str) -> set[str]:
    """Top-level names of the modules a script imports (``import a.b``, ``from a.b import c``: ``a``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    return names
