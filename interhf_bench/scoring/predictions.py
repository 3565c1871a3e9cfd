"""Finding and reading generated videos: ``<video_id>.mp4`` or a folder ``<video_id>/`` of frames.

A generated video holds exactly the protocol's target frames (frame 0, the reference, is not generated)
at the protocol's size, and decodes without a decoder error. A frame folder holds PNG or JPEG files, read
by :func:`interhf_bench.io.frames.read_frame_folder` in natural order of their names (``2.png`` before
``10.png``). Anything else is an error that names the file; nothing is padded, cropped, resized or
substituted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from interhf_bench.io.frames import FrameError, read_frame_folder
from interhf_bench.io.video import VideoError, read_video


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


def size_problem(frames: np.ndarray, size: tuple[int, int]) -> str | None:
    """What is wrong when ``(T, H, W, 3)`` frames are not ``size`` (height, width), else ``None``."""
    height, width = frames.shape[1:3]
    if (height, width) == tuple(size):
        return None
    return f"frames are {height}x{width}, the protocol's size is {size[0]}x{size[1]} (HxW)"


def load_prediction(path: Path, expected_frames: int, size: tuple[int, int] | None = None) -> np.ndarray:
    """``(T, H, W, 3)`` uint8 RGB generated frames, checked to be exactly ``expected_frames`` long and,
    when ``size`` (height, width) is given, that size: a resized prediction would be scored on pixels
    the method did not make."""
    try:
        frames = read_frame_folder(path) if path.is_dir() else read_video(path)
    except (VideoError, FrameError) as exc:
        raise PredictionError(str(exc)) from exc
    if len(frames) != expected_frames:
        raise PredictionError(
            f"{path}: {len(frames)} frames, the protocol's target frames are {expected_frames} "
            "(generate frames 1..N only, without the reference frame)"
        )
    problem = None if size is None else size_problem(frames, size)
    if problem:
        raise PredictionError(f"{path}: {problem}; generate at the protocol's size")
    return frames
