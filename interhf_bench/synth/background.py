"""The backdrop: a vertical gradient with a few soft shapes, drawn once per video.

Shapes are placed in fractions of the frame so any output size gets the same composition; a light blur
keeps the background visibly behind the subject (and makes it cheap to compress).
"""

from __future__ import annotations

import cv2
import numpy as np

from interhf_bench.synth.canvas import capsule_points, ellipse_points, fill_polygon, mix, shade
from interhf_bench.synth.identity import Identity


def render_background(idt: Identity, height: int, width: int) -> np.ndarray:
    """An (height, width, 3) uint8 RGB backdrop for a canvas of that size."""
    t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    top = np.asarray(idt.background_top, np.float32)
    bottom = np.asarray(idt.background_bottom, np.float32)
    img = np.broadcast_to(top * (1 - t) + bottom * t, (height, width, 3))
    img = np.ascontiguousarray(np.clip(np.round(img), 0, 255).astype(np.uint8))
    for shape in idt.background_shapes:
        c = np.array([shape.center[0] * width, shape.center[1] * height])
        w, h = shape.size[0] * width, shape.size[1] * height
        if shape.kind == "circle":
            fill_polygon(img, ellipse_points(c, 0.5 * w, 0.5 * w, 0.0, 64), shape.color)
        elif shape.kind == "rect":
            box = np.array([[-w, -h], [w, -h], [w, h], [-w, h]]) * 0.5 + c
            fill_polygon(img, box, shape.color)
        elif shape.kind == "frame":
            box = np.array([[-w, -h], [w, -h], [w, h], [-w, h]]) * 0.5 + c
            fill_polygon(img, box, shade(shape.color, 0.7))
            fill_polygon(img, (box - c) * 0.82 + c, mix(shape.color, (255, 255, 255), 0.35))
        else:
            stem = capsule_points(c, c + np.array([0.0, h]), 0.04 * w, 0.06 * w)
            fill_polygon(img, stem, shade(shape.color, 0.6))
            for k in range(5):
                angle = -np.pi / 2 + (k - 2) * 0.45
                tip = c + 0.45 * w * np.array([np.cos(angle), np.sin(angle)])
                fill_polygon(img, capsule_points(c, tip, 0.02 * w, 0.12 * w), shape.color)
    sigma = 0.004 * height
    return cv2.GaussianBlur(img, (0, 0), sigma) if sigma >= 0.5 else img
