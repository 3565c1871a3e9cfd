"""Interaction fidelity: does the generated person touch the right place, with the right hand, at the
right time, and would a reader name the right interaction?

One pose backend reads the ground-truth frames and the generated frames alike
(:mod:`interhf_bench.metrics.interaction_detections`); each video becomes a contact track
(:mod:`interhf_bench.metrics.contact`) and the generated track is compared with the ground truth's
(:mod:`interhf_bench.metrics.interaction_values`). The settings name the backend with its model hashes
and every constant of the rule: numbers from different detectors are not comparable.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np

from interhf_bench.metrics.contact import ContactRule, contact_track
from interhf_bench.metrics.interaction_detections import InteractionDetections, unpack
from interhf_bench.metrics.interaction_values import VALUE_NAMES, interaction_values
from interhf_bench.metrics.interfaces import ScoringContext
from interhf_bench.pose.backends.base import PoseBackend
from interhf_bench.protocol.taxonomy import get_class


class InteractionFidelity:
    """Contact timing, place, hand, fingers, direction and recognition against the ground truth's."""

    name = "interaction"
    value_names = VALUE_NAMES

    def __init__(self, backend: PoseBackend, rule: ContactRule | None = None):
        self.detections = InteractionDetections(backend)
        self.rule = rule or ContactRule()

    @property
    def settings(self) -> dict[str, Any]:
        return {
            **self.detections.settings,
            "contact_rule": asdict(self.rule),
            "compared_with": "the same detector on the ground-truth frames",
        }

    def compare(
        self, generated: np.ndarray, ground_truth: np.ndarray, context: ScoringContext
    ) -> dict[str, np.ndarray]:
        if context.interaction is None:
            raise ValueError(f"{context.video_id}: interaction fidelity needs the video's class")
        truth = contact_track(*unpack(ground_truth), self.rule)
        generated_track = contact_track(*unpack(generated), self.rule)
        return interaction_values(truth, generated_track, get_class(context.interaction))
