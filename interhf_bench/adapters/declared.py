"""What an adapter class declares in its source, read without importing the method's code.

``interhf-bench ls`` shows every method's one-line description; importing the adapters to read their
``meta`` would import torch and each method's dependencies. The description is read from the literal
``meta = AdapterMeta(..., description="...")`` in the class body instead; anything else reads as "".
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path


def declared_description(target: str) -> str:
    """The literal ``meta`` description of ``module:Class``, or "" when it is not a plain string there."""
    module_name, _, class_name = target.partition(":")
    try:
        spec = importlib.util.find_spec(module_name)
    except (ImportError, ValueError):
        return ""
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return ""
    try:
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return ""
    return _description_in(tree, class_name)


def _description_in(tree: ast.Module, class_name: str) -> str:
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for statement in node.body:
                call = _meta_call(statement)
                if call is not None:
                    return _string_keyword(call, "description")
    return ""


def _meta_call(statement: ast.stmt) -> ast.Call | None:
    """The call on the right of ``meta = ...`` (or ``meta: X = ...``), if the statement is one."""
    if isinstance(statement, ast.Assign) and any(
        isinstance(target, ast.Name) and target.id == "meta" for target in statement.targets
    ):
        value = statement.value
    elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        value = statement.value if statement.target.id == "meta" else None
    else:
        return None
    return value if isinstance(value, ast.Call) else None


def _string_keyword(call: ast.Call, name: str) -> str:
    for keyword in call.keywords:
        if (
            keyword.arg == name
            and isinstance(keyword.value, ast.Constant)
            and isinstance(keyword.value.value, str)
        ):
            return keyword.value.value
    return ""
