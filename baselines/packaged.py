"""The files each baseline ships besides its module: its environment's requirements and its driver.

They are package data (``baselines/envs/*.txt``, ``baselines/drivers/*.py``), located through
``importlib.resources`` so that they are found in a source checkout and in an installed wheel alike. The
drivers are never imported here: they import the official projects' modules and run only in those
projects' environments, next to the helper every driver imports (``interhf_driver_io.py``).
"""

from __future__ import annotations

from importlib.resources import files

PACKAGE = files(__package__)
DRIVER_HELPER = PACKAGE / "drivers" / "interhf_driver_io.py"
"""Job loading and PNG writing, copied beside every driver (see ``ExternalSpec.driver_support``)."""


def requirements_file(method: str):
    """``envs/<method>.txt``: the pip requirements of the method's own environment."""
    return PACKAGE / "envs" / f"{method}.txt"


def driver_file(method: str):
    """``drivers/<method>_driver.py``: the script the method's interpreter runs inside its checkout."""
    return PACKAGE / "drivers" / f"{method}_driver.py"
