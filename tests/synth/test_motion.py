"""Choreography: the right hand acts, frame 0 is at rest, the hand engages mid-clip."""

from __future__ import annotations

import numpy as np
import pytest

from interhf_bench.protocol.taxonomy import CLASSES, InteractionClass, Side, get_class
from interhf_bench.synth.face import face_geometry
from interhf_bench.synth.identity import sample_identity
from interhf_bench.synth.motion import acting_side, plan_motion
from interhf_bench.synth.timing import pulses, strokes

EXPECTED_HAND = {
    "LH": Side.LEFT,
    "RH": Side.RIGHT,
    "LC": Side.LEFT,
    "RC": Side.RIGHT,
    "LR": Side.LEFT,
    "RL": Side.RIGHT,
}


@pytest.mark.parametrize("interaction", CLASSES, ids=lambda c: c.code)
def test_acting_hand(interaction: InteractionClass) -> None:
    assert acting_side(interaction) is EXPECTED_HAND[interaction.code[:2]]


def test_cycle_shapes_stay_in_range() -> None:
    us = np.linspace(-0.2, 1.3, 301)
    values = np.array([pulses(u, 3, 0.3, 0.3) for u in us])
    assert values.min() == 0.0 and values.max() == 1.0
    assert np.all(np.abs(np.diff(values)) < 0.2)  # smooth at this sampling
    triples = np.array([strokes(u, 2) for u in us])
    assert triples.min() >= 0.0 and triples.max() <= 1.0
    assert np.all(triples[:, 1] * triples[:, 2] == 0)  # never in contact while lifted


@pytest.mark.parametrize("code", ["LH-NP", "RC-TH", "LR-FS"])
def test_engagement_arc(code: str) -> None:
    subject = sample_identity(5)
    states = plan_motion(get_class(code), subject, face_geometry(subject), 49, seed=11)
    engagement = np.array([s.engagement for s in states])
    assert engagement[0] == 0.0 and not states[0].contacts
    assert engagement[12:40].min() == 1.0  # the middle of the clip is the interaction
    assert 0.3 < engagement[-1] < 1.0  # withdrawing, not back at rest
    assert sum(bool(s.contacts) for s in states) > 20


def test_reference_frame_does_not_depend_on_the_class() -> None:
    subject = sample_identity(2)
    face = face_geometry(subject)
    firsts = [plan_motion(get_class(code), subject, face, 25, seed=4)[0] for code in ("LH-NP", "RL-FS")]
    for a, b in zip(firsts[0].hands, firsts[1].hands, strict=True):
        np.testing.assert_array_equal(a.wrist, b.wrist)
        np.testing.assert_array_equal(a.angles, b.angles)
