"""A face's own coordinates, from its landmarks: where on the face a point lies, in face widths.

Contact and the touched part are read in these coordinates, so they do not depend on the frame size, the
distance to the camera or a tilted head: the origin is midway between the eyes, ``u`` runs along the eye
line towards the person's left eye (the image's right for a person facing the camera), ``v`` runs down
the face at right angles, and the unit is the face's width (jaw end to jaw end, iBUG points 0 and 16).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from interhf_bench.pose.wholebody import FACE, FACE_JAW, FACE_LEFT_EYE, FACE_RIGHT_EYE

LANDMARK_SCORE: Final = 0.3
MIN_WIDTH: Final = 2.0  # pixels: a smaller face is a detection error, not a face


@dataclass(frozen=True)
class FaceFrame:
    """Origin (pixels), the unit ``u`` and ``v`` axes as rows, and the face width (pixels)."""

    origin: np.ndarray
    axes: np.ndarray
    width: float

    def local(self, points: np.ndarray) -> np.ndarray:
        """``(N, 2)`` pixel points in face coordinates (face widths)."""
        return (np.asarray(points, np.float64) - self.origin) @ self.axes.T / self.width


def face_frame(keypoints: np.ndarray) -> FaceFrame | None:
    """The face frame of one ``(133, 3)`` keypoint set, ``None`` when the eyes or jaw ends are absent."""
    face = keypoints[FACE]
    jaw = face[FACE_JAW]
    right_eye, left_eye = face[FACE_RIGHT_EYE], face[FACE_LEFT_EYE]
    needed = np.concatenate([jaw[[0, -1]], right_eye, left_eye])
    if (needed[:, 2] <= LANDMARK_SCORE).any():
        return None
    right, left = right_eye[:, :2].mean(0), left_eye[:, :2].mean(0)
    width = float(np.linalg.norm(jaw[-1, :2] - jaw[0, :2]))
    across = left - right
    if width < MIN_WIDTH or not np.linalg.norm(across) > 0:
        return None
    u = across / np.linalg.norm(across)
    return FaceFrame(origin=(right + left) / 2, axes=np.stack([u, [-u[1], u[0]]]), width=width)
