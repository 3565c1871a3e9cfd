"""``data split``: deterministic, seeded, distinct subjects, documented rule."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from interhf_bench.data.manifest import ManifestRow, load_manifest
from interhf_bench.data.split import SplitError, assign_test_split, select_test_ids
from interhf_bench.data.validate import validate_dataset
from interhf_bench.protocol.spec import INTERHF_V1
from tests.conftest import TINY, write_tiny_dataset

BASE = {"split": "train", "fps": 15.0, "num_frames": 49, "height": 640, "width": 384, "sha256": "0" * 64}


def pool(subjects: int, videos_per_subject: int = 2) -> list[ManifestRow]:
    rows = []
    for code in INTERHF_V1.classes:
        for s in range(subjects):
            for v in range(videos_per_subject):
                video_id = f"{code}_s{s}_v{v}"
                fields = {
                    "video_id": video_id,
                    "class": code,
                    "subject_id": f"s{s}",
                    "path": f"v/{video_id}.mp4",
                }
                rows.append(ManifestRow.model_validate({**BASE, **fields}))
    return rows


def test_selection_follows_the_documented_rule() -> None:
    rows = pool(subjects=14)
    chosen = select_test_ids(rows, INTERHF_V1, seed=7)
    assert len(chosen) == 180
    for code in INTERHF_V1.classes:
        key = lambda text: hashlib.sha256(text.encode()).hexdigest()  # noqa: E731
        subjects = sorted({f"s{s}" for s in range(14)}, key=lambda s: key(f"7:{code}:{s}"))[:10]
        expected = {min((f"{code}_{s}_v0", f"{code}_{s}_v1"), key=lambda v: key(f"7:{v}")) for s in subjects}
        assert {v for v in chosen if v.startswith(code + "_")} == expected


def test_deterministic_order_independent_and_seeded() -> None:
    rows = pool(subjects=12)
    first = select_test_ids(rows, INTERHF_V1, seed=0)
    assert select_test_ids(list(reversed(rows)), INTERHF_V1, seed=0) == first
    assert select_test_ids(rows, INTERHF_V1, seed=1) != first


def test_distinct_subjects_per_class() -> None:
    rows = assign_test_split(pool(subjects=11, videos_per_subject=3), INTERHF_V1, seed=3)
    test = [row for row in rows if row.split == "test"]
    for code in INTERHF_V1.classes:
        subjects = [row.subject_id for row in test if row.interaction == code]
        assert len(subjects) == len(set(subjects)) == 10
    assert sum(row.split == "train" for row in rows) == len(rows) - 180


def test_too_few_subjects_names_the_class() -> None:
    rows = [row for row in pool(subjects=10) if not (row.interaction == "RC-TH" and row.subject_id == "s9")]
    with pytest.raises(SplitError, match="class RC-TH has 9 distinct subjects, 10 needed"):
        select_test_ids(rows, INTERHF_V1, seed=0)


def test_split_of_a_real_pool_validates(tmp_path: Path) -> None:
    write_tiny_dataset(tmp_path, replace(TINY, videos_per_class=2), extra_subjects=2)
    rows = assign_test_split(load_manifest(tmp_path / "manifest.jsonl"), TINY, seed=5)
    from interhf_bench.data.manifest import write_manifest

    write_manifest(tmp_path / "split.jsonl", rows)
    report = validate_dataset(tmp_path, TINY, manifest_name="split.jsonl")
    assert report.ok, report.violations
    assert report.num_test_rows == 36 and report.num_rows == 72
