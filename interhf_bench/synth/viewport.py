"""Where the person sits in the frame: world units (frame heights) to supersampled canvas pixels.

The person is composed for a 0.6 (width / height) portrait: head and shoulders fill the height, and
frames of another aspect get the same person scaled to fit, centred. The canvas is ``k`` times the output
size; coordinates have their origin at the top-left pixel corner, so dividing by ``k`` gives output
pixels exactly after an integer INTER_AREA downscale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PERSON_ASPECT = 0.6  # width / height of the region the person is composed for


def supersampling(height: int) -> int:
    """Canvas scale factor: small outputs get more supersampling so thin features stay clean."""
    return 2 if height >= 400 else 4 if height >= 100 else 8


@dataclass(frozen=True)
class Viewport:
    """World units (frame heights, body centre line at x = 0) to canvas pixels."""

    k: int
    scale: float
    cx: float
    oy: float
    height: int  # canvas
    width: int

    @classmethod
    def for_size(cls, height: int, width: int) -> Viewport:
        k = supersampling(height)
        scale = k * min(float(height), width / PERSON_ASPECT)
        return cls(k, scale, k * width / 2.0, (k * height - scale) / 2.0, k * height, k * width)

    @property
    def origin(self) -> np.ndarray:
        return np.array([self.cx, self.oy])

    def px(self, world: np.ndarray) -> np.ndarray:
        """World points (N, 2 or 3) to canvas pixels (N, 2); depth is dropped (orthographic)."""
        w = np.asarray(world, dtype=np.float64)
        return w[..., :2] * self.scale + self.origin
