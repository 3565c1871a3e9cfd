"""A transparent rule that names a video's interaction class from its contact track.

It reads what the taxonomy's fields say a class is (:mod:`interhf_bench.protocol.taxonomy`), never its
code: the acting hand is the side that touches in most frames; the region is the part most of its
touching frames are on (the category follows: nose is a pinch, a cheek a poke, the whole face a swipe,
any other part a stroke); a poke's finger count is the median of the fingers the hand extends while it
touches (1 to 3); a swipe's direction is the way the palm moves in most touching frames (towards the
person's right is a swipe from left to right). The class is the one whose fields all match; a video
without a touch, or whose fields match no class, is named nothing.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import numpy as np

from interhf_bench.data.arrays import CONTACT_PARTS
from interhf_bench.metrics.contact import ContactTrack
from interhf_bench.metrics.face_parts import NO_PART
from interhf_bench.metrics.hand_reading import HandReading
from interhf_bench.protocol.taxonomy import CLASSES, Category, FacialRegion, InteractionClass, Side

SIDE_NAMES = (Side.LEFT, Side.RIGHT)
CATEGORY_OF_REGION = {
    FacialRegion.NOSE: Category.PINCHING,
    FacialRegion.LEFT_CHEEK: Category.POKING,
    FacialRegion.RIGHT_CHEEK: Category.POKING,
    FacialRegion.FACE: Category.SWIPING,
}


def acting_side(track: ContactTrack) -> int | None:
    """The side that touches in most frames (the person's left on a tie), ``None`` without a touch."""
    frames = track.contact.sum(axis=0)
    return None if frames.max() == 0 else int(np.argmax(frames))


def region(track: ContactTrack, side: int) -> FacialRegion | None:
    """The part most touching frames of ``side`` are on."""
    parts = [int(p) for p in track.part[:, side] if p != NO_PART]
    return CONTACT_PARTS[Counter(parts).most_common(1)[0][0]] if parts else None


def finger_count(track: ContactTrack, side: int) -> int:
    """The median number of extended fingers while ``side`` touches, within 1..3."""
    counts = [reading.fingers for reading in _touching_readings(track, side) if reading is not None]
    return int(np.clip(round(float(np.median(counts))) if counts else 1, 1, 3))


def swipe_direction(track: ContactTrack, side: int) -> tuple[Side, Side] | None:
    """(from, to) of the palm's motion across the face in most touching frames, ``None`` if still."""
    readings = _touching_readings(track, side)
    steps = [b.palm[0] - a.palm[0] for a, b in pairwise(readings) if a is not None and b is not None]
    if not steps or np.median(steps) == 0:
        return None
    # u grows towards the person's left: a palm moving to smaller u goes from left to right
    return (Side.LEFT, Side.RIGHT) if np.median(steps) < 0 else (Side.RIGHT, Side.LEFT)


def _touching_readings(track: ContactTrack, side: int) -> list[HandReading | None]:
    """The readings of ``side`` in its touching frames, ``None`` where a touching frame has none, so
    that consecutive entries are consecutive frames."""
    return [
        pair[side] if on else None for pair, on in zip(track.readings, track.contact[:, side], strict=True)
    ]


def recognise(track: ContactTrack) -> InteractionClass | None:
    """The class whose fields match what the track shows, or ``None``."""
    side = acting_side(track)
    place = None if side is None else region(track, side)
    if side is None or place is None:
        return None
    category = CATEGORY_OF_REGION.get(place, Category.STROKING)
    shown = {
        "category": category,
        "region": place,
        "finger_count": finger_count(track, side) if category is Category.POKING else None,
        "direction": swipe_direction(track, side) if category is Category.SWIPING else None,
    }
    for candidate in CLASSES:
        fields_match = all(getattr(candidate, name) == value for name, value in shown.items())
        if fields_match and candidate.hand in (None, SIDE_NAMES[side]):
            return candidate
    return None
