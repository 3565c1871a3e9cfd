"""The interaction values of one video: the generated contact track against the ground truth's.

Both tracks come from the same detector and rule (:mod:`interhf_bench.metrics.contact`).

Per video (one value each):

* ``contact_f1``: F1 of the per-frame contact state (some hand touches) against the ground truth's; no
  value when neither touches;
* ``contact_onset_error`` / ``contact_offset_error``: frames between the first (last) touching frames;
  no value unless both touch;
* ``contact_direction`` (swiping classes): 1 when the generated palm moves across the face the way the
  ground truth's does, else 0; no value when the ground truth's direction cannot be read;
* ``recognition`` / ``recognition_gt``: 1 when the rule-based classifier
  (:mod:`interhf_bench.metrics.interaction_classifier`) names the video's class from the generated /
  the ground-truth frames, else 0.

Per ground-truth contact frame (pooled over frames, so each is a share of those frames), 1 when the
generated frame touches:

* ``contact_location``: the same face part;
* ``contact_hand``: with the same hand;
* ``contact_fingers`` (poking classes): with the same hand extending as many fingers (only frames
  where the ground truth's touching hand was seen, not bridged over a detector gap).

A generated hand that never arrives scores 0 on all three, whatever it does elsewhere.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from interhf_bench.metrics.contact import ContactTrack
from interhf_bench.metrics.face_parts import NO_PART
from interhf_bench.metrics.interaction_classifier import acting_side, recognise, swipe_direction
from interhf_bench.protocol.taxonomy import Category, InteractionClass

VIDEO_VALUES: Final = (
    "contact_f1",
    "contact_onset_error",
    "contact_offset_error",
    "contact_direction",
    "recognition",
    "recognition_gt",
)
FRAME_VALUES: Final = ("contact_location", "contact_hand", "contact_fingers")
VALUE_NAMES: Final = (*VIDEO_VALUES[:3], *FRAME_VALUES, *VIDEO_VALUES[3:])


def timing(truth: np.ndarray, generated: np.ndarray) -> dict[str, float]:
    """F1 and onset / offset errors (frames) of two ``(T,)`` contact states; NaN where undefined."""
    hits = int((truth & generated).sum())
    total = int(truth.sum() + generated.sum())
    values = {"contact_f1": 2 * hits / total if total else np.nan}
    if truth.any() and generated.any():
        first, last = np.flatnonzero(truth)[[0, -1]]
        generated_first, generated_last = np.flatnonzero(generated)[[0, -1]]
        values["contact_onset_error"] = float(abs(generated_first - first))
        values["contact_offset_error"] = float(abs(generated_last - last))
    else:
        values["contact_onset_error"] = values["contact_offset_error"] = np.nan
    return values


def agreement(truth: ContactTrack, generated: ContactTrack, poking: bool) -> dict[str, np.ndarray]:
    """Per frame: 1 / 0 on the ground truth's contact frames, NaN elsewhere (``contact_fingers`` only
    for ``poking``, and only where the ground truth's touching hand was seen, not bridged over)."""
    frames = len(truth.contact)
    values = {name: np.full(frames, np.nan) for name in FRAME_VALUES}
    for index in np.flatnonzero(truth.touching):
        sides = np.flatnonzero(truth.contact[index] & generated.contact[index])
        parts = set(generated.part[index][generated.contact[index]]) - {NO_PART}
        wanted = set(truth.part[index][truth.contact[index]]) - {NO_PART}
        values["contact_location"][index] = float(bool(parts & wanted))
        values["contact_hand"][index] = float(len(sides) > 0)
        if poking:
            values["contact_fingers"][index] = _finger_agreement(truth, generated, index)
    return values


def _finger_agreement(truth: ContactTrack, generated: ContactTrack, index: int) -> float:
    """1 when a touching hand of the ground truth touches in the generated frame with as many fingers,
    NaN when the ground truth's touching hands were not seen in this frame."""
    seen = [s for s in np.flatnonzero(truth.contact[index]) if truth.readings[index][s] is not None]
    if not seen:
        return np.nan
    for side in seen:
        got = generated.readings[index][side]
        if generated.contact[index, side] and got is not None:
            want = truth.readings[index][side]
            if want is not None and got.fingers == want.fingers:
                return 1.0
    return 0.0


def direction_agreement(truth: ContactTrack, generated: ContactTrack) -> float:
    """1 when the generated swipe goes the ground truth's way, 0 otherwise, NaN without a truth."""
    side = acting_side(truth)
    wanted = None if side is None else swipe_direction(truth, side)
    if wanted is None:
        return np.nan
    generated_side = acting_side(generated)
    if generated_side is None:
        return 0.0
    return float(swipe_direction(generated, generated_side) == wanted)


def interaction_values(
    truth: ContactTrack, generated: ContactTrack, interaction: InteractionClass
) -> dict[str, np.ndarray]:
    """Every value of :data:`VALUE_NAMES` for one video (video values as one-element arrays)."""
    video = timing(truth.touching, generated.touching)
    swiping = interaction.category is Category.SWIPING
    video["contact_direction"] = direction_agreement(truth, generated) if swiping else np.nan
    video["recognition"] = float(recognise(generated) == interaction)
    video["recognition_gt"] = float(recognise(truth) == interaction)
    values = {name: np.array([value]) for name, value in video.items()}
    values.update(agreement(truth, generated, interaction.category is Category.POKING))
    return {name: values[name] for name in VALUE_NAMES}
