"""``check-adapter``: passes a correct method, and names what is wrong with broken ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interhf_bench.cli import main
from tests.conftest import TINY

PLUGINS = Path(__file__).resolve().parents[1] / "runner" / "adapters_for_tests.py"


@pytest.fixture
def tiny_args(tiny_dataset: Path) -> list[str]:
    (tiny_dataset / "protocol.json").write_text(json.dumps(TINY.as_dict()))
    return ["--data", str(tiny_dataset), "--protocol", str(tiny_dataset / "protocol.json")]


def test_a_correct_method_passes(tiny_args: list[str], capsys) -> None:
    assert main(["check-adapter", "copy-reference", *tiny_args]) == 0
    report = capsys.readouterr().out
    assert "| determinism | PASS |" in report and "| video round trip | PASS |" in report
    assert "| output | PASS | 2 cases, (T, H, W, 3) = (3, 24, 16, 3), uint8 |" in report


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("wrong-shape", "| output | FAIL | returned shape (4, 24, 16, 3), expected"),
        ("unseeded", "| determinism | FAIL | same seed gave different frames"),
    ],
)
def test_broken_methods_fail_with_the_reason(
    tiny_args: list[str], capsys, method: str, expected: str
) -> None:
    assert main(["check-adapter", method, "--include", str(PLUGINS), *tiny_args]) == 1
    assert expected in capsys.readouterr().out
