"""Manifest schema, path safety, canonical writing and hashing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interhf_bench.data.manifest import (
    DatasetError,
    ManifestRow,
    load_manifest,
    manifest_hash,
    parse_manifest,
    resolve_in_root,
    write_manifest,
)

ROW = {
    "video_id": "LH-NP_00",
    "class": "LH-NP",
    "subject_id": "s1",
    "split": "test",
    "path": "videos/LH-NP_00.mp4",
    "fps": 15.0,
    "num_frames": 49,
    "height": 640,
    "width": 384,
    "sha256": "0" * 64,
}


def write_lines(path: Path, rows: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def test_row_uses_class_alias() -> None:
    row = ManifestRow.model_validate(ROW)
    assert row.interaction == "LH-NP"
    assert row.to_json() == ROW


def test_every_schema_problem_is_reported_with_line_and_field(tmp_path: Path) -> None:
    bad_class = {**ROW, "video_id": "a", "class": "XX-YY"}
    bad_hash = {**ROW, "video_id": "b", "sha256": "abc"}
    extra = {**ROW, "video_id": "c", "colour": "red"}
    missing = {k: v for k, v in ROW.items() if k != "fps"}
    path = write_lines(tmp_path / "m.jsonl", [ROW, bad_class, "{not json", bad_hash, extra, missing, "[1]"])
    rows, violations = parse_manifest(path)
    assert len(rows) == 1
    found = {(v.line, v.field) for v in violations}
    assert {(2, "class"), (3, None), (4, "sha256"), (5, "colour"), (6, "fps"), (7, None)} == found
    assert "valid codes" in next(v.message for v in violations if v.field == "class")
    with pytest.raises(DatasetError, match="6 problem"):
        load_manifest(path)


def test_missing_and_empty_manifest(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="manifest file not found"):
        load_manifest(tmp_path / "none.jsonl")
    with pytest.raises(DatasetError, match="no rows"):
        load_manifest(write_lines(tmp_path / "empty.jsonl", []))


@pytest.mark.parametrize(
    ("relative", "problem"),
    [
        ("../outside.mp4", "contains '..'"),
        ("videos/../../x.mp4", "contains '..'"),
        ("/etc/passwd", "must be relative"),
        ("videos\\a.mp4", "must be relative"),
    ],
)
def test_path_traversal_is_refused(tmp_path: Path, relative: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        resolve_in_root(tmp_path, relative)


def test_symlink_escaping_the_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret.mp4").write_bytes(b"x")
    (root / "link.mp4").symlink_to(tmp_path / "secret.mp4")
    with pytest.raises(ValueError, match="resolves outside the dataset root"):
        resolve_in_root(root, "link.mp4")
    assert resolve_in_root(root, "videos/a.mp4") == (root / "videos" / "a.mp4").resolve()


def test_write_is_sorted_canonical_and_hash_is_order_independent(tmp_path: Path) -> None:
    a = ManifestRow.model_validate({**ROW, "video_id": "b"})
    b = ManifestRow.model_validate({**ROW, "video_id": "a"})
    path = write_manifest(tmp_path / "m.jsonl", [a, b])
    lines = path.read_text().splitlines()
    assert [json.loads(line)["video_id"] for line in lines] == ["a", "b"]
    assert lines[0] == json.dumps(json.loads(lines[0]), sort_keys=True, separators=(",", ":"))
    assert manifest_hash([a, b]) == manifest_hash([b, a]) == manifest_hash(load_manifest(path))
    assert manifest_hash([a]) != manifest_hash([a, b])


def test_dataset_reads_rows_frames_keypoints_and_masks(tiny_dataset: Path) -> None:
    from interhf_bench.data.dataset import Dataset

    dataset = Dataset(tiny_dataset, split="test")
    assert len(dataset) == 36
    row = dataset.row("RH-FH_01")
    assert dataset.frames("RH-FH_01").shape == (row.num_frames, row.height, row.width, 3)
    assert dataset.keypoints("RH-FH_01").shape == (row.num_frames, 133, 3)
    hand, face = dataset.masks("RH-FH_01")
    assert hand.shape == face.shape == (row.num_frames, row.height, row.width)
    with pytest.raises(KeyError, match="not in"):
        dataset.row("nope")
    assert len(Dataset(tiny_dataset, split="train")) == 0


def test_dataset_refuses_duplicate_ids(tiny_dataset: Path) -> None:
    from interhf_bench.data.dataset import Dataset

    manifest = tiny_dataset / "manifest.jsonl"
    first = manifest.read_text().splitlines()[0]
    manifest.write_text(manifest.read_text() + first + "\n")
    with pytest.raises(DatasetError, match="duplicate video_id"):
        Dataset(tiny_dataset)
