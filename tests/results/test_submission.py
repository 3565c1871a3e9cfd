"""``interhf-bench validate``: each kind of broken submission is rejected with a precise message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from interhf_bench.cli import main
from interhf_bench.io.video import write_video
from interhf_bench.results.metrics_file import MetricsFile
from interhf_bench.runner.run import RunConfig, run_method
from tests.conftest import TINY


@pytest.fixture(scope="module")
def submission(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A complete, valid run of copy-reference on the tiny dataset."""
    from tests.conftest import write_tiny_dataset

    root = tmp_path_factory.mktemp("submission")
    write_tiny_dataset(root / "data")
    (root / "data" / "protocol.json").write_text(json.dumps(TINY.as_dict()))
    config = RunConfig(
        method="copy-reference", data=root / "data", protocol=str(root / "data" / "protocol.json"),
        out=root / "runs", progress=False,
    )  # fmt: skip
    run_method(config)
    return root / "data", root / "runs" / "copy-reference" / TINY.id


def check(data: Path, folder: Path, *extra: str) -> int:
    return main(
        ["validate", str(folder), "--data", str(data), "--protocol", str(data / "protocol.json"), *extra]
    )


def broken_copy(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "submission"
    shutil.copytree(source, target)
    return target


def test_a_valid_submission_passes_and_rescores(submission, capsys) -> None:
    data, folder = submission
    assert check(data, folder, "--rescore") == 0
    assert "valid (checked results, videos, rescored)" in capsys.readouterr().out


def test_missing_extra_and_wrong_frame_count(submission, tmp_path: Path, capsys) -> None:
    data, folder = submission
    broken = broken_copy(folder, tmp_path)
    (broken / "videos" / "LC-SF_00.mp4").unlink()
    write_video(broken / "videos" / "XX-YY_00.mp4", np.ones((3, 24, 16, 3), np.uint8), 15.0)
    write_video(broken / "videos" / "LC-TF_00.mp4", np.ones((5, 24, 16, 3), np.uint8), 15.0)
    write_video(broken / "videos" / "LC-TF_01.mp4", np.ones((3, 32, 16, 3), np.uint8), 15.0)
    assert check(data, broken) == 1
    out = capsys.readouterr().out
    assert f"FAIL {broken / 'videos'}: missing video for test case LC-SF_00" in out
    assert "XX-YY_00.mp4: not a test case of test-tiny (extra video)" in out
    assert "LC-TF_00.mp4: 5 frames, the protocol's target frames are 3" in out
    assert "LC-TF_01.mp4: frames are 32x16, the protocol's size is 24x16 (HxW)" in out
    assert "4 problem(s)" in out


def test_results_of_another_protocol_and_missing_meta(submission, tmp_path: Path, capsys) -> None:
    data, folder = submission
    broken = broken_copy(folder, tmp_path)
    metrics = MetricsFile.model_validate_json((broken / "metrics.json").read_text())
    other = metrics.model_copy(update={"protocol": "interhf-v1", "protocol_hash": "f" * 64})
    (broken / "metrics.json").write_text(other.model_dump_json())
    (broken / "run_meta.json").unlink()
    assert check(data, broken) == 1
    out = capsys.readouterr().out
    assert "metrics.json: results of protocol interhf-v1 (hash ffffffffffff), expected test-tiny" in out
    assert "run_meta.json: missing; a submission must say which method made it" in out


def test_rescoring_catches_edited_numbers(submission, tmp_path: Path, capsys) -> None:
    data, folder = submission
    broken = broken_copy(folder, tmp_path)
    raw = json.loads((broken / "metrics.json").read_text())
    raw["overall"]["psnr"]["value"] += 1.0
    (broken / "metrics.json").write_text(json.dumps(raw))
    assert check(data, broken, "--rescore") == 1
    assert "metrics.json: psnr = " in capsys.readouterr().out


def test_validate_and_the_leaderboard_never_run_a_submissions_code(submission, tmp_path: Path) -> None:
    """A submission may carry Python files and name one as its adapter's origin; nothing imports them."""
    data, folder = submission
    target = broken_copy(folder, tmp_path)
    marker = tmp_path / "code-ran"
    payload = f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n"
    for name in ("evil.py", "__init__.py", "conftest.py", "sitecustomize.py", "videos/evil.py"):
        (target / name).write_text(payload)
    meta = json.loads((target / "run_meta.json").read_text())
    meta["method"]["origin"] = f"file {target / 'evil.py'}"
    (target / "run_meta.json").write_text(json.dumps(meta))
    check(data, target, "--rescore")
    main(["leaderboard", str(target), "--out", str(tmp_path / "board")])
    assert not marker.exists()
