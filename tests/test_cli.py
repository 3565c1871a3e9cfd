"""The command line: light help, protocol listing, data commands' exit codes and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from interhf_bench.cli import main
from interhf_bench.data.manifest import load_manifest

HEAVY = ("torch", "torchvision", "diffusers", "numpy", "cv2", "av", "decord")


@pytest.mark.parametrize("argv", [["--help"], ["data", "--help"], ["protocol"]])
def test_help_and_protocol_listing_import_nothing_heavy(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from interhf_bench.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "data" in out and "protocol" in out


def test_console_script_is_installed() -> None:
    from importlib.metadata import entry_points

    [script] = [ep for ep in entry_points(group="console_scripts") if ep.name == "interhf-bench"]
    assert script.value == "interhf_bench.cli:main"


def test_protocol_json_is_what_is_hashed(capsys: pytest.CaptureFixture[str]) -> None:
    from interhf_bench.protocol import INTERHF_V1

    assert main(["protocol", "interhf-v1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == INTERHF_V1.as_dict()


def test_unknown_protocol_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["protocol", "interhf-v7"]) == 1
    assert "unknown protocol 'interhf-v7'" in capsys.readouterr().err


def test_validate_without_dataset_json_asks_for_protocol(tiny_dataset: Path, capsys) -> None:
    assert main(["data", "validate", str(tiny_dataset)]) == 1
    assert "pass --protocol" in capsys.readouterr().err


def test_validate_reports_violations_and_exit_status(tiny_dataset: Path, capsys) -> None:
    # the tiny unit-test dataset has 4 frames of 24x16, so the mini protocol rejects every test row
    status = main(
        ["data", "validate", str(tiny_dataset), "--protocol", "interhf-mini-v1", "--json", "--no-progress"]
    )
    report = json.loads(capsys.readouterr().out)
    assert status == 1 and not report["ok"]
    assert {v["field"] for v in report["violations"]} == {"num_frames", "height/width"}
    assert len(report["violations"]) == 2 * 36


def test_split_writes_a_new_manifest(tiny_dataset: Path, capsys) -> None:
    assert main(["data", "split", str(tiny_dataset), "--protocol", "interhf-mini-v1", "--seed", "3"]) == 0
    out = tiny_dataset / "manifest.interhf-mini-v1.seed3.jsonl"
    rows = load_manifest(out)
    assert sum(row.split == "test" for row in rows) == 36
    assert "36 test" in capsys.readouterr().out
    assert (
        main(["data", "split", str(tiny_dataset), "--protocol", "interhf-mini-v1", "--out", "manifest.jsonl"])
        == 1
    )
