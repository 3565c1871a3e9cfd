"""Render COCO-WholeBody keypoints as DWPose pose images, the way the SVD-family methods feed their PoseNet.

The style reproduced is MimicMotion's confidence-aware DWPose rendering (``mimicmotion/dwpose/util.py``,
also used unchanged by StableAnimator and DisPose), so that a PoseNet trained on their images sees the same
kind of input here:

* black background;
* body: COCO-17 converted to OpenPose-18 (a neck at the shoulders' midpoint, visible only when both
  shoulders are; OpenPose point order), 17 limbs drawn as filled ellipses whose tips sit on the two joints,
  coloured with the standard OpenPose palette and dimmed to 60 %, then the 18 joints as coloured discs;
  the two ear-shoulder links OpenPose defines are not drawn, as in every DWPose renderer;
* hands: left hand then right hand, each 20 bones as lines coloured by HSV hue ``bone / 20``, then 21 dots;
* face: 68 landmarks as small grey-to-white dots; the feet are not drawn;
* confidence alpha: a limb's colour is scaled by the product of its two scores, a joint's or dot's colour
  by its score; body points at or under ``score_threshold`` (0.3, DWPose's) are not drawn;
* sizes are fixed in pixels of a canvas whose short side is 2160 px: MimicMotion draws on such a canvas
  and shrinks it to the output size with ``cv2.resize`` (bilinear), which is why its renders look thin;
* colours: MimicMotion draws the OpenPose palette into a canvas it then converts BGR -> RGB, so its pose
  images carry the palette with red and blue exchanged compared with ControlNet's OpenPose images (the
  first limb is blue, hand dots are red). ``swap_red_blue=True`` reproduces that.

Deliberate differences, all small at the output size: by default
(``subpixel=True``) bone and limb end points are placed with sub-pixel precision and limb ellipses are
polygons with exact axes and angle, where MimicMotion truncates coordinates, half-axes and the angle in
degrees to integers (at 2160 px a 1-degree truncation moves the tip of a long limb by many canvas pixels);
``subpixel=False`` restores the integer geometry and then reproduces MimicMotion's images pixel for pixel
(checked against a transcription of its ``draw_pose`` on random poses at sizes from 333x517 to
2160x2160; ``tests/pose/test_render.py`` pins one such image). Thresholds
are strict everywhere (MimicMotion keeps a limb whose score is exactly 0.3 but drops its joint), and hand
and face points with score 0 are skipped instead of being painted black over what is already drawn.
Sizes never fall under one canvas pixel, so ``supersample=False`` still draws everything.
Retargeting the driving skeleton onto the reference body (MimicMotion's ``get_video_pose``) is not a
rendering step and is left to the caller.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass
from typing import Final, Literal

import cv2
import numpy as np

from interhf_bench.pose.checks import as_keypoints, check_size
from interhf_bench.pose.wholebody import (
    BODY,
    BODY_INDEX,
    FACE,
    HAND_EDGES,
    LEFT_HAND,
    RIGHT_HAND,
)

# OpenPose-18 order, as COCO-17 indices; -1 is the neck, which COCO lacks.
NECK: Final = -1
OPENPOSE_FROM_COCO: Final = tuple(
    NECK if name == "neck" else BODY_INDEX[name]
    for name in (
        "nose", "neck", "right_shoulder", "right_elbow", "right_wrist", "left_shoulder", "left_elbow",
        "left_wrist", "right_hip", "right_knee", "right_ankle", "left_hip", "left_knee", "left_ankle",
        "right_eye", "left_eye", "right_ear", "left_ear",
    )
)  # fmt: skip
"""For each of the 18 OpenPose points, the COCO body index it comes from (``NECK`` for the neck)."""

OPENPOSE_LIMBS: Final = (
    (1, 2), (1, 5), (2, 3), (3, 4), (5, 6), (6, 7), (1, 8), (8, 9), (9, 10),
    (1, 11), (11, 12), (12, 13), (1, 0), (0, 14), (14, 16), (0, 15), (15, 17),
)  # fmt: skip
"""The 17 drawn limbs, as pairs of OpenPose-18 indices; limb ``i`` gets palette colour ``i``."""

OPENPOSE_PALETTE: Final = (
    (255, 0, 0), (255, 85, 0), (255, 170, 0), (255, 255, 0), (170, 255, 0), (85, 255, 0), (0, 255, 0),
    (0, 255, 85), (0, 255, 170), (0, 255, 255), (0, 170, 255), (0, 85, 255), (0, 0, 255), (85, 0, 255),
    (170, 0, 255), (255, 0, 255), (255, 0, 170), (255, 0, 85),
)  # fmt: skip
"""The standard OpenPose colours, in ControlNet's RGB reading; limb ``i`` and joint ``i`` use entry ``i``."""

