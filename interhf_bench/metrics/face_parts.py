"""Which part of the face a touching hand is on: the nearest of one prototype reading per part.

A reading (:class:`~interhf_bench.metrics.hand_reading.HandReading`) is described by five numbers: how
far across (``|u|``, either side) and how far down (``v``) the touching joints are and the same two for
the palm centre, in face widths, and the share of the four fingers it extends. The palm tells a swipe
(the palm itself on the face) from fingertips on a cheek or the nose, the fingers a flat hand from a
fist. Each part has one prototype, the mean of these numbers over the touching frames of that part in
the synthetic set's training split (``benchmarks/calibrate_contact.py`` prints them), and a reading takes
the part of the nearest prototype. Cheeks share a prototype; the side the touching joints are on tells
the left cheek from the right.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from interhf_bench.data.arrays import CONTACT_PARTS, NO_CONTACT
from interhf_bench.metrics.hand_reading import HandReading
from interhf_bench.protocol.taxonomy import FacialRegion

NO_PART: Final = NO_CONTACT
CHEEK: Final = "cheek"

Prototypes = dict[str, tuple[float, ...]]

PROTOTYPES: Final[Prototypes] = {
    # |u| and v of the touching joints, of the palm centre, extended fingers / 4
    FacialRegion.NOSE.value: (0.063, 0.382, 0.226, 0.455, 0.65),
    FacialRegion.EYEBROW.value: (0.496, 0.019, 0.771, 0.121, 0.505),
    FacialRegion.FOREHEAD.value: (0.252, -0.241, 0.586, -0.186, 1.0),
    FacialRegion.CHIN.value: (0.204, 0.851, 0.323, 1.24, 0.52),
    FacialRegion.EAR.value: (0.591, 0.186, 0.846, 0.512, 1.0),
    CHEEK: (0.285, 0.638, 0.352, 0.831, 0.577),
    FacialRegion.FACE.value: (0.427, 0.084, 0.563, 0.372, 1.0),
}


def features(reading: HandReading) -> np.ndarray:
    """The five numbers a part is told by."""
    point, palm = reading.point, reading.palm
    return np.array([abs(point[0]), point[1], abs(palm[0]), palm[1], reading.fingers / 4])


def part_name(reading: HandReading, prototypes: Prototypes = PROTOTYPES) -> str:
    """The part of the nearest prototype (cheeks by side: ``left_cheek``, ``right_cheek``)."""
    names = list(prototypes)
    table = np.array(list(prototypes.values()))
    name = names[int(np.argmin(np.linalg.norm(table - features(reading), axis=1)))]
    if name == CHEEK:
        cheek = FacialRegion.LEFT_CHEEK if reading.point[0] >= 0 else FacialRegion.RIGHT_CHEEK
        return cheek.value
    return name


def part_of(reading: HandReading, prototypes: Prototypes = PROTOTYPES) -> int:
    """The part as an index into :data:`interhf_bench.data.arrays.CONTACT_PARTS`."""
    return CONTACT_PARTS.index(FacialRegion(part_name(reading, prototypes)))
