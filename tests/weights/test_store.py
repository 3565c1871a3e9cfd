"""Weights store: checksums (sha256 and git blob ids), refusal, opt-in, import and download."""

from __future__ import annotations

import hashlib
import io
import subprocess
import tarfile
from pathlib import Path

import pytest

from interhf_bench.cli import main
from interhf_bench.weights.registry import REGISTRY, WeightFile, get_weight
from interhf_bench.weights.store import (
    Status,
    WeightsError,
    download,
    file_digests,
    import_file,
    resolve,
    status,
)
from tests.conftest import SHARED

PAYLOAD = b"pretend network weights\n" * 100


def entry_for(payload: bytes, **fields: object) -> WeightFile:
    base = {
        "name": "toy",
        "path": "toy/weights.bin",
        "description": "toy",
        "used_by": "tests",
        "licence": "none",
        "source": "tests",
        "sha256": hashlib.sha256(payload).hexdigest(),
    }
    return WeightFile(**{**base, **fields})


def test_git_blob_id_matches_git(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(PAYLOAD)
    expected = subprocess.run(["git", "hash-object", str(path)], capture_output=True, text=True, check=True)
    assert file_digests(path) == (hashlib.sha256(PAYLOAD).hexdigest(), expected.stdout.strip())


def test_import_verifies_and_refuses_mismatch(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.bin", tmp_path / "bad.bin"
    good.write_bytes(PAYLOAD)
    bad.write_bytes(PAYLOAD + b"x")
    entry = entry_for(PAYLOAD)
    root = tmp_path / "weights"
    assert status(entry, root) == (Status.MISSING, None)
    with pytest.raises(WeightsError, match=r"not found at .*toy/weights\.bin"):
        resolve(entry, root=root)
    with pytest.raises(WeightsError, match=r"does not match.*--allow-unverified"):
        import_file(entry, bad, root=root)
    assert not (root / entry.path).exists()
    resolved = import_file(entry, good, root=root)
    assert resolved.verified and (root / entry.path).read_bytes() == PAYLOAD
    assert resolve(entry, root=root).verified


def test_opt_in_marks_unverified_and_tampering_is_caught(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(PAYLOAD + b"x")
    entry, root = entry_for(PAYLOAD), tmp_path / "weights"
    resolved = import_file(entry, bad, root=root, allow_unverified=True)
    assert not resolved.verified
    assert status(entry, root)[0] is Status.UNVERIFIED
    assert resolve(entry, root=root).verified is False
    (root / entry.path).write_bytes(b"something else")  # not the file the user accepted
    assert status(entry, root)[0] is Status.MISMATCH
    with pytest.raises(WeightsError, match="does not match"):
        resolve(entry, root=root)
    assert resolve(entry, root=root, allow_unverified=True).verified is False


def test_git_blob_entries_and_entries_without_checksum(tmp_path: Path) -> None:
    source = tmp_path / "f.bin"
    source.write_bytes(PAYLOAD)
    blob = file_digests(source)[1]
    assert import_file(entry_for(PAYLOAD, sha256=None, git_blob=blob), source, root=tmp_path / "a").verified
    unknown = entry_for(PAYLOAD, sha256=None)
    with pytest.raises(WeightsError, match="no checksum"):
        import_file(unknown, source, root=tmp_path / "b")
    assert not import_file(unknown, source, root=tmp_path / "b", allow_unverified=True).verified


def test_download_and_archive_member_extraction(tmp_path: Path) -> None:
    plain = tmp_path / "served.bin"
    plain.write_bytes(PAYLOAD)
    entry = entry_for(PAYLOAD, url=plain.as_uri())
    assert download(entry, root=tmp_path / "w1", progress=False).verified

    archive = tmp_path / "pkg.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("pkg-1.0/weights/model.bin")
        info.size = len(PAYLOAD)
        tar.addfile(info, io.BytesIO(PAYLOAD))
    archive_sha = hashlib.sha256(archive.read_bytes()).hexdigest()
    member = entry_for(
        PAYLOAD, url=archive.as_uri(), archive_member="pkg-1.0/weights/model.bin", archive_sha256=archive_sha
    )
    assert download(member, root=tmp_path / "w2", progress=False).verified
    wrong = entry_for(
        PAYLOAD, url=archive.as_uri(), archive_member="pkg-1.0/weights/model.bin", archive_sha256="0" * 64
    )
    with pytest.raises(WeightsError, match="archive checksum does not match"):
        download(wrong, root=tmp_path / "w3", progress=False)
    with pytest.raises(WeightsError, match=r"download of .* failed"):
        download(entry_for(PAYLOAD, url=(tmp_path / "absent").as_uri()), root=tmp_path / "w4", progress=False)


def test_registry_entries_are_complete() -> None:
    names = [entry.name for entry in REGISTRY]
    assert len(names) == len(set(names))
    for entry in REGISTRY:
        assert entry.licence and entry.source and entry.used_by
    with pytest.raises(KeyError, match="known:"):
        get_weight("nope")


@pytest.mark.skipif(not (SHARED / "weights" / "i3d").is_dir(), reason="shared weights not present")
def test_shared_i3d_checkpoint_verifies(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INTERHF_BENCH_WEIGHTS", str(SHARED / "weights"))
    assert resolve(get_weight("i3d-kinetics-400-flax")).verified
    assert main(["weights", "verify", "i3d-kinetics-400-flax"]) == 0
    assert "verified" in capsys.readouterr().out
    assert main(["weights", "verify", "inception-fid"]) == 1