_BONE_HUES: Final = np.array(
    [colorsys.hsv_to_rgb(e / len(HAND_EDGES), 1.0, 1.0) for e in range(len(HAND_EDGES))]
)
"""Hand bone ``e`` is drawn in the RGB colour of HSV hue ``e / 20``, at full saturation and value."""

_SHIFT: Final = 4  # fixed-point bits for cv2's sub-pixel drawing
_ONE: Final = 1 << _SHIFT
_ELLIPSE_ANGLES: Final = np.deg2rad(np.arange(0, 360, 2, dtype=np.float64))


@dataclass(frozen=True)
class PoseRenderStyle:
    """Every choice the renderer makes; the defaults reproduce MimicMotion's renders.

    Sizes are in pixels of a frame whose short side is ``size_reference`` and scale with the frame, so a
    render looks the same at every resolution.
    """

    draw_body: bool = True
    draw_hands: bool = True
    draw_face: bool = True
    confidence_alpha: bool = True
    """Scale each element's colour by its score (MimicMotion); ``False`` draws full colours (Moore-AA)."""
    score_threshold: float = 0.3
    """Body joints with a score at or under this are not drawn, nor are the limbs that touch them."""
    hand_score_threshold: float = 0.0
    """Hand points at or under this are not drawn (MimicMotion draws every hand point, dimmed)."""
    face_score_threshold: float = 0.0
    """Face landmarks at or under this are not drawn (MimicMotion draws every landmark, dimmed)."""
    skip_origin_points: bool = True
    """Skip hand and face points in the canvas's first row or column or beyond (MimicMotion's rule), where
    DWPose pipelines park missing points at ``(0, 0)`` or ``(-1, -1)``."""
    size_reference: int = 2160
    """The short side, in pixels, at which the sizes below hold (MimicMotion's 2160 px canvas)."""
    body_stick_halfwidth: float = 4.0
    body_joint_radius: float = 4.0
    body_limb_dim: float = 0.6
    """Limbs are dimmed by this factor so that the joints drawn on top stand out."""
    hand_bone_thickness: float = 2.0
    hand_point_radius: float = 4.0
    face_point_radius: float = 3.0
    supersample: bool = True
    """Draw on a canvas with short side ``size_reference`` and shrink it (MimicMotion); ``False`` draws
    directly at the output size, which is sharper and faster but not what MimicMotion's PoseNet saw."""
    downsample: Literal["linear", "area"] = "linear"
    """How the supersampled canvas is shrunk: ``"linear"`` is cv2's default, as in MimicMotion;
    ``"area"`` averages, so thin hand bones fade evenly instead of breaking up."""
    swap_red_blue: bool = True
    """Exchange red and blue of every colour, as MimicMotion's final BGR->RGB conversion does."""
    subpixel: bool = True
    """Place lines and limbs with sub-pixel precision; ``False`` truncates coordinates, ellipse axes and
    angles to integers as MimicMotion does, which reproduces its images pixel for pixel."""

    def __post_init__(self) -> None:
        for name in ("score_threshold", "hand_score_threshold", "face_score_threshold"):
            value = getattr(self, name)
            if not 0.0 <= value < 1.0:
                raise ValueError(f"PoseRenderStyle.{name} must lie in [0, 1), got {value}")
        sizes = ("body_stick_halfwidth", "body_joint_radius", "hand_bone_thickness", "hand_point_radius")
        for name in (*sizes, "face_point_radius"):
            if not getattr(self, name) > 0:
                raise ValueError(f"PoseRenderStyle.{name} must be positive, got {getattr(self, name)}")
        if self.size_reference < 1:
            raise ValueError(f"PoseRenderStyle.size_reference must be >= 1, got {self.size_reference}")
        if not 0.0 < self.body_limb_dim <= 1.0:
            raise ValueError(f"PoseRenderStyle.body_limb_dim must lie in (0, 1], got {self.body_limb_dim}")
        if self.downsample not in ("linear", "area"):
            raise ValueError(
                f"PoseRenderStyle.downsample must be 'linear' or 'area', got {self.downsample!r}"
            )


