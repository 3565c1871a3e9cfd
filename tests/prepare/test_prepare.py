"""``data prepare`` end to end on the real clips in shared/data/media, with the offline pose backend."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from interhf_bench.cli import main
from interhf_bench.data.dataset import Dataset
from interhf_bench.data.validate import validate_dataset
from interhf_bench.io.video import write_video
from interhf_bench.prepare.build import REPORT_NAME
from interhf_bench.protocol import get_protocol
from tests.conftest import shared_file

pytest.importorskip("mediapipe", reason="install with: pip install --no-deps -r requirements/mediapipe.txt")
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")  # scikit-image, inside insightface
PROTOCOL = get_protocol("interhf-mini-v1")


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    for name in ("s20.mp4", "s13.mp4"):
        shutil.copyfile(shared_file(f"data/media/liveportrait/{name}"), folder / name)
    (folder / "labels.csv").write_text(
        "video,class,subject,start\ns20.mp4,LH-NP,woman-s20,1.0\ns13.mp4,RH-NP,woman-s13,0\n"
    )
    return folder


def _prepare(raw: Path, out: Path, *extra: str) -> int:
    return main(
        ["data", "prepare", str(raw), str(out), "--protocol", PROTOCOL.id, "--pose-backend", "mediapipe",
         "--allow-unverified-weights", "--no-progress", *extra]
    )  # fmt: skip


@pytest.mark.slow
def test_real_clips_become_a_dataset_that_validates_and_scores(
    raw: Path, tmp_path: Path, face_weights: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERHF_BENCH_WEIGHTS", str(face_weights))
    out = tmp_path / "prepared"
    assert _prepare(raw, out) == 0

    report = validate_dataset(out, PROTOCOL, complete_test_split=False)
    assert report.ok, report.violations
    assert not validate_dataset(out, PROTOCOL).ok  # two videos are not the protocol's whole test split
    dataset = Dataset(out)
    for row in dataset:
        assert row.pose_backend == "mediapipe"
        assert (row.height, row.width, row.num_frames, row.fps) == (160, 96, 25, 15.0)
        keypoints = dataset.keypoints(row.video_id)
        assert (keypoints[:, 0, 2] > 0.5).all()  # the nose, every frame
        _, face = dataset.masks(row.video_id)
        assert face.any(axis=(1, 2)).all()
        identity = dataset.identity(row.video_id)
        assert identity is not None and np.linalg.norm(identity) == pytest.approx(1, abs=1e-5)
    info = json.loads((out / "dataset.json").read_text())
    assert info["parameters"]["pose"]["backend"] == "mediapipe"
    assert info["parameters"]["identity"]["recognizer"]["weights_verified"] is False

    runs = tmp_path / "runs"
    run = ["run", "--method", "copy-reference", "--data", str(out), "--out", str(runs), "--no-progress"]
    assert main([*run, "--hand-detector", "mediapipe", "--allow-unverified-weights"]) == 0
    metrics = json.loads((runs / "copy-reference" / PROTOCOL.id / "metrics.json").read_text())
    overall = metrics["overall"]
    assert overall["identity_similarity"]["value"] == pytest.approx(1, abs=1e-5)  # the reference, copied
    assert overall["identity_no_face"]["value"] == 0
    for name in ("ssim", "psnr", "hand_detected", "hand_error", "hand_pck@0.1", "hand_pck@0.2"):
        assert overall[name]["value"] is not None, name
    assert metrics["settings"]["hand_pose"]["detector"]["backend"] == "mediapipe"
    assert metrics["settings"]["identity"]["recognizer"]["weights_verified"] is False


@pytest.mark.slow
def test_prepare_resumes_and_redoes_only_what_changed(raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "prepared"
    assert _prepare(raw, out, "--no-identity") == 0
    first = (out / "manifest.jsonl").read_text()
    assert _prepare(raw, out, "--no-identity") == 0
    report = json.loads((out / REPORT_NAME).read_text())
    assert sorted(report["resumed"]) == ["s13", "s20"] and report["prepared"] == []
    assert (out / "manifest.jsonl").read_text() == first

    (out / "poses" / "s13.npz").write_bytes(b"damaged")
    assert _prepare(raw, out, "--no-identity") == 0
    report = json.loads((out / REPORT_NAME).read_text())
    assert report["prepared"] == ["s13"] and report["resumed"] == ["s20"]
    assert (out / "manifest.jsonl").read_text() == first  # the same bytes again


@pytest.mark.slow
def test_bad_videos_are_reported_and_the_others_kept(raw: Path, tmp_path: Path) -> None:
    (raw / "broken.mp4").write_text("not a video")
    write_video(raw / "empty.mp4", np.full((40, 64, 48, 3), 128, np.uint8), 15)  # nobody in it
    write_video(raw / "short.mp4", np.full((5, 64, 48, 3), 128, np.uint8), 15)
    with open(raw / "labels.csv", "a") as labels:
        labels.write("broken.mp4,LH-EB,a,0\nempty.mp4,LH-EB,b,0\nshort.mp4,LH-EB,c,0\n")
    out = tmp_path / "prepared"
    assert _prepare(raw, out, "--no-identity") == 1
    report = json.loads((out / REPORT_NAME).read_text())
    assert sorted(report["prepared"]) == ["s13", "s20"]
    assert "broken.mp4" in report["failed"]["broken"] and "not a video" in report["failed"]["broken"]
    assert "no person found" in report["failed"]["empty"]
    assert "too short" in report["failed"]["short"]
    assert [row.video_id for row in Dataset(out)] == ["s13", "s20"]


def test_preparing_into_a_folder_with_other_files_is_refused(
    raw: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "busy"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert _prepare(raw, out, "--no-identity") == 1
    assert "holds other files" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_a_bad_labels_file_stops_before_any_work(
    raw: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (raw / "labels.csv").write_text("video,class,subject\nmissing.mp4,LH-NP,a\n")
    assert _prepare(raw, tmp_path / "out", "--no-identity") == 1
    assert "labels.csv:2: video 'missing.mp4' not found" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


class NoFaces:
    """A face model that finds no face anywhere (a reference frame without a visible face)."""

    @property
    def settings(self) -> dict[str, str]:
        return {"recognizer": "none", "detector": "none"}

    def embed(self, frame: np.ndarray) -> object:
        from interhf_bench.face.identity import FaceResult

        return FaceResult(None)


@pytest.mark.slow
def test_a_reference_without_a_face_is_reported_and_gets_no_identity(raw: Path, tmp_path: Path) -> None:
    from interhf_bench.pose.backends import get_pose_backend
    from interhf_bench.prepare.build import prepare_dataset
    from interhf_bench.prepare.labels import read_labels

    labels = read_labels(raw / "labels.csv", raw)[:1]
    out = tmp_path / "prepared"
    report = prepare_dataset(labels, out, PROTOCOL, get_pose_backend("mediapipe"), NoFaces(), progress=False)  # type: ignore[arg-type]
    assert report.no_face == ["s20"] and report.prepared == ["s20"]
    (row,) = Dataset(out)
    assert row.identity_path is None and Dataset(out).identity("s20") is None
    assert not (out / "identity" / "s20.npz").exists()
    assert validate_dataset(out, PROTOCOL, complete_test_split=False).ok
