"""Hand and face masks from COCO-WholeBody keypoints, at any resolution.

A region's mask is an axis-aligned box around its valid keypoints, enlarged (docs/metrics.md). The same
masks serve InterAnimate's region attention and loss amplification (resized to the latent grids) and the
region metrics (frame metrics inside hand and face regions), so every choice is a named field of
:class:`MaskSpec` and the box geometry is exact rather than pixel-rounded.

Pixel convention: coordinates are pixel units with the origin at the top-left corner of pixel ``(0, 0)``,
so pixel ``i`` covers ``[i, i + 1)``. Boxes are computed in the frame the keypoints were measured in
(``source_size``), clipped to it, then scaled to the output size (x by ``W_out / W_src``, y by
``H_out / H_src``); pixel ``(r, c)`` belongs to a box ``(x0, y0, x1, y1)`` when its centre satisfies
``x0 <= c + 0.5 <= x1`` and ``y0 <= r + 0.5 <= y1``. Masks of one box at two resolutions therefore agree
everywhere except within a pixel of the box's border.

Defaults, and why:

* ``score_threshold = 0.3``: DWPose's own visibility threshold (its renderer hides body points at or
  under 0.3), so a mask never covers a hand the pose image does not show;
* ``min_points = 3``: one or two confident points of a hand are usually a detector mistake, and give no
  extent to enlarge;
* ``hand_scale = 1.5``: hand keypoints sit on joint centres, so their box misses the half-finger width
  on each side and the flesh beyond each fingertip; hands also move fast and DWPose's hand points jitter,
  and a contact region should keep the skin the hand touches. 1.5 covers these at the cost of some
  background;
* ``face_scale = 1.2`` with ``face_forehead = 0.3``: the 68 landmarks span brows to chin, so a box around
  them misses the forehead (about half the landmark box's height above the brows), which the forehead
  stroking classes touch; the box's top is raised by 0.3 of its height before the 1.2 enlargement, which
  reaches about the hairline without reaching far past the jaw or the ears;
* ``face_head_points = True``: the body's nose, eyes and ears join the face points, so the box reaches the
  ears (ear stroking classes) and a face whose landmarks are missing still gets a box;
* ``min_aspect = 0.5``: a hand seen edge-on has nearly collinear keypoints and a very thin box, while the
  hand itself is about half as thick as long; widening the short side to half the long side keeps it.
  Faces are never that thin, so this does not change them. ``min_aspect = 1`` gives square boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np

from interhf_bench.pose.checks import as_keypoints, check_size
from interhf_bench.pose.wholebody import BODY_INDEX, FACE, LEFT_HAND, RIGHT_HAND

Region = Literal["left_hand", "right_hand", "face"]
REGIONS: Final[tuple[Region, ...]] = ("left_hand", "right_hand", "face")

HEAD_POINTS: Final = tuple(
    BODY_INDEX[name] for name in ("nose", "left_eye", "right_eye", "left_ear", "right_ear")
)
"""Body keypoints that may join the face landmarks in the face box."""


@dataclass(frozen=True)
class MaskSpec:
    """How region boxes are built from keypoints; see the module docstring for why each default."""

    score_threshold: float = 0.3
    """A keypoint counts when its score is strictly above this."""
    min_points: int = 3
    """A region with fewer valid keypoints than this gets no box (an all-False mask)."""
    hand_scale: float = 1.5
    """Each side of a hand box is multiplied by this, about the box centre."""
    face_scale: float = 1.2
    """Each side of the face box is multiplied by this, about the box centre."""
    face_forehead: float = 0.3
    """Before scaling, the face box's top rises by this fraction of its height, to take in the forehead."""
    face_head_points: bool = True
    """Add the body's nose, eyes and ears to the 68 face landmarks."""
    min_aspect: float = 0.5
    """Before scaling, a box's short side is widened (about the centre) to at least this fraction of its
    long side; 1.0 makes every box square, 0.0 keeps the points' box as it is."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.score_threshold < 1.0:
            raise ValueError(f"MaskSpec.score_threshold must lie in [0, 1), got {self.score_threshold}")
        if self.min_points < 1:
            raise ValueError(f"MaskSpec.min_points must be >= 1, got {self.min_points}")
        for name in ("hand_scale", "face_scale"):
            if not getattr(self, name) > 0:
                raise ValueError(f"MaskSpec.{name} must be positive, got {getattr(self, name)}")
        if self.face_forehead < 0:
            raise ValueError(f"MaskSpec.face_forehead must be >= 0, got {self.face_forehead}")
        if not 0.0 <= self.min_aspect <= 1.0:
            raise ValueError(f"MaskSpec.min_aspect must lie in [0, 1], got {self.min_aspect}")


DEFAULT_SPEC: Final = MaskSpec()


def _as_frames(keypoints: np.ndarray) -> tuple[np.ndarray, bool]:
    """Validated keypoints as ``(T, 133, 3)`` float64, and whether the input was a single frame."""
    frames = as_keypoints(keypoints, ndims=(2, 3))
    single = frames.ndim == 2
    return (frames[None] if single else frames), single


def _region_points(frames: np.ndarray, region: Region, spec: MaskSpec) -> np.ndarray:
    if region == "left_hand":
        return frames[:, LEFT_HAND]
    if region == "right_hand":
        return frames[:, RIGHT_HAND]
    face = frames[:, FACE]
    return np.concatenate([face, frames[:, list(HEAD_POINTS)]], axis=1) if spec.face_head_points else face


def _boxes(points: np.ndarray, region: Region, spec: MaskSpec, source: tuple[int, int] | None) -> np.ndarray:
    """``(T, 4)`` boxes ``(x0, y0, x1, y1)`` for ``(T, N, 3)`` points; NaN rows where there is none."""
    valid = points[..., 2] > spec.score_threshold
    enough = valid.sum(axis=1) >= spec.min_points
    x, y = points[..., 0], points[..., 1]
    with np.errstate(invalid="ignore"):
        x0 = np.where(valid, x, np.inf).min(axis=1)
        x1 = np.where(valid, x, -np.inf).max(axis=1)
        y0 = np.where(valid, y, np.inf).min(axis=1)
        y1 = np.where(valid, y, -np.inf).max(axis=1)
        if region == "face":
            y0 = y0 - spec.face_forehead * (y1 - y0)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        w, h = x1 - x0, y1 - y0
        w, h = np.maximum(w, spec.min_aspect * h), np.maximum(h, spec.min_aspect * w)
        scale = spec.face_scale if region == "face" else spec.hand_scale
        w, h = w * scale, h * scale
        boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    if source is not None:
        height, width = source
        boxes = np.clip(boxes, 0.0, [width, height, width, height])
        # A box pushed entirely off the frame collapses onto an edge: it holds no pixel, so it is no box.
        enough &= (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])
    boxes[~enough] = np.nan
    return boxes


def region_boxes(
    keypoints: np.ndarray,
    *,
    source_size: tuple[int, int] | None = None,
    spec: MaskSpec = DEFAULT_SPEC,
) -> dict[Region, np.ndarray]:
    """Boxes ``(x0, y0, x1, y1)`` of the left hand, right hand and face, in the keypoints' pixels.

    ``(T, 133, 3)`` keypoints give ``(T, 4)`` arrays, one frame ``(133, 3)`` gives ``(4,)``. A row is NaN
    when the region has fewer than ``spec.min_points`` valid points (or, with ``source_size``, when its
    box lies outside the frame); with ``source_size = (height, width)`` boxes are clipped to the frame.
    """
    frames, single = _as_frames(keypoints)
    source = None if source_size is None else check_size("source_size", source_size)
    boxes = {region: _boxes(_region_points(frames, region, spec), region, spec, source) for region in REGIONS}
    return {region: box[0] if single else box for region, box in boxes.items()}


def boxes_to_masks(
    boxes: np.ndarray, out_size: tuple[int, int], *, source_size: tuple[int, int]
) -> np.ndarray:
    """Rasterise ``(T, 4)`` boxes in ``source_size`` pixels to ``(T, H, W)`` bool masks of ``out_size``.

    A pixel is inside when its centre is inside the scaled box (borders included); NaN boxes give
    all-False masks. Vectorised over frames: one row test and one column test per frame, then an outer AND.
    """
    boxes = np.asarray(boxes, dtype=np.float64)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f"boxes must have shape (T, 4), got {boxes.shape}")
    out_h, out_w = check_size("out_size", out_size)
    src_h, src_w = check_size("source_size", source_size)
    scale = np.array([out_w / src_w, out_h / src_h, out_w / src_w, out_h / src_h])
    x0, y0, x1, y1 = (boxes * scale).T
    cols = np.arange(out_w) + 0.5
    rows = np.arange(out_h) + 0.5
    with np.errstate(invalid="ignore"):
        in_cols = (cols >= x0[:, None]) & (cols <= x1[:, None])
        in_rows = (rows >= y0[:, None]) & (rows <= y1[:, None])
    return in_rows[:, :, None] & in_cols[:, None, :]


def _masks(
    keypoints: np.ndarray,
    out_size: tuple[int, int],
    source_size: tuple[int, int],
    spec: MaskSpec,
) -> tuple[np.ndarray, np.ndarray]:
    single = np.asarray(keypoints).ndim == 2
    boxes = region_boxes(keypoints, source_size=source_size, spec=spec)
    rows = {region: np.atleast_2d(box) for region, box in boxes.items()}
    hand = boxes_to_masks(rows["left_hand"], out_size, source_size=source_size)
    hand |= boxes_to_masks(rows["right_hand"], out_size, source_size=source_size)
    face = boxes_to_masks(rows["face"], out_size, source_size=source_size)
    return (hand[0], face[0]) if single else (hand, face)


def hand_face_masks(
    keypoints: np.ndarray,
    out_size: tuple[int, int],
    *,
    source_size: tuple[int, int],
    spec: MaskSpec = DEFAULT_SPEC,
) -> tuple[np.ndarray, np.ndarray]:
    """``(hand, face)`` bool masks of ``out_size = (H, W)``: ``(T, H, W)`` each, or ``(H, W)`` for one frame.

    The hand mask is the union of both hands' boxes. ``source_size`` is the ``(height, width)`` the
    keypoints were measured in.
    """
    return _masks(keypoints, out_size, source_size, spec)


def hand_mask(
    keypoints: np.ndarray,
    out_size: tuple[int, int],
    *,
    source_size: tuple[int, int],
    spec: MaskSpec = DEFAULT_SPEC,
) -> np.ndarray:
    """Union of both hands' boxes as a bool mask; see :func:`hand_face_masks`."""
    return _masks(keypoints, out_size, source_size, spec)[0]


def face_mask(
    keypoints: np.ndarray,
    out_size: tuple[int, int],
    *,
    source_size: tuple[int, int],
    spec: MaskSpec = DEFAULT_SPEC,
) -> np.ndarray:
    """The face box as a bool mask; see :func:`hand_face_masks`."""
    return _masks(keypoints, out_size, source_size, spec)[1]
