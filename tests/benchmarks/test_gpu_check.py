"""``benchmarks/gpu_check.py``: the smoke run exercises every part's code path on the CPU, and the
parent keeps to its budgets (time-outs, skips, dependencies) and reports what it measured."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
SCRIPT = BENCHMARKS / "gpu_check.py"


def run_check(*arguments: str, timeout: float = 1800) -> tuple[int, dict]:
    out = Path(arguments[arguments.index("--out") + 1])
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--device", "cpu", "--smoke", *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    report = out / "gpu_check.json"
    assert report.is_file(), done.stdout + done.stderr
    return done.returncode, json.loads(report.read_text())


@pytest.fixture
def gpu_check(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import gpu_check

    return gpu_check


@pytest.mark.slow
def test_smoke_run_passes_every_part(tmp_path: Path) -> None:
    from interanimate.pipeline import InterAnimatePipeline

    out = tmp_path / "out"
    code, report = run_check("--out", str(out), "--work", str(tmp_path / "work"))
    parts = report["parts"]
    assert code == 0, {name: part.get("error") for name, part in parts.items()}
    assert list(parts) == ["data", "a_model", "b_inference", "c_score", "d_mimicmotion", "e_training"]
    assert all(part["status"] == "ok" for part in parts.values())
    rows = parts["a_model"]["rows"]
    assert [row["model"] for row in rows] == ["plain SVD UNet", "InterAnimate"]
    assert rows[1]["parameters"] > rows[0]["parameters"]
    assert all(row["training_step_s"] > 0 and row["inference_forward_s"] > 0 for row in rows)
    assert parts["b_inference"]["output_shape"] == [24, 160, 96, 3]
    assert {"ssim", "lpips", "fid", "fid_vid", "fvd"} <= set(parts["c_score"]["metrics"])
    assert parts["c_score"]["warm_cache"]["features_s"] > 0
    assert 0 <= parts["d_mimicmotion"]["scored"]["ssim"] <= 1
    variants = parts["e_training"]["variants"]
    assert [v["variant"] for v in variants] == ["full", "wo-ris", "wo-quantize", "wo-oloss", "wo-id"]
    assert all(v["status"] == "trained" for v in variants)
    with tarfile.open(out / "tiny-wo-id.tar") as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    checkpoint = tmp_path / "unpacked" / "tiny-wo-id"
    assert json.loads((checkpoint / "interanimate.json").read_text())["variant"] == "wo-id"
    assert not InterAnimatePipeline.from_checkpoint(checkpoint).model.config.use_id
    summary = (out / "gpu_check.md").read_text()
    assert "| plain SVD UNet |" in summary and "## e_training" in summary


def test_a_part_over_its_budget_is_killed_and_what_needs_it_is_skipped(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, report = run_check("--out", str(out), "--parts", "c_score", "--budget", "data=1", timeout=120)
    parts = report["parts"]
    assert code == 1
    assert parts["data"]["status"] == "timed_out" and "1 s budget" in parts["data"]["error"]
    assert parts["c_score"] == {**parts["c_score"], "status": "skipped", "reason": "needs data"}
    assert "timed_out" in (out / "gpu_check.md").read_text()


def test_a_part_whose_budget_exceeds_what_is_left_is_skipped(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, report = run_check("--out", str(out), "--parts", "a_model", "--total-budget", "5", timeout=60)
    assert code == 1
    assert report["parts"]["a_model"]["status"] == "skipped"
    assert "exceeds the 5 s left" in report["parts"]["a_model"]["reason"]


def test_bad_budget_is_refused_with_the_part_names(gpu_check) -> None:
    with pytest.raises(SystemExit, match="PART one of data, a_model"):
        gpu_check.part_budgets(gpu_check.parse_args(["--budget", "c_scor=10"]))
    budgets = gpu_check.part_budgets(gpu_check.parse_args(["--budget", "c_score=12.5"]))
    assert budgets["c_score"] == 12.5 and budgets["a_model"] == 60


def test_parts_that_need_the_data_bring_it(gpu_check) -> None:
    names = [name for name, *_ in gpu_check.plan(gpu_check.parse_args(["--parts", "e_training"]))]
    assert names == ["data", "e_training"]
    names = [name for name, *_ in gpu_check.plan(gpu_check.parse_args(["--parts", "a_model"]))]
    assert names == ["a_model"]


def test_notes_accumulate_for_a_killed_part(gpu_check, tmp_path: Path) -> None:
    import gpu_parts

    context = gpu_parts.PartContext(
        "c_score", "cpu", gpu_parts.SIZES["smoke"], tmp_path, tmp_path, 10.0, tmp_path
    )
    context.note(videos=1)
    context.note(cold_cache={"features_s": 2.0})
    assert json.loads(context.partial_file.read_text()) == {"videos": 1, "cold_cache": {"features_s": 2.0}}


def test_markdown_summary_renders_tables_and_values(gpu_check) -> None:
    part = {
        "what": "w",
        "status": "ok",
        "rows": [{"model": "m", "s": 0.123456}],
        "sampling": {"steps": 2},
        "n": 3,
    }
    lines = gpu_check.part_markdown("x", part)
    assert lines[0] == "## x: w" and "- status: **ok**" in lines
    assert "| m | 0.1235 |" in lines and "- sampling: steps 2" in lines and "- n: 3" in lines


def test_a_missing_svd_config_folder_is_named_before_anything_runs(gpu_check, tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"no SVD-xt-1\.1 configs at .*nowhere"):
        gpu_check.main(["--out", str(tmp_path / "out"), "--svd-configs", str(tmp_path / "nowhere")])
    assert not (tmp_path / "out").exists()
