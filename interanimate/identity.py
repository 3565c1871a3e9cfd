"""Identity embeddings for the ID Preserver: the dataset's ArcFace vector, or a documented stand-in.

Real data carries a 512-d normalised ArcFace embedding of the reference face (``Case.identity``). The
synthetic cartoon faces are not faces to ArcFace, so there the stand-in is used: the reference frame's
face box (from its keypoints, the scorer's face mask) resized to 16x16 RGB, centred, multiplied by a fixed
Gaussian projection (seed 0) to 512 dimensions and L2-normalised. It is a deterministic appearance code
of the face crop, as ArcFace is of a real face, so the code path is exercised end to end; it is not an
identity model. A frame without a face box gives the zero vector, StableAnimator's "no face" input.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from interhf_bench.pose.masks import face_mask

EMBEDDING_DIM = 512
_CROP = 16


@lru_cache(maxsize=1)
def _projection() -> np.ndarray:
    return np.random.default_rng(0).standard_normal((_CROP * _CROP * 3, EMBEDDING_DIM)).astype(np.float32)


def standin_identity(reference: np.ndarray, reference_pose: np.ndarray) -> np.ndarray:
    """``(512,)`` float32 unit vector from the face crop of ``reference`` ``(H, W, 3)`` uint8."""
    height, width = reference.shape[:2]
    box = face_mask(reference_pose, (height, width), source_size=(height, width))
    rows, cols = np.nonzero(box)
    if rows.size == 0:
        return np.zeros(EMBEDDING_DIM, np.float32)
    crop = reference[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    pixels = cv2.resize(crop, (_CROP, _CROP), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    vector = (pixels.ravel() - pixels.mean()) @ _projection()
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else np.zeros(EMBEDDING_DIM, np.float32)


def identity_for(
    reference: np.ndarray, reference_pose: np.ndarray, embedding: np.ndarray | None
) -> np.ndarray:
    """The dataset's embedding when it has one, the stand-in otherwise."""
    if embedding is not None:
        return np.asarray(embedding, np.float32)
    return standin_identity(reference, reference_pose)
