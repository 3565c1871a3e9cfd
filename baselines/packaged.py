"""The files each baseline ships besides its module: its environment's requirements and its driver.

They are package data (``baselines/envs/*.txt``, ``baselines/drivers/*.py``), located through
``importlib.resources`` so that they are found in a source checkout and in an installed wheel alike. The
drivers are never imported here: they import the official projects' modules and run only in those
projects' environments, next to the helpers every driver imports (``interhf_driver_io.py``, and in smoke
runs ``interhf_driver_smoke.py``).

Each requirements file opens with ``# python: X.Y``, the Python its pins were chosen for (the old torch and
numpy pins have no wheels for newer Pythons). A method whose environment needs a package built against the
installed torch has a second file, ``envs/<method>.post.txt``, installed next with
``--no-build-isolation``.
"""

from __future__ import annotations

import re
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

PACKAGE = files(__package__)
DRIVER_HELPER = PACKAGE / "drivers" / "interhf_driver_io.py"
"""Job loading and PNG writing, copied beside every driver (see ``ExternalSpec.driver_support``)."""
SMOKE_HELPER = PACKAGE / "drivers" / "interhf_driver_smoke.py"
"""The run-time patches of the CPU smoke mode, copied beside every driver; inert unless the job asks."""
PYTHON_LINE = re.compile(r"#\s*python:\s*(\d+\.\d+)\b")


def requirements_file(method: str) -> Traversable:
    """``envs/<method>.txt``: the pip requirements of the method's own environment."""
    return PACKAGE / "envs" / f"{method}.txt"


def requirements_after(method: str) -> Traversable | None:
    """``envs/<method>.post.txt`` where the method has one: installed second, without build isolation."""
    path = PACKAGE / "envs" / f"{method}.post.txt"
    return path if path.is_file() else None


def stated_python(method: str) -> str:
    """The ``X.Y`` Python version that ``envs/<method>.txt`` states on its first line."""
    path = requirements_file(method)
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = PYTHON_LINE.match(first)
    if match is None:
        raise ValueError(f"{path}: the first line must state the environment's Python (# python: X.Y)")
    return match.group(1)


def driver_file(method: str) -> Traversable:
    """``drivers/<method>_driver.py``: the script the method's interpreter runs inside its checkout."""
    return PACKAGE / "drivers" / f"{method}_driver.py"
