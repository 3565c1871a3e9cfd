"""Comparing submitted numbers with rescored ones, and the verdict, on hand-built metrics files."""

from __future__ import annotations

from pathlib import Path

import pytest

from interhf_bench.metrics.interaction import InteractionFidelity
from interhf_bench.metrics.regions import REGIONS
from interhf_bench.results.metrics_file import MetricsFile, MetricValue
from interhf_bench.scoring.score import FRAME_METRICS, REGION_METRICS
from interhf_bench.submission.compare import compare_metrics
from interhf_bench.submission.tolerances import FAMILIES, metric_family
from interhf_bench.submission.validation import SubmissionReport, Verdict

PIXEL_SETTINGS = {"recipe": "DisCo"}


def metrics_file(values: dict[str, float | None], **update: object) -> MetricsFile:
    """One video of one class whose overall, class and video values are ``values``."""
    aggregate = {name: MetricValue(value=value, ci95=None, n=3) for name, value in values.items()}
    base = MetricsFile(
        protocol="p", protocol_hash="h", manifest_sha256="m", predictions="videos", n_expected=1,
        n_evaluated=1, missing=[], failed={}, overall=aggregate, per_class={"LC-SF": dict(aggregate)},
        per_video={"LC-SF_00": dict(values)}, settings={name: PIXEL_SETTINGS for name in FRAME_METRICS},
        unavailable={}, warnings=[], provenance={},
    )  # fmt: skip
    return base.model_copy(update=update)


def test_an_edited_l1_of_the_papers_scale_is_caught() -> None:
    """A floor of 1e-4 accepted any L1 (the paper's are ~2e-5); L1's own floor is 1e-10."""
    truth = metrics_file({"l1": 9e-5, "face_l1": 0.0})
    forged = metrics_file({"l1": 2e-5, "face_l1": 2e-5})
    mismatches = compare_metrics(forged, truth, 1e-4).mismatches
    assert "metrics.json: overall.l1.value = 2e-05, rescored here 9e-05" in mismatches
    assert "metrics.json: per_class.LC-SF.face_l1.value = 2e-05, rescored here 0" in mismatches
    assert "metrics.json: per_video.LC-SF_00.l1 = 2e-05, rescored here 9e-05" in mismatches


def test_rounding_below_the_tolerance_passes() -> None:
    truth = metrics_file({"ssim": 0.5, "psnr": 20.0, "l1": 2e-5, "hand_ssim": 0.0})
    close = metrics_file(
        {"ssim": 0.5 * (1 + 1e-6), "psnr": 20.0 + 1e-4, "l1": 2e-5 * (1 - 1e-6), "hand_ssim": 1e-7}
    )
    assert compare_metrics(close, truth, 1e-4).mismatches == []


def test_null_against_a_value_disagrees_both_ways() -> None:
    truth = metrics_file({"ssim": 0.5, "hand_ssim": None})
    forged = metrics_file({"ssim": None, "hand_ssim": 0.9})
    mismatches = compare_metrics(forged, truth, 1e-4).mismatches
    assert "metrics.json: overall.ssim.value = null, rescored here 0.5" in mismatches
    assert "metrics.json: overall.hand_ssim.value = 0.9, rescored here null" in mismatches


def test_metrics_not_recomputed_are_unchecked_with_the_reason() -> None:
    truth = metrics_file(
        {"ssim": 0.5}, unavailable={"fvd": "i3d weights not found; interhf-bench weights download"}
    )
    submitted = metrics_file({"ssim": 0.5, "fvd": 120.0, "hand_error": 0.1, "my_score": 1.0, "fid": None})
    unchecked = compare_metrics(submitted, truth, 1e-4).unchecked
    assert unchecked["fvd"] == "not computed here: i3d weights not found; interhf-bench weights download"
    assert unchecked["hand_error"].startswith("not computed in this rescoring")
    assert unchecked["my_score"].startswith("not a metric interhf-bench computes")
    assert "fid" not in unchecked  # null everywhere: no claim, nothing to check


