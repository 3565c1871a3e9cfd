"""Finding and reading generated videos: ``<video_id>.mp4`` or a folder ``<video_id>/`` of frames.

A generated video holds exactly the protocol's target frames (frame 0, the reference, is not generated).
A frame folder holds PNG or JPEG files, taken in natural order of their names (``2.png`` before
``10.png``). Anything else is an error that names the file; nothing is padded, cropped or substituted.
"""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np

from interhf_bench.io.video import VideoError, read_video

FRAME_SUFFIXES = (".png", ".jpg", ".jpeg")


class PredictionError(ValueError):
    """A generated video is missing or unusable; the message names the file."""


def find_prediction(pred_dir: Path, video_id: str) -> Path | None:
    """The mp4 or the frame folder for a video id, or ``None`` if there is neither (both is an error)."""
    video, folder = pred_dir / f"{video_id}.mp4", pred_dir / video_id
    if video.is_file() and folder.is_dir():
        raise PredictionError(
            f"{pred_dir}: both {video.name} and {folder.name}/ exist for {video_id}; keep one"
        )
    if video.is_file():
        return video
    return folder if folder.is_dir() else None


def _natural_key(path: Path) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.name)]


def read_frame_folder(folder: Path) -> np.ndarray:
    files = sorted((p for p in folder.iterdir() if p.suffix.lower() in FRAME_SUFFIXES), key=_natural_key)
    if not files:
        raise PredictionError(f"{folder}: no PNG or JPEG frames")
    frames = []
    for path in files:
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            raise PredictionError(f"{path}: cannot be decoded as an image")
        frames.append(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    if len({frame.shape for frame in frames}) != 1:
        raise PredictionError(f"{folder}: frames have different sizes")
    return np.stack(frames)


def load_prediction(path: Path, expected_frames: int) -> np.ndarray:
    """``(T, H, W, 3)`` uint8 RGB generated frames, checked to be exactly ``expected_frames`` long."""
    try:
        frames = read_frame_folder(path) if path.is_dir() else read_video(path)
    except VideoError as exc:
        raise PredictionError(str(exc)) from exc
    if len(frames) != expected_frames:
        raise PredictionError(
            f"{path}: {len(frames)} frames, the protocol's target frames are {expected_frames} "
            "(generate frames 1..N only, without the reference frame)"
        )
    return frames
