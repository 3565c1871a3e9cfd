"""``data validate`` reports every broken rule with its file and field."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from interhf_bench.data.arrays import save_keypoints
from interhf_bench.data.manifest import ManifestRow, load_manifest, write_manifest
from interhf_bench.data.validate import validate_dataset
from interhf_bench.io.files import sha256_file
from interhf_bench.io.video import write_video
from tests.conftest import TINY


def edit_rows(root: Path, **changes_by_id: dict[str, object]) -> None:
    rows = [
        row.model_copy(update=changes_by_id.get(row.video_id, {}))
        for row in load_manifest(root / "manifest.jsonl")
    ]
    write_manifest(root / "manifest.jsonl", rows)


def problems(root: Path) -> list[tuple[str | None, str | None, str]]:
    report = validate_dataset(root, TINY)
    return [(v.video_id, v.field, v.message) for v in report.violations]


def test_valid_dataset_passes(tiny_dataset: Path) -> None:
    report = validate_dataset(tiny_dataset, TINY)
    assert report.ok, report.violations
    assert (report.num_rows, report.num_test_rows) == (36, 36)


def test_corrupt_video(tiny_dataset: Path) -> None:
    video = tiny_dataset / "videos" / "LH-NP_00.mp4"
    data = video.read_bytes()
    video.write_bytes(data[: len(data) // 2])
    edit_rows(tiny_dataset, **{"LH-NP_00": {"sha256": sha256_file(video)}})
    found = problems(tiny_dataset)
    assert len(found) == 1
    assert found[0][:2] == ("LH-NP_00", "path")
    assert "truncated or corrupt" in found[0][2]


def test_hash_mismatch_names_the_file(tiny_dataset: Path) -> None:
    edit_rows(tiny_dataset, **{"RH-EB_01": {"sha256": "f" * 64}})
    report = validate_dataset(tiny_dataset, TINY)
    [violation] = report.violations
    assert violation.field == "sha256" and violation.file.endswith("videos/RH-EB_01.mp4")
    assert "sha256 mismatch" in violation.message


def test_wrong_frame_count(tiny_dataset: Path) -> None:
    frames = np.zeros((TINY.num_frames + 2, TINY.height, TINY.width, 3), np.uint8)
    video = write_video(tiny_dataset / "videos" / "LC-SF_00.mp4", frames, TINY.fps)
    edit_rows(tiny_dataset, **{"LC-SF_00": {"sha256": sha256_file(video)}})
    found = problems(tiny_dataset)
    assert found == [("LC-SF_00", "num_frames", f"video has {TINY.num_frames + 2} frames, manifest says 4")]


def test_manifest_frame_count_and_fps_against_protocol(tiny_dataset: Path) -> None:
    edit_rows(tiny_dataset, **{"LC-SF_01": {"num_frames": 7, "fps": 30.0}})
    fields = {field for _, field, _ in problems(tiny_dataset)}
    # the protocol rule and the file rules all fire, each naming its own field (and file)
    assert fields == {"num_frames", "fps", "pose_path", "mask_path"}
    assert len(problems(tiny_dataset)) == 6


def test_duplicate_subjects_in_a_class(tiny_dataset: Path) -> None:
    edit_rows(tiny_dataset, **{"RL-FS_01": {"subject_id": "subject-0"}})
    [(video_id, field, message)] = problems(tiny_dataset)
    assert (video_id, field) == ("RL-FS_01", "subject_id")
    assert "appears twice in class RL-FS" in message


def test_missing_file_and_wrong_count_per_class(tiny_dataset: Path) -> None:
    (tiny_dataset / "poses" / "LH-CH_00.npz").unlink()
    rows = [row for row in load_manifest(tiny_dataset / "manifest.jsonl") if row.video_id != "RH-CH_01"]
    write_manifest(tiny_dataset / "manifest.jsonl", rows)
    found = problems(tiny_dataset)
    assert ("LH-CH_00", "pose_path", "file not found: poses/LH-CH_00.npz") in found
    assert (None, "class", "class RH-CH has 1 test videos, protocol test-tiny requires 2") in found
    assert len(found) == 2


def test_path_traversal_in_manifest(tiny_dataset: Path) -> None:
    edit_rows(
        tiny_dataset, **{"LH-ER_00": {"path": "../../etc/passwd"}, "LH-ER_01": {"mask_path": "/etc/passwd"}}
    )
    found = problems(tiny_dataset)
    assert ("LH-ER_00", "path", "path '../../etc/passwd' contains '..'") in found
    assert any(v == "LH-ER_01" and f == "mask_path" and "must be relative" in m for v, f, m in found)
    assert len(found) == 2


def test_bad_keypoint_shape(tiny_dataset: Path) -> None:
    path = tiny_dataset / "poses" / "RC-TF_00.npz"
    np.savez(path, keypoints=np.zeros((TINY.num_frames, 17, 3), np.float32))
    edit_rows(tiny_dataset, **{"RC-TF_00": {"pose_sha256": sha256_file(path)}})
    [(_, field, message)] = problems(tiny_dataset)
    assert field == "pose_path" and "shape (T, 133, 3)" in message


def test_keypoints_in_another_resolution(tiny_dataset: Path) -> None:
    keypoints = np.ones((TINY.num_frames, 133, 3), np.float32)
    keypoints[..., :2] = 500.0
    path = save_keypoints(tiny_dataset / "poses" / "RC-TF_01.npz", keypoints)
    edit_rows(tiny_dataset, **{"RC-TF_01": {"pose_sha256": sha256_file(path)}})
    [(_, field, message)] = problems(tiny_dataset)
    assert field == "pose_path" and "outside the 24x16 frame" in message


def test_pickled_npz_is_refused(tiny_dataset: Path) -> None:
    path = tiny_dataset / "masks" / "LC-TH_00.npz"
    np.savez(path, hand=np.array([{"evil": 1}], dtype=object), face=np.zeros(1))
    edit_rows(tiny_dataset, **{"LC-TH_00": {"mask_sha256": sha256_file(path)}})
    [(_, field, message)] = problems(tiny_dataset)
    assert field == "mask_path" and "without pickles" in message


def test_duplicate_video_id_and_unknown_split_rows_are_checked(tiny_dataset: Path) -> None:
    rows = load_manifest(tiny_dataset / "manifest.jsonl")
    text = (tiny_dataset / "manifest.jsonl").read_text()
    extra = rows[0].model_copy(update={"split": "train"})
    (tiny_dataset / "manifest.jsonl").write_text(text + extra.model_dump_json(by_alias=True) + "\n")
    found = problems(tiny_dataset)
    assert found == [(rows[0].video_id, "video_id", "duplicate video_id (first on line 1)")]


def test_train_rows_do_not_count_towards_the_protocol(tiny_dataset: Path) -> None:
    rows = load_manifest(tiny_dataset / "manifest.jsonl")
    first = rows[0]
    edit_rows(tiny_dataset, **{first.video_id: {"split": "train"}})
    report = validate_dataset(tiny_dataset, TINY)
    assert [v.message for v in report.violations] == [
        f"class {first.interaction} has 1 test videos, protocol test-tiny requires 2"
    ]
    assert isinstance(first, ManifestRow)
