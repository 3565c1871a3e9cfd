"""Per-frame compositing: warp a pre-drawn layer into place (with contact deformation) and shade it.

Layers are drawn once per video; each frame only moves them (sway, roll) with one affine warp, and redoes
the small box around the fingers with a per-pixel remap that applies the contact displacement field.
"""

from __future__ import annotations

import cv2
import numpy as np

from interhf_bench.synth import hand as hm
from interhf_bench.synth.canvas import Layer, composite
from interhf_bench.synth.deform import Contact, field
from interhf_bench.synth.viewport import Viewport


def _influence_box(
    contacts: tuple[Contact, ...], x0: int, y0: int, x1: int, y1: int
) -> tuple[int, int, int, int] | None:
    """The pixel box (clipped to x0..x1, y0..y1) that the contacts can displace or shade."""
    if not contacts:
        return None
    reach = np.array([c.reach() + 2.0 for c in contacts])
    centers = np.stack([c.center for c in contacts])
    bx0 = max(int(np.floor((centers[:, 0] - reach).min())), x0)
    by0 = max(int(np.floor((centers[:, 1] - reach).min())), y0)
    bx1 = min(int(np.ceil((centers[:, 0] + reach).max())), x1)
    by1 = min(int(np.ceil((centers[:, 1] + reach).max())), y1)
    return (bx0, by0, bx1, by1) if bx1 > bx0 and by1 > by0 else None


def warp_composite(
    canvas: np.ndarray,
    layer: Layer,
    origin_px: np.ndarray,
    roll: float,
    contacts: tuple[Contact, ...] = (),
) -> tuple[int, int, np.ndarray] | None:
    """Composite ``layer`` rotated by ``roll`` about its own (0, 0) placed at ``origin_px``, deformed.

    Returns the canvas box corner and the layer's coverage there (for shading what the layer shows).
    """
    c, s = np.cos(roll), np.sin(roll)
    rot = np.array([[c, -s], [s, c]])
    h, w = layer.image.shape[:2]
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64) + layer.offset
    placed = corners @ rot.T + origin_px
    x0 = max(int(np.floor(placed[:, 0].min())) - 1, 0)
    y0 = max(int(np.floor(placed[:, 1].min())) - 1, 0)
    x1 = min(int(np.ceil(placed[:, 0].max())) + 1, canvas.shape[1])
    y1 = min(int(np.ceil(placed[:, 1].max())) + 1, canvas.shape[0])
    if x1 <= x0 or y1 <= y0:
        return None
    # canvas pixel (j, i) of the box -> layer pixel: rot^T (X - origin) - offset, centre conventions
    inv = rot.T
    shift = inv @ (np.array([x0 + 0.5, y0 + 0.5]) - origin_px) - layer.offset - 0.5
    matrix = np.hstack([inv, shift[:, None]])
    warped = cv2.warpAffine(
        layer.image,
        matrix,
        (x1 - x0, y1 - y0),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    box = _influence_box(contacts, x0, y0, x1, y1)
    if box is not None:  # redo the deformed part with a per-pixel map
        bx0, by0, bx1, by1 = box
        dx, dy, dark = field(contacts, bx0, by0, bx1 - bx0, by1 - by0)
        jj, ii = np.meshgrid(
            np.arange(bx0 - x0, bx1 - x0, dtype=np.float32), np.arange(by0 - y0, by1 - y0, dtype=np.float32)
        )
        sx, sy = jj - dx, ii - dy
        map_x = (inv[0, 0] * sx + inv[0, 1] * sy + shift[0]).astype(np.float32)
        map_y = (inv[1, 0] * sx + inv[1, 1] * sy + shift[1]).astype(np.float32)
        part = cv2.remap(
            layer.image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0
        )
        if dark.any():  # shading keeps premultiplied colour within alpha
            keep = 1.0 - dark[..., None]
            rgb = np.minimum(part[..., :3].astype(np.float32) * keep, part[..., 3:4].astype(np.float32))
            part[..., :3] = np.round(rgb).astype(np.uint8)
        warped[by0 - y0 : by1 - y0, bx0 - x0 : bx1 - x0] = part
    composite(canvas[y0:y1, x0:x1], warped)
    return x0, y0, warped[..., 3]


SHADOW_OFFSET = np.array([0.012, 0.016])  # light from the upper left: shadows fall right and down
SHADOW_STRENGTH = 0.3
_SHADOW_STYLE = hm.HandStyle((255, 255, 255), (255, 255, 255), (255, 255, 255), (255, 255, 255))


def hand_shadow(
    canvas: np.ndarray, head: tuple[int, int, np.ndarray], pose: hm.HandPose, view: Viewport, strength: float
) -> None:
    """Darken the face under a soft, offset silhouette of the hand (drawn at quarter resolution)."""
    x0, y0, coverage = head
    h, w = coverage.shape
    q = 4
    mask = np.zeros(((h + q - 1) // q, (w + q - 1) // q), np.uint8)
    shift = view.scale * SHADOW_OFFSET - np.array([x0, y0])
    hm.draw_hand(mask, pose, lambda world: (view.px(world) + shift) / q, view.scale / q, _SHADOW_STYLE)
    if not mask.any():
        return
    mask = cv2.GaussianBlur(mask, (0, 0), max(0.01 * view.scale / q, 0.5))
    shadow = cv2.resize(mask, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    keep = 1.0 - (strength / 255.0**2) * shadow * coverage.astype(np.float32)
    roi = canvas[y0 : y0 + h, x0 : x0 + w]
    roi[:] = np.round(roi * keep[..., None]).astype(np.uint8)
