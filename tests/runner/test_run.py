"""``generate`` / ``run``: records, failures, timeouts, overwrite policies, resume after a kill, results."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from interhf_bench.cli import main
from interhf_bench.data.manifest import DatasetError
from interhf_bench.io.files import sha256_file
from interhf_bench.results.metrics_file import MetricsFile
from interhf_bench.results.run_meta import RunMeta
from interhf_bench.runner.run import RunConfig, run_method
from interhf_bench.runner.sidecar import read_record
from tests.conftest import forget_included_files
from tests.runner.conftest import PLUGINS

ROOT = Path(__file__).resolve().parents[2]


def config(tiny_dataset: Path, out: Path, method: str = "slow-copy", **overrides: object) -> RunConfig:
    values: dict = {
        "method": method,
        "data": tiny_dataset,
        "protocol": str(tiny_dataset / "protocol.json"),
        "out": out,
        "includes": [PLUGINS],
        "progress": False,
    }
    values.update(overrides)
    return RunConfig(**values)


def comparable(metrics: MetricsFile) -> dict:
    return metrics.model_dump(exclude={"provenance", "predictions"})


def test_run_writes_videos_records_metrics_and_meta(tiny_dataset: Path, tmp_path: Path) -> None:
    outcome = run_method(config(tiny_dataset, tmp_path, limit=4))
    run_dir = tmp_path / "slow-copy" / "test-tiny"
    assert outcome.run_dir == run_dir
    videos = sorted(p.name for p in (run_dir / "videos").iterdir())
    assert len([v for v in videos if v.endswith(".mp4")]) == 4 and len(videos) == 8
    record = read_record(run_dir / "videos" / "LC-SF_00.mp4")
    assert record is not None and record.status == "ok" and record.video_sha256
    metrics = MetricsFile.model_validate_json((run_dir / "metrics.json").read_text())
    assert (metrics.n_expected, metrics.n_evaluated, len(metrics.missing)) == (36, 4, 32)
    meta = RunMeta.model_validate_json((run_dir / "run_meta.json").read_text())
    assert meta.method.meta.name == "slow-copy" and meta.method.origin == f"file {PLUGINS}"
    assert meta.method.settings == {"delay": 0.0, "fail_on": ""}
    assert meta.selection.n_cases == 4 and not meta.selection.complete
    assert meta.protocol_hash == metrics.protocol_hash
    assert meta.environment["libraries"]["numpy"] and "git" in meta.environment
    assert meta.generation["generated"] == 4
    assert meta.scoring_process == "fresh"  # the included file's code never ran where the scores were made
    assert [(code.origin, code.path) for code in meta.third_party_code] == [("file", str(PLUGINS))]
    assert meta.third_party_code[0].sha256 == sha256_file(PLUGINS)
    docs = ROOT / "docs" / "schemas"
    for name, schema in (("metrics.json", "metrics.schema.json"), ("run_meta.json", "run_meta.schema.json")):
        jsonschema.validate(json.loads((run_dir / name).read_text()), json.loads((docs / schema).read_text()))


def test_a_failing_case_is_recorded_and_the_run_goes_on(
    tiny_dataset: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("INTERHF_TEST_FAIL_ON", "LC-SF_01")
    outcome = run_method(config(tiny_dataset, tmp_path, limit=3))
    assert outcome.generation.failed == {"LC-SF_01": "RuntimeError: the model exploded"}
    record = read_record(outcome.run_dir / "videos" / "LC-SF_01.mp4")
    assert record is not None and record.status == "failed" and "exploded" in (record.traceback or "")
    assert outcome.metrics is not None and outcome.metrics.n_evaluated == 2
    assert "generation failed: RuntimeError" in outcome.metrics.failed["LC-SF_01"]
    # only-missing retries the failed case and nothing else
    monkeypatch.delenv("INTERHF_TEST_FAIL_ON")
    retry = run_method(config(tiny_dataset, tmp_path, limit=3))
    assert retry.generation.generated == ["LC-SF_01"] and len(retry.generation.skipped) == 2
    assert retry.metrics is not None and retry.metrics.n_evaluated == 3


def test_overwrite_policies_and_a_damaged_video(tiny_dataset: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("INTERHF_TEST_FAIL_ON", "LC-SF_00")
    run_method(config(tiny_dataset, tmp_path, limit=2), score=False)
    monkeypatch.delenv("INTERHF_TEST_FAIL_ON")
    never = run_method(config(tiny_dataset, tmp_path, limit=3, overwrite="never"), score=False)
    assert never.generation.generated == ["LC-TF_00"]
    assert "LC-SF_00" in never.generation.skipped  # its failure record stays
    always = run_method(config(tiny_dataset, tmp_path, limit=3, overwrite="always"), score=False)
    assert len(always.generation.generated) == 3
    video = always.run_dir / "videos" / "LC-SF_01.mp4"
    video.write_bytes(video.read_bytes()[:-10])  # damaged after it was recorded
    again = run_method(config(tiny_dataset, tmp_path, limit=3), score=False)
    assert again.generation.generated == ["LC-SF_01"]


def test_invalid_output_and_timeout_are_recorded(tiny_dataset: Path, tmp_path: Path) -> None:
    wrong = run_method(config(tiny_dataset, tmp_path, method="wrong-shape", limit=1), score=False)
    assert (
        "adapter 'wrong-shape', case LC-SF_00: returned shape (4, 24, 16, 3)"
        in wrong.generation.failed["LC-SF_00"]
    )
    start = time.perf_counter()
    slow = run_method(config(tiny_dataset, tmp_path, method="sleeper", limit=1, timeout=0.5), score=False)
    assert time.perf_counter() - start < 10
    record = read_record(slow.run_dir / "videos" / "LC-SF_00.mp4")
    assert record is not None and record.status == "timeout" and "0.5 s" in (record.error or "")


def test_bad_method_args_and_unknown_names(tiny_dataset: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"method 'slow-copy': bad --method-args: nope: Extra inputs"):
        run_method(config(tiny_dataset, tmp_path, method_args={"nope": "1"}))
    with pytest.raises(ValueError, match="delay: Input should be a valid number"):
        run_method(config(tiny_dataset, tmp_path, method_args={"delay": "soon"}))
    with pytest.raises(KeyError, match="did you mean copy-reference"):
        run_method(config(tiny_dataset, tmp_path, method="copy-referenc"))
    with pytest.raises(KeyError, match="did you mean LH-NP"):
        run_method(config(tiny_dataset, tmp_path, classes=["LH-NQ"]))


def test_ground_truth_gives_the_ideal_values_through_the_cli(
    tiny_dataset: Path, tmp_path: Path, capsys
) -> None:
    argv = ["run", "--method", "ground-truth", "--data", str(tiny_dataset), "--out", str(tmp_path)]
    argv += ["--protocol", str(tiny_dataset / "protocol.json")]
    assert main([*argv, "--limit", "5", "--no-progress"]) == 0
    metrics = MetricsFile.model_validate_json((tmp_path / "ground-truth/test-tiny/metrics.json").read_text())
    assert metrics.overall["psnr"].value == 100.0 and metrics.overall["l1"].value == 0.0
    assert metrics.overall["ssim"].value == pytest.approx(1.0, abs=1e-12)
    printed = capsys.readouterr().out
    assert "| 5 | 0 | 0 |" in printed and "| psnr | 100 |" in printed


def wait_for_records(videos: Path, count: int, process: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if videos.is_dir() and len(list(videos.glob("*.json"))) >= count:
            return
        if process.poll() is not None:
            raise AssertionError(f"the run ended early: {process.communicate()}")
        time.sleep(0.05)
    raise AssertionError("no progress")


def test_resume_after_a_kill_regenerates_nothing_finished(
    tiny_dataset: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("INTERHF_BENCH_CACHE", str(tmp_path / "cache"))
    log = tmp_path / "generated.log"
    env = {**os.environ, "INTERHF_TEST_LOG": str(log), "INTERHF_BENCH_CACHE": str(tmp_path / "cache")}
    out = tmp_path / "runs"
    argv = [sys.executable, "-m", "interhf_bench", "run", "--method", "slow-copy", "--include", str(PLUGINS)]
    argv += ["--data", str(tiny_dataset), "--out", str(out), "--limit", "8", "--no-progress"]
    argv += ["--protocol", str(tiny_dataset / "protocol.json"), "--method-args", "delay=0.4"]
    process = subprocess.Popen(
        argv,
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    videos = out / "slow-copy" / "test-tiny" / "videos"
    wait_for_records(videos, 3, process)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = {p.stem for p in videos.glob("*.json") if read_record(videos / f"{p.stem}.mp4").status == "ok"}
    assert 3 <= len(finished) < 8 and not (out / "slow-copy/test-tiny/metrics.json").exists()
    log.write_text("")
    resumed = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    regenerated = set(log.read_text().split())
    assert not regenerated & finished, resumed.stdout
    assert regenerated | finished == {p.stem for p in videos.glob("*.mp4")}
    uninterrupted = run_method(config(tiny_dataset, tmp_path / "clean", limit=8))
    killed_and_resumed = MetricsFile.model_validate_json((videos.parent / "metrics.json").read_text())
    assert comparable(killed_and_resumed) == comparable(uninterrupted.metrics)


def test_ctrl_c_scores_what_finished_and_says_how_to_resume(tiny_dataset: Path, tmp_path: Path) -> None:
    env = {**os.environ, "INTERHF_BENCH_CACHE": str(tmp_path / "cache")}
    out = tmp_path / "runs"
    argv = [sys.executable, "-m", "interhf_bench", "run", "--method", "slow-copy", "--include", str(PLUGINS)]
    argv += ["--data", str(tiny_dataset), "--out", str(out), "--limit", "8", "--no-progress"]
    argv += ["--protocol", str(tiny_dataset / "protocol.json"), "--method-args", "delay=0.4"]
    process = subprocess.Popen(
        argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    videos = out / "slow-copy" / "test-tiny" / "videos"
    wait_for_records(videos, 3, process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 130, stderr
    assert "rerun the same command to resume" in stderr and "Traceback" not in stderr
    finished = {p.stem for p in videos.glob("*.json") if read_record(videos / f"{p.stem}.mp4").status == "ok"}
    metrics = MetricsFile.model_validate_json((videos.parent / "metrics.json").read_text())
    assert 3 <= metrics.n_evaluated == len(finished) < 8
    meta = json.loads((videos.parent / "run_meta.json").read_text())
    assert meta["generation"]["interrupted"] is True and meta["generation"]["generated"] == len(finished)


def test_two_process_sharded_run_equals_one_process(tiny_dataset: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("INTERHF_BENCH_CACHE", str(tmp_path / "cache"))
    env = {**os.environ, "INTERHF_BENCH_CACHE": str(tmp_path / "cache"), "OMP_NUM_THREADS": "1"}
    argv = ["-m", "interhf_bench", "run", "--method", "slow-copy", "--include", str(PLUGINS)]
    argv += ["--data", str(tiny_dataset), "--limit", "7", "--no-progress"]
    argv += ["--protocol", str(tiny_dataset / "protocol.json")]
    launcher = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2"]
    result = subprocess.run(
        [*launcher, *argv, "--out", str(tmp_path / "sharded")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run_dir = tmp_path / "sharded" / "slow-copy" / "test-tiny"
    ranks = {read_record(p.with_suffix(".mp4")).rank for p in (run_dir / "videos").glob("*.json")}
    assert ranks == {0, 1}
    sharded = MetricsFile.model_validate_json((run_dir / "metrics.json").read_text())
    single = run_method(config(tiny_dataset, tmp_path / "single", limit=7))
    assert comparable(sharded) == comparable(single.metrics)
    meta = json.loads((run_dir / "run_meta.json").read_text())
    assert meta["world_size"] == 2 and meta["generation"]["generated"] == 7


def test_a_corrupt_generated_video_is_reported_and_the_others_scored(
    tiny_dataset: Path, tmp_path: Path
) -> None:
    outcome = run_method(config(tiny_dataset, tmp_path, limit=3), score=False)
    videos = outcome.run_dir / "videos"
    (videos / "LC-SF_01.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 not really a video")
    forget_included_files()  # as if `score` ran in its own process, as it would
    argv = ["score", "--pred", str(videos), "--data", str(tiny_dataset), "--no-progress"]
    assert main([*argv, "--protocol", str(tiny_dataset / "protocol.json")]) == 0
    metrics = MetricsFile.model_validate_json((outcome.run_dir / "metrics.json").read_text())
    assert list(metrics.failed) == ["LC-SF_01"] and "LC-SF_01.mp4" in metrics.failed["LC-SF_01"]
    assert sorted(metrics.per_video) == ["LC-SF_00", "LC-TF_00"] and metrics.n_evaluated == 2


def test_run_refuses_another_videos_pose_file_before_generating(tiny_dataset: Path, tmp_path: Path) -> None:
    poses = tiny_dataset / "poses"
    (poses / "LC-SF_00.npz").write_bytes((poses / "LC-SF_01.npz").read_bytes())
    with pytest.raises(DatasetError, match=r"poses/LC-SF_00\.npz.*sha256"):
        run_method(config(tiny_dataset, tmp_path, limit=2))
    assert not (tmp_path / "slow-copy").exists()  # nothing was generated from the wrong keypoints
