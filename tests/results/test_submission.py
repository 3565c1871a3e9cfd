"""``interhf-bench validate``: each kind of broken or forged submission is caught with a precise message.

One copy-reference run on the tiny dataset (without the detector metrics, to stay fast) is the honest
submission; each test breaks a copy of it in one way. Rescoring runs with ``--hand-detector none``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

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
        out=root / "runs", progress=False, hand_detector="none",
    )  # fmt: skip
    run_method(config)
    return root / "data", root / "runs" / "copy-reference" / TINY.id


def check(data: Path, folder: Path, *extra: str) -> int:
    return main(
        ["validate", str(folder), "--data", str(data), "--protocol", str(data / "protocol.json"), *extra]
    )


def rescore(data: Path, folder: Path, *extra: str) -> int:
    return check(data, folder, "--rescore", "--hand-detector", "none", *extra)


def broken_copy(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "submission"
    shutil.copytree(source, target)
    return target


def edit_json(path: Path, edit: Any) -> None:
    """Apply ``edit`` to the parsed file and write it back (``Infinity`` and ``NaN`` as JSON allows)."""
    raw = json.loads(path.read_text())
    edit(raw)
    path.write_text(json.dumps(raw))


def test_a_valid_submission_passes_and_rescores(submission, capsys) -> None:
    data, folder = submission
    assert rescore(data, folder) == 0
    assert "valid (checked results, videos, rescored)" in capsys.readouterr().out


def test_numbers_that_were_not_rescored_are_never_plain_valid(submission, capsys) -> None:
    data, folder = submission
    assert check(data, folder) == 2
    out = capsys.readouterr().out
    assert "not rescored: the files are in order but the numbers in metrics.json were not recomputed" in out
    assert ": valid" not in out


def test_videos_without_numbers_need_no_rescoring(submission, tmp_path: Path, capsys) -> None:
    data, folder = submission
    videos_only = broken_copy(folder, tmp_path)
    (videos_only / "metrics.json").unlink()
    assert check(data, videos_only) == 0
    assert "valid (checked videos)" in capsys.readouterr().out


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
    assert "invalid: 4 problem(s)" in out


def test_a_video_scoring_would_not_read_is_rejected(submission, tmp_path: Path, capsys) -> None:
    """An .mkv passed the old suffix list, then scored as missing; validate accepts what score reads."""
    data, folder = submission
    broken = broken_copy(folder, tmp_path)
    (broken / "videos" / "LC-SF_00.mp4").rename(broken / "videos" / "LC-SF_00.mkv")
    assert check(data, broken) == 1
    out = capsys.readouterr().out
    assert "LC-SF_00.mkv: not something scoring reads; predictions are <video_id>.mp4 files" in out
    assert "missing video for test case LC-SF_00" in out


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


def test_rescoring_catches_every_edited_number(submission, tmp_path: Path, capsys) -> None:
    """Overall, per class, per video, regions, intervals and counts are all compared, not just overall."""
    data, folder = submission
    broken = broken_copy(folder, tmp_path)

    def forge(raw: dict[str, Any]) -> None:
        raw["overall"]["psnr"]["value"] += 1.0
        raw["per_class"]["LC-SF"]["ssim"]["value"] = 0.9
        raw["per_video"]["LC-TF_00"]["psnr"] = 30.0
        raw["overall"]["interaction_l1"]["value"] *= 0.5
        raw["per_class"]["RL-FS"]["face_ssim"]["ci95"] = [0.5, 0.6]
        raw["overall"]["l1"]["n"] += 1

    edit_json(broken / "metrics.json", forge)
    assert rescore(data, broken) == 1
    out = capsys.readouterr().out
    assert "metrics.json: overall.psnr.value = " in out
    assert "metrics.json: per_class.LC-SF.ssim.value = 0.9, rescored here " in out
    assert "metrics.json: per_video.LC-TF_00.psnr = 30, rescored here " in out
    assert "metrics.json: overall.interaction_l1.value = " in out
    assert "metrics.json: per_class.RL-FS.face_ssim.ci95[0] = 0.5, rescored here " in out
    assert "metrics.json: overall.l1.n = " in out
    assert "invalid: 7 problem(s)" in out  # ci95 has two bounds


def test_a_metric_that_cannot_be_recomputed_is_unchecked(
    submission, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """FVD without its weights: listed as unchecked, not valid, unless --allow-unchecked."""
    monkeypatch.setenv("INTERHF_BENCH_WEIGHTS", str(tmp_path / "no-weights"))
    data, folder = submission
    forged = broken_copy(folder, tmp_path)
    edit_json(forged / "metrics.json", lambda raw: raw["overall"].update(fvd={"value": 12.5, "n": 36}))
    assert rescore(data, forged) == 2
    out = capsys.readouterr().out
    assert "UNCHECKED fvd: not computed here: " in out
    assert "could not be recomputed here (UNCHECKED above); --allow-unchecked accepts" in out
    assert rescore(data, forged, "--allow-unchecked") == 0
    out = capsys.readouterr().out
    assert "UNCHECKED fvd: not computed here: " in out
    assert "metric(s) unchecked (allowed) (checked results, videos, rescored)" in out


def test_numbers_without_videos_are_unverifiable(submission, tmp_path: Path, capsys) -> None:
    data, folder = submission
    forged = broken_copy(folder, tmp_path)
    shutil.rmtree(forged / "videos")
    edit_json(forged / "metrics.json", lambda raw: raw["overall"]["ssim"].update(value=0.999))
    assert rescore(data, forged) == 2
    out = capsys.readouterr().out
    assert "unverifiable: metrics.json comes without videos/; the videos are needed to verify" in out
    assert "valid" not in out.replace("unverifiable", "")


def test_non_finite_numbers_are_refused(submission, tmp_path: Path, capsys) -> None:
    data, folder = submission
    forged = broken_copy(folder, tmp_path)

    def forge(raw: dict[str, Any]) -> None:
        raw["overall"]["ssim"]["value"] = float("inf")
        raw["per_video"]["LC-SF_00"]["l1"] = float("nan")

    edit_json(forged / "metrics.json", forge)
    assert "Infinity" in (forged / "metrics.json").read_text()
    assert check(data, forged) == 1
    out = capsys.readouterr().out
    path = forged / "metrics.json"
    assert f"FAIL {path}: overall.ssim.value is inf; numbers must be finite (null where there is none)" in out
    assert f"FAIL {path}: per_video.LC-SF_00.l1 is nan; numbers must be finite" in out


def test_values_score_could_not_have_written_are_refused(submission, tmp_path: Path, capsys) -> None:
    data, folder = submission
    forged = broken_copy(folder, tmp_path)

    def forge(raw: dict[str, Any]) -> None:
        raw["overall"]["l1"]["value"] = -0.5
        raw["per_class"]["<img src=x onerror=alert(9)>|x"] = raw["per_class"]["LC-SF"]

    edit_json(forged / "metrics.json", forge)
    assert check(data, forged) == 1
    out = capsys.readouterr().out
    assert "overall: l1 = -0.5 is outside its range" in out
    assert "'<img src=x onerror=alert(9)>|x' is not an interaction class" in out


def test_an_oracle_is_flagged_and_never_plain_valid(submission, tmp_path: Path, capsys) -> None:
    data, folder = submission
    oracle = broken_copy(folder, tmp_path)
    edit_json(oracle / "run_meta.json", lambda raw: raw["method"]["meta"].update(uses_ground_truth=True))
    assert rescore(data, oracle) == 3
    out = capsys.readouterr().out
    assert (
        f"NOTE {oracle / 'run_meta.json'}: oracle: the method received the ground-truth frames; "
        "shown in the oracle section and never ranked"
    ) in out
    assert f"{oracle}: oracle: the numbers are verified" in out


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
    assert check(data, target) == 1  # videos/evil.py is not something scoring reads
    (target / "videos" / "evil.py").unlink()
    rescore(data, target)
    main(["leaderboard", str(target), "--out", str(tmp_path / "board")])
    assert not marker.exists()