DEFAULT_STYLE: Final = PoseRenderStyle()
"""MimicMotion's rendering."""


def _colour(rgb: np.ndarray | tuple[float, float, float], style: PoseRenderStyle) -> tuple[int, int, int]:
    r, g, b = (int(c) for c in rgb)
    return (b, g, r) if style.swap_red_blue else (r, g, b)


class _Canvas:
    """A drawing canvas: the scale from output to canvas pixels, sizes in canvas pixels, the primitives."""

    def __init__(self, height: int, width: int, style: PoseRenderStyle) -> None:
        short = min(height, width)
        ratio = style.size_reference / short if style.supersample else 1.0
        # MimicMotion's canvas: int(H * ratio) x int(W * ratio).
        self.height, self.width = int(height * ratio), int(width * ratio)
        self.out_width, self.out_height = width, height
        size_scale = short * ratio / style.size_reference
        self.subpixel = style.subpixel
        stick = max(1.0, style.body_stick_halfwidth * size_scale)
        self.stick = stick if self.subpixel else round(stick)
        self.joint = max(1, round(style.body_joint_radius * size_scale))
        self.bone = max(1, round(style.hand_bone_thickness * size_scale))
        self.hand_dot = max(1, round(style.hand_point_radius * size_scale))
        self.face_dot = max(1, round(style.face_point_radius * size_scale))
        self.image = np.zeros((self.height, self.width, 3), dtype=np.uint8)

    def scale(self, point: np.ndarray) -> np.ndarray:
        """Output-pixel ``(x, y)`` to continuous canvas coordinates (origin at the top-left corner).

        Normalise, then multiply, in MimicMotion's order, so that truncation lands on the same pixels.
        """
        return np.array([point[0] / self.out_width * self.width, point[1] / self.out_height * self.height])

    def pixel(self, point: np.ndarray) -> tuple[int, int]:
        """The canvas pixel a point falls in (MimicMotion truncates toward zero instead of flooring)."""
        x, y = self.scale(point)
        return (int(np.floor(x)), int(np.floor(y))) if self.subpixel else (int(x), int(y))

    def fixed(self, point: np.ndarray) -> tuple[int, int]:
        """A point as cv2 fixed point (cv2 puts integer coordinates at pixel centres)."""
        x, y = self.scale(point)
        return round((x - 0.5) * _ONE), round((y - 0.5) * _ONE)

    def disc(self, point: np.ndarray, radius: int, colour: tuple[int, int, int]) -> None:
        """A filled disc centred on the pixel that holds ``point``.

        Whole-pixel centres and radii keep cv2's integer circles, the shapes MimicMotion draws (cv2's
        sub-pixel circles come out a pixel wider); on the supersampled canvas the rounding is under a
        fifth of an output pixel.
        """
        cv2.circle(self.image, self.pixel(point), radius, colour, -1, cv2.LINE_8)

    def line(self, p: np.ndarray, q: np.ndarray, colour: tuple[int, int, int]) -> None:
        if self.subpixel:
            cv2.line(self.image, self.fixed(p), self.fixed(q), colour, self.bone, cv2.LINE_8, _SHIFT)
        else:
            cv2.line(self.image, self.pixel(p), self.pixel(q), colour, self.bone, cv2.LINE_8)

    def stick_between(self, p: np.ndarray, q: np.ndarray, colour: tuple[int, int, int]) -> None:
        """A filled ellipse whose long axis runs from ``p`` to ``q`` and whose half-width is the stick's."""
        a, b = self.scale(p), self.scale(q)
        centre, half = (a + b) / 2, (b - a) / 2
        length = float(np.hypot(*half))
        if not self.subpixel:
            # MimicMotion's integer ellipse: centre, half-axes and angle (degrees) truncated.
            angle = int(np.degrees(np.arctan2(-half[1], -half[0])))
            axes = (int(length), int(self.stick))
            polygon = cv2.ellipse2Poly((int(centre[0]), int(centre[1])), axes, angle, 0, 360, 1)
            cv2.fillConvexPoly(self.image, polygon, colour)
            return
        along = half / length if length > 0 else np.array([1.0, 0.0])
        across = np.array([-along[1], along[0]])
        cos, sin = np.cos(_ELLIPSE_ANGLES)[:, None], np.sin(_ELLIPSE_ANGLES)[:, None]
        points = centre + cos * length * along + sin * self.stick * across
        fixed = np.round((points - 0.5) * _ONE).astype(np.int32)
        cv2.fillConvexPoly(self.image, fixed, colour, cv2.LINE_8, _SHIFT)

    def finish(self, height: int, width: int, style: PoseRenderStyle) -> np.ndarray:
        if (self.height, self.width) == (height, width):
            return self.image
        interpolation = cv2.INTER_LINEAR if style.downsample == "linear" else cv2.INTER_AREA
        return cv2.resize(self.image, (width, height), interpolation=interpolation)


