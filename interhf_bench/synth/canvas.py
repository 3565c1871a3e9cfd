"""Drawing primitives on supersampled, premultiplied RGBA layers.

All coordinates here are canvas pixels with the origin at the top-left pixel *corner*, the convention of
the keypoints. OpenCV puts integer coordinates at pixel centres, so points are shifted by half a pixel
before drawing, with 4 fractional bits so sub-pixel motion stays smooth after downscaling.

Layers are 4-channel uint8 images in premultiplied alpha: drawing an antialiased shape of an opaque colour
onto such a layer with OpenCV is then exactly the "over" operator, so layers composite without fringes.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

RGB = tuple[int, int, int]

SHIFT = 4
_ONE = 1 << SHIFT


def fixed(points: np.ndarray) -> np.ndarray:
    """Corner-origin float pixel coordinates to OpenCV fixed-point (centre-origin) integers."""
    return np.round((np.asarray(points, dtype=np.float64) - 0.5) * _ONE).astype(np.int32)


def rgba(color: RGB) -> tuple[int, int, int, int]:
    """An opaque colour for drawing on a layer."""
    return (int(color[0]), int(color[1]), int(color[2]), 255)


def shade(color: RGB, factor: float) -> RGB:
    """The colour scaled by ``factor`` (darker below 1, lighter above), clipped to 0..255."""
    return tuple(int(np.clip(round(c * factor), 0, 255)) for c in color)  # type: ignore[return-value]


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Linear blend from ``a`` (t=0) to ``b`` (t=1)."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def fill_polygon(img: np.ndarray, points: np.ndarray, color: tuple[int, ...]) -> None:
    """Antialiased filled polygon."""
    cv2.fillPoly(img, [fixed(points)], color, cv2.LINE_AA, SHIFT)


def stroke_polyline(
    img: np.ndarray, points: np.ndarray, color: tuple[int, ...], width: float, closed: bool = False
) -> None:
    """Antialiased polyline; widths under one pixel draw one pixel wide."""
    thickness = max(1, round(float(width)))
    cv2.polylines(img, [fixed(points)], closed, color, thickness, cv2.LINE_AA, SHIFT)


def fill_disc(img: np.ndarray, center: np.ndarray, radius: float, color: tuple[int, ...]) -> None:
    """Antialiased filled circle."""
    c = fixed(np.asarray(center)[None])[0]
    cv2.circle(
        img, (int(c[0]), int(c[1])), max(1, round(float(radius) * _ONE)), color, -1, cv2.LINE_AA, SHIFT
    )


def ellipse_points(
    center: np.ndarray,
    rx: float,
    ry: float,
    angle: float = 0.0,
    n: int = 48,
    t0: float = 0.0,
    t1: float = 2 * np.pi,
) -> np.ndarray:
    """Points on an ellipse (angle in radians), from parameter ``t0`` to ``t1``."""
    t = np.linspace(t0, t1, n, endpoint=(t1 - t0) < 2 * np.pi - 1e-9)
    local = np.stack([rx * np.cos(t), ry * np.sin(t)], axis=1)
    c, s = np.cos(angle), np.sin(angle)
    return local @ np.array([[c, s], [-s, c]]) + np.asarray(center)


_CAP_ANGLES = np.linspace(-np.pi / 2, np.pi / 2, 10)
_CAP_COS, _CAP_SIN = np.cos(_CAP_ANGLES)[:, None], np.sin(_CAP_ANGLES)[:, None]


def capsule_points(p0: np.ndarray, p1: np.ndarray, r0: float, r1: float) -> np.ndarray:
    """Outline of a tapered capsule (two round caps joined by straight sides) from ``p0`` to ``p1``."""
    return capsules_points(np.asarray(p0)[None], np.asarray(p1)[None], np.array([r0]), np.array([r1]))[0]


def capsules_points(p0: np.ndarray, p1: np.ndarray, r0: np.ndarray, r1: np.ndarray) -> np.ndarray:
    """Outlines (N, 20, 2) of N tapered capsules at once (hands draw dozens per frame)."""
    p0 = np.asarray(p0, dtype=np.float64)
    p1 = np.asarray(p1, dtype=np.float64)
    d = p1 - p0
    length = np.hypot(d[:, 0], d[:, 1])[:, None]
    u = np.where(length > 1e-9, d / np.maximum(length, 1e-9), np.array([1.0, 0.0]))
    v = np.stack([-u[:, 1], u[:, 0]], axis=1)
    ring = _CAP_COS[None] * u[:, None] + _CAP_SIN[None] * v[:, None]  # half circle from -v through +u to +v
    r0 = np.asarray(r0, dtype=np.float64)[:, None, None]
    r1 = np.asarray(r1, dtype=np.float64)[:, None, None]
    return np.concatenate([p1[:, None] + r1 * ring, p0[:, None] - r0 * ring], axis=1)


def fill_polygons(img: np.ndarray, polygons: np.ndarray, color: tuple[int, ...]) -> None:
    """Antialiased filled polygons (N, M, 2), drawn one after another (overlaps stay filled)."""
    for poly in fixed(polygons):
        cv2.fillPoly(img, [poly], color, cv2.LINE_AA, SHIFT)


def offset_polygon(points: np.ndarray, amount: float) -> np.ndarray:
    """A polygon pushed away from its centroid by ``amount`` (inwards when negative).

    Cheaper than a true offset and good enough for the convex-ish shapes drawn here: a darker shape grown by
    the line width underneath a fill makes an outline.
    """
    pts = np.asarray(points, dtype=np.float64)
    d = pts - pts.mean(axis=0)
    return pts + d / np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-12)[:, None] * amount


def thick_line(line: np.ndarray, half_widths: np.ndarray | float) -> np.ndarray:
    """Polygon of a curve thickened by ``half_widths`` (scalar or one per point) on either side."""
    pts = np.asarray(line, dtype=np.float64)
    d = np.gradient(pts, axis=0)
    n = np.stack([-d[:, 1], d[:, 0]], 1) / np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-12)[:, None]
    w = np.broadcast_to(np.asarray(half_widths, dtype=np.float64), (len(pts),))[:, None]
    return np.concatenate([pts + n * w, (pts - n * w)[::-1]])


def catmull_rom(points: np.ndarray, samples: int = 8, closed: bool = False) -> np.ndarray:
    """A smooth curve through ``points`` (uniform Catmull-Rom), ``samples`` points per segment."""
    pts = np.asarray(points, dtype=np.float64)
    if closed:
        ext = np.concatenate([pts[-1:], pts, pts[:2]])
        segments = len(pts)
    else:
        ext = np.concatenate([2 * pts[:1] - pts[1:2], pts, 2 * pts[-1:] - pts[-2:-1]])
        segments = len(pts) - 1
    t = np.linspace(0.0, 1.0, samples, endpoint=False)[:, None]
    t2, t3 = t * t, t * t * t
    out = []
    for i in range(segments):
        p0, p1, p2, p3 = ext[i], ext[i + 1], ext[i + 2], ext[i + 3]
        out.append(
            0.5
            * (
                2 * p1
                + (-p0 + p2) * t
                + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2
                + (-p0 + 3 * p1 - 3 * p2 + p3) * t3
            )
        )
    curve = np.concatenate(out)
    return curve if closed else np.concatenate([curve, pts[-1:]])


def resample(polyline: np.ndarray, n: int) -> np.ndarray:
    """``n`` points evenly spaced by arc length along an open polyline (ends included)."""
    pts = np.asarray(polyline, dtype=np.float64)
    seg = np.hypot(*np.diff(pts, axis=0).T)
    arc = np.concatenate([[0.0], np.cumsum(seg)])
    targets = np.linspace(0.0, arc[-1], n)
    return np.stack([np.interp(targets, arc, pts[:, 0]), np.interp(targets, arc, pts[:, 1])], axis=1)


def composite(dst: np.ndarray, layer: np.ndarray) -> None:
    """Premultiplied "over": ``dst`` (HxWx3, opaque) = layer + dst * (1 - alpha), in place."""
    rgb = cv2.cvtColor(layer, cv2.COLOR_RGBA2RGB)
    inv = cv2.cvtColor(cv2.bitwise_not(cv2.extractChannel(layer, 3)), cv2.COLOR_GRAY2RGB)
    under = cv2.multiply(dst, inv, scale=1.0 / 255.0)
    cv2.add(under, rgb, dst=dst)


@dataclass
class Layer:
    """A premultiplied RGBA image placed at ``offset`` (x, y) canvas pixels; drawn in canvas coordinates."""

    image: np.ndarray
    offset: np.ndarray

    @classmethod
    def empty(cls, x0: float, y0: float, x1: float, y1: float) -> Layer:
        """A transparent layer covering the canvas box [x0, x1) x [y0, y1) (rounded outwards)."""
        ix0, iy0 = int(np.floor(x0)), int(np.floor(y0))
        w, h = int(np.ceil(x1)) - ix0, int(np.ceil(y1)) - iy0
        return cls(np.zeros((max(h, 1), max(w, 1), 4), np.uint8), np.array([ix0, iy0], dtype=np.float64))

    def local(self, points: np.ndarray) -> np.ndarray:
        """Canvas coordinates to this layer's pixel coordinates."""
        return np.asarray(points, dtype=np.float64) - self.offset

    def fill(self, points: np.ndarray, color: RGB) -> None:
        fill_polygon(self.image, self.local(points), rgba(color))

    def stroke(self, points: np.ndarray, color: RGB, width: float, closed: bool = False) -> None:
        stroke_polyline(self.image, self.local(points), rgba(color), width, closed)

    def disc(self, center: np.ndarray, radius: float, color: RGB) -> None:
        fill_disc(self.image, self.local(np.asarray(center)[None])[0], radius, rgba(color))

    def mask(self) -> np.ndarray:
        """A blank single-channel mask of the layer's size, for :meth:`tint`."""
        return np.zeros(self.image.shape[:2], np.uint8)

    def mask_polygon(self, mask: np.ndarray, points: np.ndarray) -> None:
        fill_polygon(mask, self.local(points), (255,))

    def tint(self, mask: np.ndarray, color: RGB, strength: float, blur: float = 0.0) -> None:
        """Blend ``color`` into the layer where ``mask`` is set, only over what is already drawn (atop).

        OpenCV overwrites interior pixels, so translucent effects (blush, shading, shadows) go through a
        mask; ``blur`` (pixels, Gaussian sigma) softens it. Work is limited to the mask's bounding box.
        """
        bx, by, bw, bh = cv2.boundingRect(mask)
        if bw == 0 or bh == 0:
            return
        margin = int(np.ceil(3 * blur)) + 1
        y0, y1 = max(by - margin, 0), min(by + bh + margin, mask.shape[0])
        x0, x1 = max(bx - margin, 0), min(bx + bw + margin, mask.shape[1])
        m = mask[y0:y1, x0:x1].astype(np.float32) / 255.0
        if blur > 0:
            m = cv2.GaussianBlur(m, (0, 0), blur)
        m = m[..., None] * strength
        img = self.image[y0:y1, x0:x1].astype(np.float32)
        a = img[..., 3:4] / 255.0
        img[..., :3] = img[..., :3] * (1 - m) + np.asarray(color, np.float32) * a * m
        self.image[y0:y1, x0:x1] = np.clip(np.round(img), 0, 255).astype(np.uint8)

    def clip_to(self, mask: np.ndarray) -> None:
        """Keep only the part of the layer inside ``mask`` (coverage multiplies, edges stay soft)."""
        m = mask.astype(np.float32)[..., None] / 255.0
        self.image = np.round(self.image.astype(np.float32) * m).astype(np.uint8)

    def paste(self, other: Layer) -> None:
        """Composite another layer (same size and offset) over this one."""
        a = other.image[..., 3:4].astype(np.float32) / 255.0
        out = other.image.astype(np.float32) + self.image.astype(np.float32) * (1 - a)
        self.image = np.clip(np.round(out), 0, 255).astype(np.uint8)

    def blank(self) -> Layer:
        """A transparent layer with the same size and offset."""
        return Layer(np.zeros_like(self.image), self.offset.copy())
