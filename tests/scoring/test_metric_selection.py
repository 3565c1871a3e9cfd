"""``--metrics`` / ``--skip-metrics``: only the asked-for metrics are built and written; the others are
"not requested" in metrics.json, run_meta.json, validate --rescore and the leaderboard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interhf_bench.cli import main
from interhf_bench.data.dataset import Dataset
from interhf_bench.io.video import write_video
from interhf_bench.results.metric_selection import ALL_METRICS, SELECTABLE, requested_metrics, selections_for
from interhf_bench.results.metrics_file import MetricsFile
from interhf_bench.runner.run import RunConfig, run_method
from interhf_bench.scoring import metric_set
from interhf_bench.scoring.metric_set import build_metric_set
from interhf_bench.submission.compare import compare_metrics
from tests.conftest import TINY
from tests.runner.test_trusted_scoring import PATCHER, scorer_restored  # noqa: F401  (a fixture)

NOT_PIXEL = ["fid", "lpips", "l1", "fid_vid", "fvd", "regions", "identity", "hand_pose", "interaction"]


@pytest.fixture
def tiny_dataset(tiny_dataset: Path) -> Path:
    """The tiny dataset with its (unregistered) protocol as a custom protocol file."""
    (tiny_dataset / "protocol.json").write_text(json.dumps(TINY.as_dict()))
    return tiny_dataset


def write_copies(dataset: Dataset, pred: Path, count: int) -> None:
    """The ground truth's own target frames as the predictions of the first ``count`` test videos."""
    for row in [row for row in dataset if row.split == "test"][:count]:
        frames = dataset.frames(row.video_id, list(TINY.target_frames))
        write_video(pred / f"{row.video_id}.mp4", frames, TINY.fps)


def score_argv(root: Path, pred: Path) -> list[str]:
    protocol = str(root / "protocol.json")
    return ["score", "--data", str(root), "--protocol", protocol, "--pred", str(pred), "--no-progress"]


def test_score_writes_only_the_requested_metrics(tiny_dataset: Path, tmp_path: Path, capsys) -> None:
    pred = tmp_path / "run" / "videos"
    write_copies(Dataset(tiny_dataset), pred, 2)
    assert main([*score_argv(tiny_dataset, pred), "--metrics", "ssim,psnr"]) == 0
    out = MetricsFile.model_validate_json((tmp_path / "run" / "metrics.json").read_text())
    assert list(out.overall) == ["ssim", "psnr"]
    assert all(list(values) == ["ssim", "psnr"] for values in out.per_class.values())
    assert all(list(values) == ["ssim", "psnr"] for values in out.per_video.values())
    assert sorted(out.settings) == ["psnr", "ssim"]
    assert out.not_requested == NOT_PIXEL and out.unavailable == {}
    assert "not requested: fid, lpips, l1" in capsys.readouterr().out


def test_skip_metrics_keeps_the_rest_and_regions_follow_their_selection(tiny_dataset: Path, tmp_path) -> None:
    pred = tmp_path / "run" / "videos"
    write_copies(Dataset(tiny_dataset), pred, 1)
    skip = "fid,lpips,fid_vid,fvd,identity,hand_pose,interaction,psnr"
    assert main([*score_argv(tiny_dataset, pred), "--skip-metrics", skip]) == 0
    out = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert list(out["overall"]) == ["ssim", "l1", *(f"{r}_{m}" for r in ("hand", "face", "interaction")
                                                    for m in ("ssim", "psnr", "l1"))]  # fmt: skip
    assert out["not_requested"] == [
        "fid",
        "psnr",
        "lpips",
        "fid_vid",
        "fvd",
        "identity",
        "hand_pose",
        "interaction",
    ]


def test_skipping_fvd_builds_no_fvd_extractor(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("INTERHF_BENCH_WEIGHTS", str(tmp_path / "no-weights"))

    def no_fvd(allow_unverified: bool) -> None:
        raise AssertionError("FVD's weights were looked up although it was not requested")

    monkeypatch.setattr(metric_set, "fvd_weights", no_fvd)
    metrics = build_metric_set(TINY, pose_backend=None, requested=requested_metrics(None, "fvd"))
    assert "fvd" not in metrics.unavailable and metrics.not_requested == ["fvd"]
    assert "lpips" in metrics.unavailable  # requested, and its weights are absent: unavailable
    assert "interaction" in metrics.unavailable  # requested without a hand detector
    assert (
        "interaction"
        not in build_metric_set(TINY, pose_backend=None, requested=frozenset({"ssim"})).unavailable
    )


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--metrics", "ssim,fdv"], "unknown metric in --metrics 'fdv'; did you mean fvd"),
        (["--skip-metrics", "hand"], "unknown metric in --skip-metrics 'hand'; did you mean hand_pose"),
        (["--metrics", "ssim", "--skip-metrics", "ssim"], "leave no metric to compute"),
    ],
)
def test_a_bad_selection_is_an_error_naming_it(
    tmp_path: Path, capsys, argv: list[str], expected: str
) -> None:
    (tmp_path / "videos").mkdir()
    assert main(["score", "--pred", str(tmp_path / "videos"), *argv]) != 0
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "metrics.json").exists()