def openpose18(body: np.ndarray, score_threshold: float = 0.3) -> np.ndarray:
    """COCO-17 body points ``(17, 3)`` as OpenPose-18 ``(18, 3)``, with DWPose's neck.

    The neck sits at the shoulders' midpoint; its score is 1 when both shoulders are above
    ``score_threshold`` and 0 otherwise, exactly as DWPose sets it.
    """
    shoulders = body[[BODY_INDEX["left_shoulder"], BODY_INDEX["right_shoulder"]]]
    neck = np.empty(3)
    neck[:2] = shoulders[:, :2].mean(axis=0)
    neck[2] = float((shoulders[:, 2] > score_threshold).all())
    return np.stack([neck if index == NECK else body[index] for index in OPENPOSE_FROM_COCO])


def _draw_body(canvas: _Canvas, body: np.ndarray, style: PoseRenderStyle) -> None:
    points = openpose18(body, style.score_threshold)
    visible = points[:, 2] > style.score_threshold
    alpha = points[:, 2] if style.confidence_alpha else np.ones(len(points))
    palette = np.asarray(OPENPOSE_PALETTE, dtype=np.float64)
    for limb, (i, j) in enumerate(OPENPOSE_LIMBS):
        if visible[i] and visible[j]:
            scaled = np.floor(palette[limb] * (alpha[i] * alpha[j]))
            canvas.stick_between(points[i], points[j], _colour(np.floor(scaled * style.body_limb_dim), style))
    for i in np.flatnonzero(visible):
        canvas.disc(points[i], canvas.joint, _colour(np.floor(palette[i] * alpha[i]), style))


def _usable(canvas: _Canvas, points: np.ndarray, threshold: float, style: PoseRenderStyle) -> np.ndarray:
    """Hand or face points to draw: above the threshold and, optionally, off the canvas's first row and
    column, where DWPose pipelines park missing points ((0, 0) or (-1, -1)); MimicMotion's rule."""
    usable = points[:, 2] > threshold
    if style.skip_origin_points:
        x = points[:, 0] / canvas.out_width * canvas.width
        y = points[:, 1] / canvas.out_height * canvas.height
        usable &= (x >= 1) & (y >= 1)
    return usable


