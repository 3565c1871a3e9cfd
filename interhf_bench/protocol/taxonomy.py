"""The 18 hand-face interaction classes of InterHF (InterAnimate, arXiv 2504.10905).

The class codes and the four categories are the paper's. The fields spell out what each code means
so that tools (the synthetic generator, per-class tables, region metrics) never parse codes.

Conventions (ours, the paper does not state them): "left" and "right" are the person's own sides,
as in COCO-WholeBody keypoints; a swipe "from left to right" moves from the person's left side of the
face to the person's right side. Where the code does not name the hand (poking, swiping), ``hand`` is
``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final

from interhf_bench.naming import lookup


class Category(str, Enum):
    """The paper's four interaction categories."""

    PINCHING = "pinching"
    STROKING = "stroking"
    POKING = "poking"
    SWIPING = "swiping"


class Side(str, Enum):
    LEFT = "left"
    RIGHT = "right"


class FacialRegion(str, Enum):
    NOSE = "nose"
    EYEBROW = "eyebrow"
    FOREHEAD = "forehead"
    CHIN = "chin"
    EAR = "ear"
    LEFT_CHEEK = "left_cheek"
    RIGHT_CHEEK = "right_cheek"
    FACE = "face"


@dataclass(frozen=True)
class InteractionClass:
    """One interaction class: its code, its name, and what the code encodes."""

    code: str
    name: str
    category: Category
    region: FacialRegion
    hand: Side | None = None
    finger_count: int | None = None
    direction: tuple[Side, Side] | None = None  # swipes: (from, to)

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready form (used for hashing the protocol and for docs)."""
        return {
            "code": self.code,
            "name": self.name,
            "category": self.category.value,
            "region": self.region.value,
            "hand": self.hand.value if self.hand else None,
            "finger_count": self.finger_count,
            "direction": [s.value for s in self.direction] if self.direction else None,
        }


def _pinch(hand: Side, code: str) -> InteractionClass:
    name = f"{hand.value.capitalize()} hand pinches the nose"
    return InteractionClass(code, name, Category.PINCHING, FacialRegion.NOSE, hand=hand)


def _swipe(start: Side, end: Side, code: str) -> InteractionClass:
    name = f"Swipe the palm across the face from {start.value} to {end.value}"
    return InteractionClass(code, name, Category.SWIPING, FacialRegion.FACE, direction=(start, end))


def _stroke(hand: Side, region: FacialRegion, code: str) -> InteractionClass:
    side = hand.value.capitalize()
    return InteractionClass(
        code, f"{side} hand strokes the {region.value}", Category.STROKING, region, hand=hand
    )


def _poke(cheek: Side, fingers: int, code: str) -> InteractionClass:
    region = FacialRegion.LEFT_CHEEK if cheek is Side.LEFT else FacialRegion.RIGHT_CHEEK
    words = {1: "one finger", 2: "two fingers", 3: "three fingers"}[fingers]
    name = f"Poke the {cheek.value} cheek with {words}"
    return InteractionClass(code, name, Category.POKING, region, finger_count=fingers)


L, R = Side.LEFT, Side.RIGHT
F = FacialRegion

CLASSES: Final[tuple[InteractionClass, ...]] = (
    _pinch(L, "LH-NP"),
    _pinch(R, "RH-NP"),
    _stroke(L, F.EYEBROW, "LH-EB"),
    _stroke(L, F.FOREHEAD, "LH-FH"),
    _stroke(L, F.CHIN, "LH-CH"),
    _stroke(L, F.EAR, "LH-ER"),
    _stroke(R, F.EYEBROW, "RH-EB"),
    _stroke(R, F.FOREHEAD, "RH-FH"),
    _stroke(R, F.CHIN, "RH-CH"),
    _stroke(R, F.EAR, "RH-ER"),
    _poke(L, 1, "LC-SF"),
    _poke(R, 1, "RC-SF"),
    _poke(L, 2, "LC-TF"),
    _poke(R, 2, "RC-TF"),
    _poke(L, 3, "LC-TH"),
    _poke(R, 3, "RC-TH"),
    _swipe(L, R, "LR-FS"),
    _swipe(R, L, "RL-FS"),
)
"""All 18 classes, in the paper's order (grouped by category)."""

CLASS_CODES: Final[tuple[str, ...]] = tuple(c.code for c in CLASSES)
_BY_CODE: Final = {c.code: c for c in CLASSES}


def get_class(code: str) -> InteractionClass:
    """Look a class up by its code; unknown codes list the valid ones."""
    return lookup(_BY_CODE, code, "interaction class")
