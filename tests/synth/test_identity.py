"""Subjects are a pure function of their seed and differ from one another."""

from __future__ import annotations

import dataclasses

from interhf_bench.synth.identity import HAIR_STYLES, PATTERNS, Identity, sample_identity


def _is_color(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 3
        and all(isinstance(c, int) and 0 <= c <= 255 for c in value)
    )


def test_same_seed_same_subject() -> None:
    assert sample_identity(12) == sample_identity(12)
    assert hash(sample_identity(12)) == hash(sample_identity(12))  # frozen and hashable


def test_different_seeds_differ_in_appearance() -> None:
    subjects = [sample_identity(seed) for seed in range(40)]
    assert len({s.skin for s in subjects}) == 40
    assert len({(s.face_width, s.jaw_width) for s in subjects}) == 40
    assert {s.hair_style for s in subjects} == set(HAIR_STYLES)
    assert {s.clothing_pattern for s in subjects} == set(PATTERNS)
    assert {s.long_sleeves for s in subjects} == {True, False}


def test_fields_are_well_formed() -> None:
    for seed in range(30):
        subject = sample_identity(seed)
        for field in dataclasses.fields(Identity):
            value = getattr(subject, field.name)
            if field.name in {
                "skin",
                "lip_color",
                "eye_color",
                "brow_color",
                "hair_color",
            } or field.name.startswith(("clothing_c", "clothing_a", "background_t", "background_b")):
                assert _is_color(value), (field.name, value)
        assert 0.8 < subject.face_width < 1.2 and 0.6 < subject.jaw_width < 1.0
        assert subject.background_shapes and all(
            _is_color(shape.color) for shape in subject.background_shapes
        )
