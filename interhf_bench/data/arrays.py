"""Keypoint and mask files (``.npz``), loaded without pickle and checked on the way in.

``poses/<video_id>.npz`` holds ``keypoints``: float32 ``(T, 133, 3)``, (x, y, score) in pixel
coordinates of the video, and optionally ``contact``: int8 ``(T, 2)``, per frame and hand (the person's
left, then right) the face part it touches as an index into :data:`CONTACT_PARTS`, -1 for none (the
synthetic generator knows it; detected keypoints have none). ``masks/<video_id>.npz`` holds ``hand``
and ``face``: bool ``(T, H, W)``.
``identity/<video_id>.npz`` holds ``embedding``: the float32 ``(512,)`` unit ArcFace vector of the
reference frame's face.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from interhf_bench.io.files import atomic_path
from interhf_bench.pose.checks import keypoint_problem
from interhf_bench.protocol.taxonomy import FacialRegion

KEYPOINTS_KEY = "keypoints"
CONTACT_KEY = "contact"
CONTACT_PARTS: tuple[FacialRegion, ...] = tuple(FacialRegion)
"""The face parts a ``contact`` array's values index: nose, eyebrow, forehead, chin, ear, left cheek,
right cheek, face (a swipe's whole face)."""
NO_CONTACT = -1
IDENTITY_KEY = "embedding"
IDENTITY_DIM = 512
MASK_KEYS = ("hand", "face")


class ArrayFileError(ValueError):
    """A keypoint or mask file is missing, unreadable or has the wrong content."""

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


def _save_npz(path: str | os.PathLike[str], arrays: dict[str, np.ndarray]) -> Path:
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        np.savez_compressed(handle, **arrays)
    return Path(path)


def _load_npz(
    path: str | os.PathLike[str], keys: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, np.ndarray]:
    """The arrays ``keys`` (all required) and those of ``optional`` that the file has."""
    path = Path(path)
    if not path.is_file():
        raise ArrayFileError(path, "file not found")
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [key for key in keys if key not in data.files]
            if missing:
                raise ArrayFileError(path, f"missing array(s) {missing}; found {data.files}")
            return {key: data[key] for key in (*keys, *optional) if key in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        if isinstance(exc, ArrayFileError):
            raise
        raise ArrayFileError(path, f"not a readable .npz file without pickles ({exc})") from exc


def check_keypoints(keypoints: np.ndarray, num_frames: int | None = None) -> str | None:
    """Describe what is wrong with a keypoint array, or return ``None`` if it is valid."""
    problem = keypoint_problem(keypoints)
    if problem is None and num_frames is not None and keypoints.shape[0] != num_frames:
        problem = f"keypoints have {keypoints.shape[0]} frames, expected {num_frames}"
    if problem is None and not np.issubdtype(keypoints.dtype, np.floating):
        problem = f"keypoints must be floating point, got {keypoints.dtype}"
    return problem


def check_contact(contact: np.ndarray, num_frames: int | None = None) -> str | None:
    """Describe what is wrong with a ``contact`` array, or return ``None`` if it is valid."""
    if contact.ndim != 2 or contact.shape[1] != 2 or not np.issubdtype(contact.dtype, np.integer):
        return f"contact must be an integer (T, 2) array, got {contact.dtype} {contact.shape}"
    if num_frames is not None and contact.shape[0] != num_frames:
        return f"contact has {contact.shape[0]} frames, expected {num_frames}"
    if contact.size and (contact.min() < NO_CONTACT or contact.max() >= len(CONTACT_PARTS)):
        return f"contact values must lie in [{NO_CONTACT}, {len(CONTACT_PARTS) - 1}]"
    return None


def save_keypoints(
    path: str | os.PathLike[str], keypoints: np.ndarray, contact: np.ndarray | None = None
) -> Path:
    """Write keypoints, and the true contact when the maker knows it (the synthetic generator)."""
    keypoints = np.asarray(keypoints)
    problem = check_keypoints(keypoints)
    if problem is None and contact is not None:
        problem = check_contact(np.asarray(contact), len(keypoints))
    if problem:
        raise ArrayFileError(path, problem)
    arrays = {KEYPOINTS_KEY: keypoints.astype(np.float32)}
    if contact is not None:
        arrays[CONTACT_KEY] = np.asarray(contact, dtype=np.int8)
    return _save_npz(path, arrays)


def load_keypoints(path: str | os.PathLike[str], num_frames: int | None = None) -> np.ndarray:
    """Load and check ``(T, 133, 3)`` keypoints; ``num_frames`` also checks T."""
    keypoints = _load_npz(path, (KEYPOINTS_KEY,))[KEYPOINTS_KEY]
    problem = check_keypoints(keypoints, num_frames)
    if problem:
        raise ArrayFileError(path, problem)
    return keypoints.astype(np.float32, copy=False)


def load_contact(path: str | os.PathLike[str], num_frames: int | None = None) -> np.ndarray | None:
    """The optional ``(T, 2)`` true contact of a pose file, ``None`` when the file has none."""
    contact = _load_npz(path, (), optional=(CONTACT_KEY,)).get(CONTACT_KEY)
    if contact is None:
        return None
    problem = check_contact(contact, num_frames)
    if problem:
        raise ArrayFileError(path, problem)
    return contact.astype(np.int8, copy=False)


def check_masks(masks: dict[str, np.ndarray], shape: tuple[int, int, int] | None = None) -> str | None:
    """Describe what is wrong with hand/face masks, or return ``None``; ``shape`` is (T, H, W)."""
    for key in MASK_KEYS:
        mask = masks[key]
        if mask.dtype != np.bool_ or mask.ndim != 3:
            return f"{key} mask must be a bool (T, H, W) array, got {mask.dtype} {mask.shape}"
        if shape is not None and mask.shape != shape:
            return f"{key} mask has shape {mask.shape}, expected {shape}"
    return None


def save_masks(path: str | os.PathLike[str], hand: np.ndarray, face: np.ndarray) -> Path:
    masks = {"hand": np.asarray(hand), "face": np.asarray(face)}
    problem = check_masks(masks, masks["hand"].shape if masks["hand"].ndim == 3 else None)
    if problem:
        raise ArrayFileError(path, problem)
    return _save_npz(path, masks)


def load_masks(
    path: str | os.PathLike[str], shape: tuple[int, int, int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Load and check ``(hand, face)`` bool masks; ``shape`` (T, H, W) also checks their size."""
    masks = _load_npz(path, MASK_KEYS)
    problem = check_masks(masks, shape)
    if problem:
        raise ArrayFileError(path, problem)
    return masks["hand"], masks["face"]


def check_identity(embedding: np.ndarray) -> str | None:
    """Describe what is wrong with an identity embedding, or return ``None``."""
    if embedding.shape != (IDENTITY_DIM,) or not np.issubdtype(embedding.dtype, np.floating):
        return f"embedding must be a float ({IDENTITY_DIM},) vector, got {embedding.dtype} {embedding.shape}"
    if not np.isfinite(embedding).all():
        return "embedding contains NaN or infinite values"
    norm = float(np.linalg.norm(embedding))
    if abs(norm - 1) > 1e-3:
        return f"embedding must be L2-normalised, its norm is {norm:.4g}"
    return None


def save_identity(path: str | os.PathLike[str], embedding: np.ndarray) -> Path:
    embedding = np.asarray(embedding, dtype=np.float32)
    problem = check_identity(embedding)
    if problem:
        raise ArrayFileError(path, problem)
    return _save_npz(path, {IDENTITY_KEY: embedding})


def load_identity(path: str | os.PathLike[str]) -> np.ndarray:
    """Load and check a ``(512,)`` unit identity embedding."""
    embedding = _load_npz(path, (IDENTITY_KEY,))[IDENTITY_KEY]
    problem = check_identity(embedding)
    if problem:
        raise ArrayFileError(path, problem)
    return embedding.astype(np.float32, copy=False)