def test_numbers_made_with_other_settings_are_unchecked_not_compared() -> None:
    truth = metrics_file({"psnr": 20.0, "ssim": 0.5})
    other = metrics_file({"psnr": 25.0, "ssim": 0.5})
    other.settings["psnr"] = {"recipe": "uint8 overflow"}
    comparison = compare_metrics(other, truth, 1e-4)
    assert comparison.mismatches == []
    assert comparison.unchecked == {
        "psnr": "computed with other settings than here (settings.psnr: recipe differ)"
    }


def test_numbers_from_another_device_with_other_batches_and_layout_are_compared() -> None:
    """A GPU score (batches of 8) rescored on a CPU (batches of 2): the recipe is the same."""
    recipe = {"network": "I3D", "weights_sha256": "ab", "clip_length": 16}
    truth = metrics_file({"ssim": 0.5, "fvd": 100.0})
    truth.settings["fvd"] = {**recipe, "batch": 2, "layout": "channels_last_3d", "identity": "cpu-id"}
    forged = metrics_file({"ssim": 0.5, "fvd": 90.0})
    forged.settings["fvd"] = {**recipe, "batch": 8, "layout": "contiguous_format", "identity": "gpu-id"}
    comparison = compare_metrics(forged, truth, 1e-4)
    assert comparison.unchecked == {}
    assert "metrics.json: overall.fvd.value = 90, rescored here 100" in comparison.mismatches
    forged.settings["fvd"]["clip_length"] = 8
    assert compare_metrics(forged, truth, 1e-4).unchecked == {
        "fvd": "computed with other settings than here (settings.fvd: clip_length differ)"
    }


def test_classes_videos_and_counts_that_were_not_scored() -> None:
    truth = metrics_file({"ssim": 0.5})
    forged = metrics_file({"ssim": 0.5}, n_evaluated=2)
    forged.per_class["XX"] = dict(forged.overall)
    forged.per_video["XX_00"] = {"ssim": 0.5}
    mismatches = compare_metrics(forged, truth, 1e-4).mismatches
    assert mismatches == [
        "metrics.json: n_evaluated = 2, rescored here 1",
        "metrics.json: per_class.XX: no such class among the videos scored here",
        "metrics.json: per_video.XX_00: no such video among the videos scored here",
    ]


def test_every_value_score_writes_has_a_floor_far_below_its_scale() -> None:
    names = [*FRAME_METRICS, *REGION_METRICS, "lpips", *(f"{r}_lpips" for r in REGIONS)]
    names += ["identity_similarity", "identity_no_face", "hand_detected", "hand_error", "hand_pck@0.1"]
    names += ["fvd", "fid", "fid_vid", *InteractionFidelity.value_names]
    assert all(metric_family(name) is not None for name in names)
    assert metric_family("hand_ssim") is FAMILIES["ssim"]
    assert metric_family("hand_error") is FAMILIES["hand_error"]
    assert metric_family("l1").floor <= 1e-9  # type: ignore[union-attr]  # L1 values are ~1e-5
    assert all(family.floor <= 1e-3 for family in FAMILIES.values())


@pytest.mark.parametrize(
    ("report", "allow_unchecked", "verdict"),
    [
        (SubmissionReport(Path("s"), problems=["x"], has_videos=True), False, Verdict.INVALID),
        (
            SubmissionReport(Path("s"), submitted=metrics_file({}), rescored=False),
            False,
            Verdict.UNVERIFIABLE,
        ),
        (
            SubmissionReport(Path("s"), submitted=metrics_file({}), has_videos=True),
            False,
            Verdict.NOT_RESCORED,
        ),
        (SubmissionReport(Path("s"), has_videos=True, unchecked={"fvd": "-"}), False, Verdict.UNCHECKED),
        (SubmissionReport(Path("s"), has_videos=True, unchecked={"fvd": "-"}), True, Verdict.VALID),
        (SubmissionReport(Path("s"), has_videos=True, oracle=True), False, Verdict.ORACLE),
        (SubmissionReport(Path("s"), has_videos=True), False, Verdict.VALID),
    ],
)
def test_the_verdict(report: SubmissionReport, allow_unchecked: bool, verdict: Verdict) -> None:
    assert report.verdict(allow_unchecked=allow_unchecked) is verdict
    assert (verdict.exit_code == 0) == (verdict is Verdict.VALID)
