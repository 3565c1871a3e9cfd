"""The taxonomy is the paper's; protocol specs and hashes are stable and complete."""

from __future__ import annotations

from dataclasses import replace

import pytest

from interhf_bench.protocol import (
    CLASS_CODES,
    CLASSES,
    INTERHF_MINI_V1,
    INTERHF_V1,
    Category,
    FacialRegion,
    Side,
    get_class,
    get_protocol,
)

PAPER_CODES = [
    "LH-NP",
    "RH-NP",
    "LH-EB",
    "LH-FH",
    "LH-CH",
    "LH-ER",
    "RH-EB",
    "RH-FH",
    "RH-CH",
    "RH-ER",
    "LC-SF",
    "RC-SF",
    "LC-TF",
    "RC-TF",
    "LC-TH",
    "RC-TH",
    "LR-FS",
    "RL-FS",
]


def test_the_18_paper_codes_in_order() -> None:
    assert list(CLASS_CODES) == PAPER_CODES


def test_categories_match_the_paper() -> None:
    counts = {category: sum(c.category is category for c in CLASSES) for category in Category}
    assert counts == {Category.PINCHING: 2, Category.STROKING: 8, Category.POKING: 6, Category.SWIPING: 2}


@pytest.mark.parametrize(
    ("code", "hand", "region", "fingers"),
    [
        ("LH-NP", Side.LEFT, FacialRegion.NOSE, None),
        ("RH-ER", Side.RIGHT, FacialRegion.EAR, None),
        ("LH-FH", Side.LEFT, FacialRegion.FOREHEAD, None),
        ("RC-SF", None, FacialRegion.RIGHT_CHEEK, 1),
        ("LC-TF", None, FacialRegion.LEFT_CHEEK, 2),
        ("RC-TH", None, FacialRegion.RIGHT_CHEEK, 3),
        ("LR-FS", None, FacialRegion.FACE, None),
    ],
)
def test_codes_decode_to_hand_region_and_fingers(code, hand, region, fingers) -> None:
    cls = get_class(code)
    assert (cls.hand, cls.region, cls.finger_count) == (hand, region, fingers)


def test_swipe_directions() -> None:
    assert get_class("LR-FS").direction == (Side.LEFT, Side.RIGHT)
    assert get_class("RL-FS").direction == (Side.RIGHT, Side.LEFT)


def test_unknown_class_lists_valid_codes() -> None:
    with pytest.raises(KeyError, match="LH-NP"):
        get_class("XX-YY")


def test_interhf_v1_parameters() -> None:
    p = INTERHF_V1
    assert (p.videos_per_class, p.num_videos, p.num_frames, p.fps) == (10, 180, 49, 15.0)
    assert (p.height, p.width, p.clip_length, p.clip_stride) == (640, 384, 16, 1)
    assert list(p.target_frames) == list(range(1, 49))
    assert p.clips_per_video == 48 - 16 + 1


def test_mini_protocol_is_smaller_with_the_same_classes() -> None:
    assert INTERHF_MINI_V1.classes == INTERHF_V1.classes
    assert INTERHF_MINI_V1.num_videos < INTERHF_V1.num_videos
    assert INTERHF_MINI_V1.height * INTERHF_MINI_V1.width < INTERHF_V1.height * INTERHF_V1.width
    assert INTERHF_MINI_V1.clips_per_video >= 1


def test_hash_is_sha256_of_canonical_json_and_sensitive_to_every_field() -> None:
    import hashlib
    import json
    from dataclasses import replace

    expected = hashlib.sha256(
        json.dumps(INTERHF_V1.as_dict(), sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    assert INTERHF_V1.hash == expected
    assert INTERHF_V1.hash != INTERHF_MINI_V1.hash
    assert replace(INTERHF_V1, fps=30.0).hash != INTERHF_V1.hash
    assert replace(INTERHF_V1, classes=INTERHF_V1.classes[:-1]).hash != INTERHF_V1.hash


def test_get_protocol() -> None:
    assert get_protocol("interhf-v1") is INTERHF_V1
    with pytest.raises(KeyError, match="interhf-mini-v1"):
        get_protocol("interhf-v9")


def test_the_published_protocol_hashes_do_not_move() -> None:
    """Results cite these hashes: a change to either protocol must be a new protocol id, never silent."""
    assert INTERHF_V1.hash == "a695782ae46a005c8f4154fb59d578c9ebaf03304ff1127adbf6f6a030edf34b"
    assert INTERHF_MINI_V1.hash == "8b4efb7984833fac71a4e4cf227f7da51a51bd61909c72db149d6c7095a75176"


def test_a_protocol_id_that_would_escape_the_run_folder_is_refused(tmp_path) -> None:
    import json

    from interhf_bench.protocol.spec import load_protocol_file

    path = tmp_path / "evil.json"
    path.write_text(json.dumps({**INTERHF_MINI_V1.as_dict(), "id": "../../x"}))
    with pytest.raises(ValueError, match=r"evil\.json: cannot read a protocol: protocol id '\.\./\.\./x'"):
        load_protocol_file(path)
    for name in ("../x", "a/b", ".hidden", "Upper", ""):
        with pytest.raises(ValueError, match="is not a valid name"):
            replace(INTERHF_MINI_V1, id=name)
