"""The true contact of a synthetic clip: which hand touches which face part in which frame.

The generator knows when it presses, drags or squeezes the skin (a frame's contacts, present once the
acting hand has arrived), but its timing alone is not touch: a swipe's palm comes back low, well below
the chin, while its touch weight is still positive. So a hand touches in a frame when both hold: the
generator applies its contacts, and one of the hand's drawn joints lies on the drawn face or an ear
(the exact outlines of the drawing, in the image plane) or within :data:`TOLERANCE` of them. The short
lifts between strokes and the pull-backs between pokes (at most about 2 % of the frame height, mostly in
depth, which no picture shows) stay inside the contact, and so does a swipe's palm coming back low across
the mouth in front of the face. The touched part is the class's region.
"""

from __future__ import annotations

import cv2
import numpy as np

from interhf_bench.data.arrays import CONTACT_PARTS, NO_CONTACT
from interhf_bench.protocol.taxonomy import InteractionClass

TOLERANCE = 0.025
"""How far (frame heights) off the drawn skin a joint of a touching hand may be: the largest lift."""


def touches(joints: np.ndarray, outlines: list[np.ndarray], tolerance: float) -> bool:
    """Whether any of ``joints`` ``(N, 2)`` lies inside one of the closed ``outlines`` or within
    ``tolerance`` of it (all in the same units)."""
    for outline in outlines:
        contour = outline.astype(np.float32).reshape(-1, 1, 2)
        for x, y in joints:
            if cv2.pointPolygonTest(contour, (float(x), float(y)), True) >= -tolerance:
                return True
    return False


def contact_array(interaction: InteractionClass, touching: list[bool], hand: int) -> np.ndarray:
    """``(T, 2)`` int8: the class's part for the acting ``hand`` (0 left, 1 right) where it touches."""
    contact = np.full((len(touching), 2), NO_CONTACT, np.int8)
    contact[np.asarray(touching, bool), hand] = CONTACT_PARTS.index(interaction.region)
    return contact
