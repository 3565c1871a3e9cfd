"""The detections the interaction metrics read, as one row per frame: the backend's 133 keypoints and
the two hands it finds again on the close crop around the face (:mod:`interhf_bench.pose.face_hands`).

Shaped as a clip feature extractor (one ``dim``-long row per frame, an ``identity`` made of the
detector's settings and model hashes) so ``score`` caches the ground truth's detections like its
features: a second scoring of the same dataset with the same detector reads them back.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final

import numpy as np

from interhf_bench.metrics.interfaces import settings_identity
from interhf_bench.pose.backends.base import PoseBackend
from interhf_bench.pose.face_hands import CROP_MARGIN, CROP_SIZE, hands_at_face
from interhf_bench.pose.wholebody import NUM_HAND_POINTS, NUM_KEYPOINTS

POINTS: Final = NUM_KEYPOINTS + 2 * NUM_HAND_POINTS


def pack(keypoints: np.ndarray, face_hands: np.ndarray) -> np.ndarray:
    """``(T, 133, 3)`` keypoints and ``(T, 2, 21, 3)`` face-crop hands as ``(T, 525)`` rows."""
    points = np.concatenate([keypoints, face_hands.reshape(len(face_hands), -1, 3)], axis=1)
    return points.reshape(len(points), POINTS * 3).astype(np.float32)


def unpack(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The keypoints and face-crop hands of :func:`pack`'s rows."""
    points = rows.reshape(len(rows), POINTS, 3)
    return points[:, :NUM_KEYPOINTS], points[:, NUM_KEYPOINTS:].reshape(len(rows), 2, NUM_HAND_POINTS, 3)


class InteractionDetections:
    """Keypoints and face-crop hands of every frame, from one pose backend."""

    name = "interaction_detections"
    dim = POINTS * 3

    def __init__(self, backend: PoseBackend):
        self.backend = backend

    @property
    def settings(self) -> dict[str, Any]:
        return {
            "detector": self.backend.settings,
            "face_crop": {"margin": CROP_MARGIN, "size": CROP_SIZE},
        }

    @property
    def identity(self) -> str:
        detector = json.dumps(self.backend.settings, sort_keys=True).encode()
        return settings_identity(hashlib.sha256(detector).hexdigest(), self.settings)

    def features(self, frames: np.ndarray) -> np.ndarray:
        keypoints = self.backend.video(frames)
        return pack(keypoints, hands_at_face(self.backend, frames, keypoints))