def _draw_hand(canvas: _Canvas, hand: np.ndarray, style: PoseRenderStyle) -> None:
    usable = _usable(canvas, hand, style.hand_score_threshold, style)
    level = hand[:, 2] if style.confidence_alpha else np.ones(len(hand))
    for bone, (i, j) in enumerate(HAND_EDGES):
        if usable[i] and usable[j]:
            canvas.line(
                hand[i],
                hand[j],
                _colour(np.rint(_BONE_HUES[bone] * np.floor(level[i] * level[j] * 255)), style),
            )
    for i in np.flatnonzero(usable):
        # MimicMotion draws (0, 0, s) into its BGR-read canvas: red in the final image, blue in OpenPose's.
        canvas.disc(hand[i], canvas.hand_dot, _colour((0, 0, np.floor(level[i] * 255)), style))


def _draw_face(canvas: _Canvas, face: np.ndarray, style: PoseRenderStyle) -> None:
    usable = _usable(canvas, face, style.face_score_threshold, style)
    level = face[:, 2] if style.confidence_alpha else np.ones(len(face))
    for i in np.flatnonzero(usable):
        grey = int(np.floor(level[i] * 255))
        canvas.disc(face[i], canvas.face_dot, (grey, grey, grey))


def _draw_frame(keypoints: np.ndarray, height: int, width: int, style: PoseRenderStyle) -> np.ndarray:
    """Draw one validated frame whose coordinates are already in output pixels."""
    canvas = _Canvas(height, width, style)
    if style.draw_body:
        _draw_body(canvas, keypoints[BODY], style)
    if style.draw_hands:
        _draw_hand(canvas, keypoints[LEFT_HAND], style)
        _draw_hand(canvas, keypoints[RIGHT_HAND], style)
    if style.draw_face:
        _draw_face(canvas, keypoints[FACE], style)
    return canvas.finish(height, width, style)


def _to_output(
    keypoints: np.ndarray, height: int, width: int, source_size: tuple[int, int] | None
) -> np.ndarray:
    if source_size is None:
        return keypoints
    src_h, src_w = check_size("source_size", source_size)
    scaled = keypoints.copy()
    scaled[..., 0] *= width / src_w
    scaled[..., 1] *= height / src_h
    return scaled


def draw_pose(
    keypoints: np.ndarray,
    height: int,
    width: int,
    *,
    source_size: tuple[int, int] | None = None,
    style: PoseRenderStyle = DEFAULT_STYLE,
) -> np.ndarray:
    """Render one frame of keypoints ``(133, 3)`` as an ``(height, width, 3)`` uint8 RGB pose image.

    ``source_size`` is the ``(height, width)`` the keypoints were measured in; they are scaled to the
    output size (default: they are already in output pixels).
    """
    height, width = check_size("(height, width)", (height, width))
    points = _to_output(as_keypoints(keypoints, ndims=(2,)), height, width, source_size)
    return _draw_frame(points, height, width, style)


def render_pose_video(
    keypoints: np.ndarray,
    height: int,
    width: int,
    *,
    source_size: tuple[int, int] | None = None,
    style: PoseRenderStyle = DEFAULT_STYLE,
) -> np.ndarray:
    """Render ``(T, 133, 3)`` keypoints as a ``(T, height, width, 3)`` uint8 RGB pose video."""
    height, width = check_size("(height, width)", (height, width))
    points = _to_output(as_keypoints(keypoints, ndims=(3,)), height, width, source_size)
    frames = np.zeros((len(points), height, width, 3), dtype=np.uint8)
    for t, frame in enumerate(points):
        frames[t] = _draw_frame(frame, height, width, style)
    return frames
