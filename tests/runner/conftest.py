"""Fixtures of the runner tests: the tiny dataset with its protocol, and the misbehaving adapters' file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import TINY

PLUGINS = Path(__file__).with_name("adapters_for_tests.py")


@pytest.fixture
def tiny_dataset(tiny_dataset: Path) -> Path:
    """The tiny dataset with its (unregistered) protocol as a custom protocol file."""
    (tiny_dataset / "protocol.json").write_text(json.dumps(TINY.as_dict()))
    return tiny_dataset
