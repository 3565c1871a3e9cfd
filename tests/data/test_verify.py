"""``verify_rows``: ground-truth files are checked against the manifest's sha256, warm runs do not rehash."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from interhf_bench.data.dataset import Dataset
from interhf_bench.data.manifest import DatasetError
from interhf_bench.data.verify import DIGESTS_FILE, default_digests, verify_rows
from interhf_bench.io import digests as digests_module
from interhf_bench.io.digests import DigestCache
from interhf_bench.io.files import sha256_file


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's digest store starts empty and is not the user's."""
    monkeypatch.setenv("INTERHF_BENCH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def hash_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the digest cache reads, in order."""
    calls: list[str] = []

    def counting(path: str | os.PathLike[str]) -> str:
        calls.append(str(path))
        return sha256_file(path)

    monkeypatch.setattr(digests_module, "sha256_file", counting)
    return calls


def swap(first: Path, second: Path) -> None:
    """Exchange two files' contents (as a copy made in the wrong order would)."""
    spare = first.with_name("spare")
    shutil.move(first, spare)
    shutil.move(second, first)
    shutil.move(spare, second)


def test_valid_rows_return_their_verified_videos(tiny_dataset: Path) -> None:
    dataset = Dataset(tiny_dataset)
    videos = verify_rows(dataset, dataset.rows)
    assert len(videos) == 36
    row = dataset.rows[0]
    assert videos[row.video_id].sha256 == row.sha256
    assert videos[row.video_id].path == dataset.path(row.path)


def test_swapped_ground_truth_video_is_refused(tiny_dataset: Path) -> None:
    dataset = Dataset(tiny_dataset)
    first, second = dataset.row("LH-NP_00"), dataset.row("LH-NP_01")
    swap(dataset.path(first.path), dataset.path(second.path))
    with pytest.raises(DatasetError) as error:
        verify_rows(dataset, dataset.rows)
    found = {(v.video_id, v.field): v for v in error.value.violations}
    assert set(found) == {("LH-NP_00", "sha256"), ("LH-NP_01", "sha256")}
    violation = found["LH-NP_00", "sha256"]
    assert violation.file == str(dataset.path(first.path))
    assert violation.message == (
        f"sha256 mismatch: {dataset.manifest_path} says {first.sha256}, the file has {second.sha256}"
    )


def test_another_videos_pose_file_is_refused(tiny_dataset: Path) -> None:
    dataset = Dataset(tiny_dataset)
    victim, other = dataset.row("RH-EB_00"), dataset.row("RH-EB_01")
    shutil.copyfile(dataset.path(other.pose_path), dataset.path(victim.pose_path))
    with pytest.raises(DatasetError) as error:
        verify_rows(dataset, [victim, other])
    [violation] = error.value.violations
    assert (violation.video_id, violation.field) == ("RH-EB_00", "pose_sha256")
    assert violation.file.endswith("poses/RH-EB_00.npz")
    assert f"says {victim.pose_sha256}, the file has {other.pose_sha256}" in violation.message
    assert f"RH-EB_00.npz: video RH-EB_00, pose_sha256: sha256 mismatch: {dataset.manifest_path}" in str(
        error.value
    )


def test_missing_file_is_refused(tiny_dataset: Path) -> None:
    dataset = Dataset(tiny_dataset)
    row = dataset.rows[3]
    dataset.path(row.mask_path).unlink()
    with pytest.raises(DatasetError, match=f"video {row.video_id}, mask_path: cannot read {row.mask_path}"):
        verify_rows(dataset, [row])


def test_warm_run_does_not_rehash(tiny_dataset: Path, hash_calls: list[str], own_cache: Path) -> None:
    dataset = Dataset(tiny_dataset)
    verify_rows(dataset, dataset.rows)
    assert len(hash_calls) == 36 * 3  # video, pose and mask of every row
    assert (own_cache / DIGESTS_FILE).is_file()
    hash_calls.clear()
    verify_rows(Dataset(tiny_dataset), dataset.rows)  # a new process: digests come from the store
    assert hash_calls == []
    touched = dataset.path(dataset.rows[0].path)
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 1))
    verify_rows(dataset, dataset.rows)
    assert hash_calls == [str(touched)]


def test_a_file_changed_after_hashing_is_hashed_again(tiny_dataset: Path) -> None:
    dataset = Dataset(tiny_dataset)
    first, second = dataset.row("LC-SF_00"), dataset.row("LC-SF_01")
    verify_rows(dataset, dataset.rows)
    swap(dataset.path(first.path), dataset.path(second.path))
    with pytest.raises(DatasetError, match="sha256 mismatch"):
        verify_rows(dataset, dataset.rows)


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"version": 2, "files": {}}),
        json.dumps({"version": 1, "files": {"/x": {"sha256": "not a digest"}}}),
        "\udcff",
    ],
)
def test_a_corrupt_store_is_ignored_and_rebuilt(
    tiny_dataset: Path, hash_calls: list[str], own_cache: Path, content: str
) -> None:
    store = own_cache / DIGESTS_FILE
    store.parent.mkdir(parents=True)
    store.write_bytes(content.encode("utf-8", "surrogateescape"))
    dataset = Dataset(tiny_dataset)
    verify_rows(dataset, dataset.rows)
    assert len(hash_calls) == 36 * 3
    saved = json.loads(store.read_text())
    assert saved["version"] == 1 and len(saved["files"]) == 36 * 3


def test_an_edited_digest_for_a_changed_file_is_not_used(tiny_dataset: Path, own_cache: Path) -> None:
    """A stored digest counts only for the exact stat it was computed under."""
    dataset = Dataset(tiny_dataset)
    row = dataset.rows[0]
    verify_rows(dataset, [row])
    store = own_cache / DIGESTS_FILE
    saved = json.loads(store.read_text())
    video = str(dataset.path(row.path))
    saved["files"][video]["stamp"]["size"] += 1
    store.write_text(json.dumps(saved))
    assert default_digests().sha256(Path(video)) == row.sha256


def test_digests_of_files_that_are_gone_are_dropped(tmp_path: Path) -> None:
    kept, gone = tmp_path / "kept", tmp_path / "gone"
    kept.write_bytes(b"a")
    gone.write_bytes(b"b")
    cache = DigestCache(tmp_path / "store.json")
    cache.sha256(kept), cache.sha256(gone)
    cache.save()
    gone.unlink()
    other = DigestCache(tmp_path / "store.json")
    (tmp_path / "new").write_bytes(b"c")
    other.sha256(tmp_path / "new")
    other.save()
    assert sorted(json.loads((tmp_path / "store.json").read_text())["files"]) == [
        str((tmp_path / name).resolve()) for name in ("kept", "new")
    ]