def test_every_written_value_belongs_to_one_selection() -> None:
    assert selections_for("hand_ssim") == {"regions"} and selections_for("face_lpips") == {"regions", "lpips"}
    assert selections_for("hand_pck@0.2") == {"hand_pose"} and selections_for("hand_error") == {"hand_pose"}
    assert selections_for("recognition_gt") == {"interaction"} and selections_for("made_up") == frozenset()
    assert set(SELECTABLE) == ALL_METRICS


def test_run_passes_the_selection_to_the_fresh_scoring_process(
    tiny_dataset: Path,
    tmp_path: Path,
    scorer_restored: None,  # noqa: F811
) -> None:
    config = RunConfig(
        method="perfect-scores",
        data=tiny_dataset,
        protocol=str(tiny_dataset / "protocol.json"),
        out=tmp_path,
        includes=[PATCHER],
        limit=2,
        progress=False,
        metrics=frozenset({"l1", "regions"}),
    )
    outcome = run_method(config)
    assert outcome.meta is not None and outcome.metrics is not None
    assert outcome.meta.scoring_process == "fresh"
    assert "l1" in outcome.metrics.overall and "ssim" not in outcome.metrics.overall
    assert "face_ssim" in outcome.metrics.overall and "face_lpips" not in outcome.metrics.overall
    assert outcome.meta.not_requested_metrics == [n for n in SELECTABLE if n not in ("l1", "regions")]
    assert outcome.metrics.not_requested == outcome.meta.not_requested_metrics


def test_rescoring_with_fewer_metrics_lists_the_others_as_not_requested(tiny_dataset: Path, tmp_path) -> None:
    pred = tmp_path / "run" / "videos"
    write_copies(Dataset(tiny_dataset), pred, 1)
    assert main([*score_argv(tiny_dataset, pred), "--metrics", "ssim,psnr,l1,regions"]) == 0
    full = MetricsFile.model_validate_json((tmp_path / "run" / "metrics.json").read_text())
    assert (
        main([*score_argv(tiny_dataset, pred), "--metrics", "ssim", "--out", str(tmp_path / "m.json")]) == 0
    )
    partial = MetricsFile.model_validate_json((tmp_path / "m.json").read_text())
    comparison = compare_metrics(full, partial, 1e-4)
    assert comparison.mismatches == []
    # the tiny dataset's hand masks are empty: hand_* are null in both, so they claim nothing
    assert set(comparison.unchecked) == {"psnr", "l1", *(f"{r}_{m}" for r in ("face", "interaction")
                                                         for m in ("ssim", "psnr", "l1"))}  # fmt: skip
    assert all(reason.startswith("not requested") for reason in comparison.unchecked.values())


def test_validate_rescore_takes_the_selection(tiny_dataset: Path, tmp_path: Path, capsys) -> None:
    argv = ["validate", str(tmp_path / "absent"), "--data", str(tiny_dataset), "--rescore"]
    assert main([*argv, "--metrics", "sim"]) != 0
    assert "unknown metric in --metrics 'sim'; did you mean ssim" in capsys.readouterr().err


def test_the_leaderboard_shows_a_metric_not_requested_as_a_dash(tmp_path: Path) -> None:
    from leaderboard.build import write_leaderboard
    from leaderboard.entries import load_run
    from tests.leaderboard.runs import write_run

    run = write_run(tmp_path / "runs", "quick", {"ssim": 0.8, "psnr": 24.0}, protocol="interhf-mini-v1")
    metrics = json.loads((run / "metrics.json").read_text())
    metrics["not_requested"] = NOT_PIXEL
    (run / "metrics.json").write_text(json.dumps(metrics))
    entry = load_run(run)
    assert entry.values.get("l1") is None and entry.provenance["not_requested"] == NOT_PIXEL
    write_leaderboard([run], tmp_path / "out")
    lines = (tmp_path / "out" / "leaderboard.md").read_text().splitlines()
    row = next(line for line in lines if line.startswith("| quick"))
    header = next(
        line for line in reversed(lines[: lines.index(row)]) if line.startswith("| ") and "L1" in line
    )
    cells = dict(zip(header.split(" | "), row.split(" | "), strict=True))
    assert cells["L1 ↓"] == "–" and cells["FVD ↓"] == "–" and cells["SSIM ↑"] == "**0.800**"


def test_a_file_with_values_of_a_metric_it_says_was_not_requested_is_refused() -> None:
    from interhf_bench.results.metric_ranges import metrics_file_problems
    from tests.leaderboard.runs import metrics_file

    forged = metrics_file({"ssim": 0.8, "face_lpips": 0.2}).model_copy(
        update={"not_requested": ["lpips", "x"]}
    )
    problems = metrics_file_problems(forged)
    assert "not_requested: unknown metric 'x'" in problems
    assert "overall: face_lpips has a value, yet not_requested lists it" in problems


def test_the_selection_names_the_values_the_metrics_write() -> None:
    """metric_selection repeats these names so that ``ls`` imports no metric module; they must agree."""
    from interhf_bench.metrics.interaction_values import VALUE_NAMES
    from interhf_bench.metrics.regions import REGIONS
    from interhf_bench.results import metric_selection

    assert tuple(VALUE_NAMES) == metric_selection.INTERACTION_VALUES
    assert tuple(REGIONS) == metric_selection.REGIONS
