"""Several processes on one run folder: every case generated once, results written once, dead owners' cases
taken over."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from interhf_bench.results.metrics_file import MetricsFile
from interhf_bench.runner.claims import held_elsewhere, lock_path, release, try_claim
from interhf_bench.runner.run import RunConfig, run_method
from tests.runner.conftest import PLUGINS

ROOT = Path(__file__).resolve().parents[2]


def config(tiny_dataset: Path, out: Path, limit: int) -> RunConfig:
    protocol = str(tiny_dataset / "protocol.json")
    return RunConfig(
        method="slow-copy",
        data=tiny_dataset,
        protocol=protocol,
        limit=limit,
        out=out,
        includes=[PLUGINS],
        progress=False,
    )


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def write_lock(video: Path, pid: int, since: float) -> None:
    video.parent.mkdir(parents=True, exist_ok=True)
    lock_path(video).write_text(json.dumps({"host": socket.gethostname(), "pid": pid, "since": since}))


def test_a_claim_is_exclusive_until_released_and_stale_owners_lose_it(tmp_path: Path) -> None:
    video = tmp_path / "videos" / "A.mp4"
    assert try_claim(video) and not try_claim(video) and not held_elsewhere(video)
    release(video)
    assert not lock_path(video).exists() and try_claim(video)
    write_lock(video, dead_pid(), time.time())  # a process of this host that is gone
    assert not held_elsewhere(video) and try_claim(video)
    write_lock(video, os.getppid(), time.time() - 100)  # alive, but older than the timeout
    assert held_elsewhere(video, stale_after=1000) and not try_claim(video, stale_after=1000)
    assert try_claim(video, stale_after=10)


def test_three_processes_on_one_folder_generate_each_case_once(
    tiny_dataset: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("INTERHF_BENCH_CACHE", str(tmp_path / "cache"))
    log = tmp_path / "calls.log"
    env = {**os.environ, "INTERHF_TEST_LOG": str(log), "OMP_NUM_THREADS": "1"}
    env["INTERHF_BENCH_CACHE"] = str(tmp_path / "cache")
    argv = [sys.executable, "-m", "interhf_bench", "run", "--method", "slow-copy", "--include", str(PLUGINS)]
    argv += ["--data", str(tiny_dataset), "--protocol", str(tiny_dataset / "protocol.json"), "--limit", "12"]
    argv += ["--out", str(tmp_path / "shared"), "--no-progress", "--method-args", "delay=0.4"]
    processes = [
        subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    generated_by = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr[-3000:]
        counts = stdout.split("|---|---|---|---|---|\n", 1)[1].split("|")
        generated_by.append(int(counts[1]))
    assert sum(generated_by) == 12 and sum(1 for n in generated_by if n) >= 2  # the work was shared
    calls = log.read_text().split()
    assert len(calls) == 12 and len(set(calls)) == 12  # every case exactly once
    shared_file = tmp_path / "shared" / "slow-copy" / "test-tiny" / "metrics.json"
    shared = MetricsFile.model_validate_json(shared_file.read_text())
    single = run_method(config(tiny_dataset, tmp_path / "single", limit=12)).metrics
    exclude = {"provenance", "predictions"}
    assert single is not None and shared.model_dump(exclude=exclude) == single.model_dump(exclude=exclude)
    assert not list((tmp_path / "shared").rglob("*.lock"))


def test_a_case_held_by_a_dead_process_is_taken_over(tiny_dataset: Path, tmp_path: Path) -> None:
    videos = tmp_path / "slow-copy" / "test-tiny" / "videos"
    write_lock(videos / "LC-SF_00.mp4", dead_pid(), time.time())
    outcome = run_method(config(tiny_dataset, tmp_path, limit=2))
    assert outcome.generation.generated == ["LC-SF_00", "LC-SF_01"] and outcome.metrics is not None
    assert not lock_path(videos / "LC-SF_00.mp4").exists()


def test_temporaries_of_a_killed_run_are_removed_on_start_and_a_live_writers_are_kept(
    tiny_dataset: Path, tmp_path: Path
) -> None:
    videos = tmp_path / "slow-copy" / "test-tiny" / "videos"
    videos.mkdir(parents=True)
    old, young = videos / ".LC-SF_00.mp4.k1ll3d.tmp.mp4", videos / ".LC-SF_01.mp4.wr1t1ng.tmp.mp4"
    left_meta = videos.parent / ".run_meta.json.k1ll3d.tmp.json"
    for path in (old, young, left_meta):
        path.write_bytes(b"half a file")
    hour_ago = time.time() - 3600
    for path in (old, left_meta):
        os.utime(path, (hour_ago, hour_ago))
    keep = videos / "notes.tmp.txt"  # not one of atomic_path's names: never touched
    keep.write_text("mine")
    os.utime(keep, (hour_ago, hour_ago))
    run_method(replace(config(tiny_dataset, tmp_path, limit=1), lock_timeout=600), score=False)
    assert not old.exists() and not left_meta.exists()
    assert young.exists() and keep.exists()
