"""``data synth`` end to end: the embedded set is written in the format and passes validation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from interhf_bench.cli import main
from interhf_bench.data.dataset import Dataset
from interhf_bench.data.info import read_info
from interhf_bench.data.manifest import load_manifest, manifest_hash
from interhf_bench.data.validate import validate_dataset
from interhf_bench.protocol import INTERHF_MINI_V1, INTERHF_V1
from interhf_bench.synth.build import plan_jobs, synthesize_dataset


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mini")
    assert main(["data", "synth", str(root), "--no-progress"]) == 0
    return root


def test_mini_validates_through_the_cli(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "validate", str(mini), "--no-progress"]) == 0
    assert "36 videos (36 test), protocol interhf-mini-v1: OK" in capsys.readouterr().out


def test_mini_has_the_paper_classes_and_matching_files(mini: Path) -> None:
    dataset = Dataset(mini)
    assert sorted({row.interaction for row in dataset}) == sorted(INTERHF_MINI_V1.classes)
    p = INTERHF_MINI_V1
    for row in dataset.rows[:: len(dataset.rows) // 6]:
        assert (row.num_frames, row.height, row.width, row.fps) == (p.num_frames, p.height, p.width, p.fps)
        assert dataset.frames(row.video_id).shape == (p.num_frames, p.height, p.width, 3)
        assert dataset.keypoints(row.video_id).shape == (p.num_frames, 133, 3)
        hand, face = dataset.masks(row.video_id)
        assert hand.shape == face.shape == (p.num_frames, p.height, p.width)
        assert face.any(axis=(1, 2)).all(), "every frame shows the face"


def test_dataset_info_records_protocol_and_manifest_hash(mini: Path) -> None:
    info = read_info(mini)
    assert info is not None
    assert (info.protocol, info.protocol_hash) == (INTERHF_MINI_V1.id, INTERHF_MINI_V1.hash)
    assert info.manifest_sha256 == manifest_hash(load_manifest(mini / "manifest.jsonl"))


def test_same_seed_same_bytes_and_resume_keeps_files(mini: Path, tmp_path: Path) -> None:
    synthesize_dataset(tmp_path, INTERHF_MINI_V1, progress=False)
    assert (tmp_path / "manifest.jsonl").read_bytes() == (mini / "manifest.jsonl").read_bytes()
    # an interrupted run leaves finished videos; the rerun keeps them and rewrites the same manifest
    kept = tmp_path / "videos" / "LH-NP_00.mp4"
    mtime = kept.stat().st_mtime_ns
    (tmp_path / "videos" / "RL-FS_01.mp4").unlink()
    (tmp_path / "manifest.jsonl").unlink()
    synthesize_dataset(tmp_path, INTERHF_MINI_V1, progress=False)
    assert kept.stat().st_mtime_ns == mtime
    assert (tmp_path / "manifest.jsonl").read_bytes() == (mini / "manifest.jsonl").read_bytes()


def test_other_seed_differs_and_is_refused_in_the_same_folder(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["data", "synth", str(mini), "--seed", "1", "--no-progress"]) == 1
    assert "already holds a different synthetic dataset" in capsys.readouterr().err


def test_refuses_a_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="other files"):
        synthesize_dataset(tmp_path, INTERHF_MINI_V1, progress=False, overwrite=False)
    with pytest.raises(FileExistsError, match="refusing to delete"):
        synthesize_dataset(tmp_path, INTERHF_MINI_V1, progress=False, overwrite=True)


def test_full_size_plan_has_distinct_subjects_per_class() -> None:
    jobs = plan_jobs(INTERHF_V1, seed=0, train_per_class=4, encoding="lossless")
    assert len(jobs) == 18 * 14
    assert sum(job.split == "test" for job in jobs) == 180
    for code in INTERHF_V1.classes:
        subjects = [job.subject_index for job in jobs if job.interaction == code]
        assert len(set(subjects)) == len(subjects)
    assert {(job.num_frames, job.height, job.width) for job in jobs} == {(49, 640, 384)}
    with pytest.raises(ValueError, match="fewer than the 14 distinct subjects"):
        plan_jobs(INTERHF_V1, seed=0, train_per_class=4, num_subjects=13, encoding="lossless")


@pytest.mark.slow
def test_full_size_interhf_v1_shaped_video(tmp_path: Path) -> None:
    """One class at the full protocol size validates against interhf-v1's per-video rules."""
    from dataclasses import replace

    one_class = replace(INTERHF_V1, id="interhf-v1-one-class", classes=("RC-TF",), videos_per_class=1)
    synthesize_dataset(tmp_path, one_class, progress=False)
    report = validate_dataset(tmp_path, one_class)
    assert report.ok, report.violations
    frames = Dataset(tmp_path).frames("RC-TF_00")
    assert frames.shape == (49, 640, 384, 3)
    assert np.ptp(frames[24].astype(int)) > 100
