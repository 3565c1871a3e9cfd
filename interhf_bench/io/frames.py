"""Frame stacks and frame folders: one resize rule, one natural file order, one folder reader.

A frame folder holds one PNG or JPEG file per frame, taken in natural order of their names: runs of
digits compare as numbers and the rest as text, so ``2.png`` comes before ``10.png`` and ``frame_9.png``
before ``frame_10.png``, while differently named files stay grouped by name (``a_10.png`` before
``b_2.png``). Anything unreadable is an error that names the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np

FRAME_SUFFIXES = (".png", ".jpg", ".jpeg")
_DIGITS = re.compile(r"(\d+)")


class FrameError(ValueError):
    """A frame folder or frame file is missing, empty or unreadable; the message names it."""


def resize_frames(frames: np.ndarray, height: int, width: int) -> np.ndarray:
    """``(T, H, W, 3)`` frames resized to ``height x width`` (unchanged when already that size).

    Area interpolation averages whole source pixels when both sides shrink (no aliasing of thin hands
    and pose lines); bicubic is used when either side grows.
    """
    if frames.shape[1:3] == (height, width):
        return frames
    shrinking = frames.shape[1] > height and frames.shape[2] > width
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    return np.stack([cv2.resize(frame, (width, height), interpolation=interpolation) for frame in frames])


def natural_key(name: str) -> tuple[tuple[str, ...], tuple[int, ...], str]:
    """Sort key of a file name: text runs compared as text, digit runs as numbers, then the name itself.

    ``re.split`` with a capturing group alternates text and digits, so the text runs and the numbers are
    compared position by position; the name breaks ties (``01.png`` and ``1.png``) so the order never
    depends on the directory listing.
    """
    parts = _DIGITS.split(name)
    return tuple(parts[0::2]), tuple(int(number) for number in parts[1::2]), name


def frame_files(folder: Path, pattern: str = "*") -> list[Path]:
    """The image files matching ``pattern`` in ``folder``, in natural order (none if it does not exist)."""
    paths = (path for path in Path(folder).glob(pattern) if path.suffix.lower() in FRAME_SUFFIXES)
    return sorted(paths, key=lambda path: natural_key(path.name))


def read_frames(paths: Iterable[Path]) -> np.ndarray:
    """``(T, H, W, 3)`` uint8 RGB from image files of one size; an error names the file that fails."""
    frames = []
    for path in paths:
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            raise FrameError(f"{path}: cannot be decoded as an image")
        if frames and image.shape != frames[0].shape:
            size, first = f"{image.shape[1]}x{image.shape[0]}", f"{frames[0].shape[1]}x{frames[0].shape[0]}"
            raise FrameError(f"{path}: {size}, the frames before it are {first}")
        frames.append(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    if not frames:
        raise FrameError("no frames to read")
    return np.stack(frames)


def read_frame_folder(folder: Path, pattern: str = "*") -> np.ndarray:
    """Every frame of a frame folder (files matching ``pattern``) in natural order, as ``read_frames``."""
    paths = frame_files(folder, pattern)
    if not paths:
        raise FrameError(f"{folder}: no PNG or JPEG frames")
    return read_frames(paths)
