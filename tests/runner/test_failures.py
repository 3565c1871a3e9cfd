"""What a user sees when the machine or the data fails under ``run``: one line naming the file and the
fix, exit status 1, finished cases kept; the traceback only with ``--debug``."""

from __future__ import annotations

import errno
import json
import os
import pickle
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from interhf_bench.cli import main
from interhf_bench.runner import generate
from interhf_bench.runner.sidecar import read_record
from tests.conftest import TINY, forget_included_files, write_tiny_dataset
from tests.runner.conftest import PLUGINS


def run_argv(data: Path, out: Path, method: str = "slow-copy", limit: int = 3) -> list[str]:
    argv = ["run", "--method", method, "--include", str(PLUGINS), "--data", str(data), "--out", str(out)]
    return [*argv, "--protocol", str(data / "protocol.json"), "--limit", str(limit), "--no-progress"]


def failing_writer(code: int, after: int):
    """``write_video`` that works ``after`` times, then fails with ``code`` on the next file."""
    real, calls = generate.write_video, []

    def write(path: Path, frames: np.ndarray, fps: float) -> Path:
        calls.append(path)
        if len(calls) > after:
            raise OSError(code, os.strerror(code), str(path))
        return real(path, frames, fps)

    return write


@pytest.mark.parametrize(
    ("code", "hint"),
    [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "read-only"), (errno.EACCES, "permission denied")],
)
def test_a_failing_disk_ends_in_one_line_and_keeps_the_finished_cases(
    tiny_dataset: Path, tmp_path: Path, monkeypatch, capsys, code: int, hint: str
) -> None:
    monkeypatch.setattr(generate, "write_video", failing_writer(code, after=2))
    assert main(run_argv(tiny_dataset, tmp_path)) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and hint in err
    assert f"{tmp_path}/slow-copy/test-tiny/videos/LC-TF_00.mp4" in err  # the file it could not write
    assert "rerun the same command to resume" in err
    videos = tmp_path / "slow-copy" / "test-tiny" / "videos"
    assert [read_record(videos / f"{v}.mp4").status for v in ("LC-SF_00", "LC-SF_01")] == ["ok", "ok"]


def test_debug_shows_the_traceback(tiny_dataset: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(generate, "write_video", failing_writer(errno.ENOSPC, after=0))
    with pytest.raises(OSError, match="No space left"):
        main(["--debug", *run_argv(tiny_dataset, tmp_path)])


def test_videos_shorter_than_the_protocol_are_reported_before_anything_runs(
    tiny_dataset: Path, tmp_path: Path, capsys
) -> None:
    short = tmp_path / "short"
    write_tiny_dataset(short, replace(TINY, num_target_frames=1))  # manifest and files agree: 2 frames
    (short / "protocol.json").write_text(json.dumps(TINY.as_dict()))
    assert main(run_argv(short, tmp_path / "runs", limit=2)) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "2 problem(s)" in err
    expected = "video LC-SF_00, num_frames: 2 frames, protocol test-tiny requires 4"
    assert f"{short}/manifest.jsonl: {expected}" in err
    assert not (tmp_path / "runs" / "slow-copy" / "test-tiny" / "videos").exists()


def test_a_refused_weights_pickle_is_one_line(
    tiny_dataset: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    weights = tmp_path / "weights" / "i3d"
    weights.mkdir(parents=True)
    (weights / "i3d-kinetics-400.ckpt").write_bytes(pickle.dumps({"params": os.system}))
    monkeypatch.setenv("INTERHF_BENCH_WEIGHTS", str(tmp_path / "weights"))
    assert main(run_argv(tiny_dataset, tmp_path / "runs", method="copy-reference", limit=1)) == 0
    videos = tmp_path / "runs" / "copy-reference" / "test-tiny" / "videos"
    forget_included_files()  # as if `score` ran in its own process, as it would
    argv = ["score", "--pred", str(videos), "--data", str(tiny_dataset), "--hand-detector", "none"]
    argv += ["--protocol", str(tiny_dataset / "protocol.json"), "--no-progress", "--allow-unverified-weights"]
    capsys.readouterr()
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "i3d-kinetics-400.ckpt: refused global posix.system" in err
    assert len(err.strip().splitlines()) == 1


def test_an_adapter_that_exits_fails_its_cases_and_the_run_says_so(
    tiny_dataset: Path, tmp_path: Path, capsys
) -> None:
    assert main(run_argv(tiny_dataset, tmp_path, method="exiter", limit=2)) == 1
    record = read_record(tmp_path / "exiter" / "test-tiny" / "videos" / "LC-SF_00.mp4")
    assert record is not None and record.status == "failed" and record.error == "SystemExit: 3"
    err = capsys.readouterr().err
    assert "2 case(s) failed" in err and "rerun the same command to retry them" in err
    assert (tmp_path / "exiter" / "test-tiny" / "metrics.json").is_file()


def test_resuming_under_other_settings_is_refused_with_the_differences(
    tiny_dataset: Path, tmp_path: Path, capsys
) -> None:
    assert main(run_argv(tiny_dataset, tmp_path, limit=2)) == 0
    capsys.readouterr()
    assert main([*run_argv(tiny_dataset, tmp_path, limit=2), "--seed", "1"]) == 1
    err = capsys.readouterr().err
    assert "2 finished case(s) were made by another run (seed: 0 -> 1)" in err and "Traceback" not in err
    assert main([*run_argv(tiny_dataset, tmp_path, limit=2), "--method-args", "delay=0.01"]) == 1
    assert "method_args:" in capsys.readouterr().err
    other = tmp_path / "other-data"  # another dataset: same ids, other videos
    write_tiny_dataset(other, replace(TINY, fps=TINY.fps))
    rows = (other / "manifest.jsonl").read_text().replace('"subject-0"', '"subject-9"')
    (other / "manifest.jsonl").write_text(rows)
    (other / "protocol.json").write_text(json.dumps(TINY.as_dict()))
    assert main(run_argv(other, tmp_path, limit=2)) == 1
    assert "manifest_sha256:" in capsys.readouterr().err
    assert main([*run_argv(tiny_dataset, tmp_path, limit=2), "--seed", "1", "--overwrite", "always"]) == 0
    record = read_record(tmp_path / "slow-copy" / "test-tiny" / "videos" / "LC-SF_00.mp4")
    assert record is not None and record.fingerprint is not None and record.fingerprint["seed"] == "1"
