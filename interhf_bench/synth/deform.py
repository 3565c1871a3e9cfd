"""Contact deformation of the face: smooth displacement fields and shading around pressing fingers.

A contact moves skin content near it: ``drag`` carries it along a stroke, ``press`` pulls it towards a
fingertip (a dimple), ``squeeze`` compresses it along an axis (the nose in a pinch). Fields are sums of
Gaussian bumps, small enough that the warp never folds. The renderer samples the head layer at
``x - d(x)``, so the content at ``p`` appears at the solution of ``x = p + d(x)``; :func:`displace_points`
solves that by fixed-point iteration so face keypoints follow the drawn deformation exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

REACH = 4.0  # radii
SQUEEZE_SPREAD = 1.4  # a squeeze reaches this much further across its axis than along it


@dataclass(frozen=True)
class Contact:
    """One finger-skin contact, in any consistent 2D units (world or canvas pixels)."""

    kind: str  # "drag", "press" or "squeeze"
    center: np.ndarray
    radius: float
    vector: np.ndarray  # drag: displacement at the centre; squeeze: unit axis of compression
    strength: float = 0.0  # press / squeeze: compression fraction at the centre
    shade: float = 0.0  # darkening of the skin at the centre (0..1)

    def reach(self) -> float:
        """Distance from the centre beyond which the contact has no visible effect."""
        return REACH * self.radius * (SQUEEZE_SPREAD if self.kind == "squeeze" else 1.0)

    def transformed(self, offset: np.ndarray, scale: float) -> Contact:
        """The contact in units scaled by ``scale`` and shifted by ``offset`` (e.g. world to pixels)."""
        vector = self.vector * scale if self.kind == "drag" else self.vector
        return replace(self, center=self.center * scale + offset, radius=self.radius * scale, vector=vector)

    def weighted(self, w: float) -> Contact:
        """The contact with its effect scaled by ``w`` (fading in and out)."""
        vector = self.vector * w if self.kind == "drag" else self.vector
        return replace(self, vector=vector, strength=self.strength * w, shade=self.shade * w)


def _bump(contact: Contact, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rx, ry = x - contact.center[0], y - contact.center[1]
    if contact.kind == "squeeze":
        u = contact.vector
        along = rx * u[0] + ry * u[1]
        across = -rx * u[1] + ry * u[0]
        g = np.exp(-0.5 * (along**2 / contact.radius**2 + across**2 / (SQUEEZE_SPREAD * contact.radius) ** 2))
    else:
        g = np.exp(-0.5 * (rx * rx + ry * ry) / contact.radius**2)
    return g, rx, ry


def displacement(
    contacts: tuple[Contact, ...], x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Displacement (dx, dy) of the skin content at points (x, y)."""
    dx = np.zeros(np.shape(x), dtype=np.float64)
    dy = np.zeros(np.shape(y), dtype=np.float64)
    for c in contacts:
        g, rx, ry = _bump(c, x, y)
        if c.kind == "drag":
            dx += c.vector[0] * g
            dy += c.vector[1] * g
        elif c.kind == "press":
            dx -= rx * c.strength * g
            dy -= ry * c.strength * g
        elif c.kind == "squeeze":
            along = (rx * c.vector[0] + ry * c.vector[1]) * c.strength * g
            dx -= along * c.vector[0]
            dy -= along * c.vector[1]
        else:
            raise ValueError(f"unknown contact kind {c.kind!r}")
    return dx, dy


def darkening(contacts: tuple[Contact, ...], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Fraction by which skin darkens at (x, y): a shadowed hollow under pressing fingers with a faint
    lighter rim of bulging skin around it (negative values brighten)."""
    out = np.zeros(np.shape(x), dtype=np.float64)
    for c in contacts:
        if c.shade > 0:
            r2 = ((x - c.center[0]) ** 2 + (y - c.center[1]) ** 2) / c.radius**2
            out += c.shade * (np.exp(-r2 / (2 * 0.6**2)) - 0.3 * np.exp(-r2 / (2 * 1.3**2)))
    return np.clip(out, -0.2, 0.8)


def displace_points(contacts: tuple[Contact, ...], points: np.ndarray, iterations: int = 40) -> np.ndarray:
    """Where content at ``points`` (N, 2) ends up: the solution x of ``x = p + d(x)``.

    The fields are contractions (their slope stays well below 1), so the iteration converges quickly.
    """
    p = np.asarray(points, dtype=np.float64)
    x = p.copy()
    if not contacts:
        return x
    for _ in range(iterations):
        dx, dy = displacement(contacts, x[:, 0], x[:, 1])
        new = p + np.stack([dx, dy], axis=1)
        done = np.abs(new - x).max() < 1e-10
        x = new
        if done:
            break
    return x


def field(
    contacts: tuple[Contact, ...], x0: int, y0: int, width: int, height: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Displacement and darkening on the pixel centres of the box at (x0, y0), as float32 images.

    Each contact only touches pixels within ``REACH`` radii of its centre (the Gaussian is below 4e-4
    there), which keeps the per-frame cost low.
    """
    dx = np.zeros((height, width), np.float32)
    dy = np.zeros((height, width), np.float32)
    dark = np.zeros((height, width), np.float32)
    for c in contacts:
        reach = c.reach()
        ix0 = max(int(np.floor(c.center[0] - reach)) - x0, 0)
        ix1 = min(int(np.ceil(c.center[0] + reach)) - x0, width)
        iy0 = max(int(np.floor(c.center[1] - reach)) - y0, 0)
        iy1 = min(int(np.ceil(c.center[1] + reach)) - y0, height)
        if ix0 >= ix1 or iy0 >= iy1:
            continue
        xs = (np.arange(ix0, ix1, dtype=np.float64) + x0 + 0.5)[None, :]
        ys = (np.arange(iy0, iy1, dtype=np.float64) + y0 + 0.5)[:, None]
        xs, ys = np.broadcast_arrays(xs, ys)
        ddx, ddy = displacement((c,), xs, ys)
        dx[iy0:iy1, ix0:ix1] += ddx.astype(np.float32)
        dy[iy0:iy1, ix0:ix1] += ddy.astype(np.float32)
        dark[iy0:iy1, ix0:ix1] += darkening((c,), xs, ys).astype(np.float32)
    np.clip(dark, -0.2, 0.8, out=dark)
    return dx, dy, dark
