"""The gallery's media files: VP9 in WebM for the videos, PNG for stills.

VP9 WebM is the one codec every Chromium build decodes, Debian's included (it ships without the
proprietary H.264 decoder in some configurations), and Firefox too; yuv420p is what browsers expect.
One keyframe per second keeps frame-exact seeking (the page's scrubber and frame stepping) quick.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

from interhf_bench.io.files import atomic_path

CODEC = "libvpx-vp9"
# Constant quality (b:v 0 with crf); the frames are small, so quality costs little space.
OPTIONS = {"crf": "18", "b:v": "0", "deadline": "good", "cpu-used": "4", "row-mt": "1"}


def even(frames: np.ndarray) -> np.ndarray:
    """Frames padded by edge copies to even height and width, which 4:2:0 chroma needs."""
    height, width = frames.shape[1:3]
    pad = ((0, 0), (0, height % 2), (0, width % 2), (0, 0))
    return np.pad(frames, pad, mode="edge") if height % 2 or width % 2 else frames


def write_webm(path: Path, frames: np.ndarray, fps: float) -> Path:
    """``(T, H, W, 3)`` uint8 RGB frames as a VP9 WebM file, written atomically."""
    import av

    frames = even(np.asarray(frames, dtype=np.uint8))
    rate = Fraction(fps).limit_denominator(1001)
    with atomic_path(path) as tmp, av.open(str(tmp), mode="w", format="webm") as container:
        stream = container.add_stream(CODEC, rate=rate)
        stream.width, stream.height, stream.pix_fmt = frames.shape[2], frames.shape[1], "yuv420p"
        stream.options = {**OPTIONS, "g": str(max(1, round(fps)))}
        for frame in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), "rgb24")))
        container.mux(stream.encode())
    return path


def write_png(path: Path, frame: np.ndarray) -> Path:
    """One ``(H, W, 3)`` uint8 RGB frame as a PNG file, written atomically."""
    with atomic_path(path) as tmp:
        Image.fromarray(np.asarray(frame, dtype=np.uint8)).save(tmp, format="PNG")
    return path
