"""Frame-exact video reading and configurable lossless writing.

Reading uses PyAV by default: it decodes every frame in order with FFmpeg's ``err_detect=explode``, so
damaged frame data (a bit flip, a bad copy) is an error naming the decoder's message rather than frames
that FFmpeg silently patched up, and it checks the count against the container's header, so a
truncated file is an error rather than a shorter video. decord can be chosen explicitly (frame-indexed
reads); its bundled FFmpeg only prints decoder errors to stderr, so it catches truncation but not
damaged frame data. Writing uses PyAV. The default encoding, H.264 in RGB with qp 0, round-trips uint8
frames bit-exactly, so ground truth and generated frames are not altered by compression before the
metrics see them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Literal

import numpy as np

from interhf_bench.io.files import atomic_path

Backend = Literal["auto", "decord", "pyav"]
logger = logging.getLogger(__name__)


class VideoError(RuntimeError):
    """A video cannot be read or written; the message names the file and the problem."""

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about its first video stream."""

    path: Path
    num_frames: int
    fps: float
    height: int
    width: int
    codec: str


@dataclass(frozen=True)
class VideoEncoding:
    """An encoder setting for :func:`write_video`; see :data:`ENCODINGS` for the named presets."""

    codec: str
    pix_fmt: str
    options: dict[str, str] = field(default_factory=dict)
    lossless: bool = False
    even_dims: bool = False  # 4:2:0 chroma needs even height and width


ENCODINGS: dict[str, VideoEncoding] = {
    # Bit-exact: H.264 on RGB planes with qp 0. Decodes in ffmpeg, decord, PyAV; not in most browsers.
    "lossless": VideoEncoding("libx264rgb", "rgb24", {"qp": "0", "preset": "medium"}, lossless=True),
    # Near-exact (errors of 1-2 grey levels from the YUV conversion), no chroma subsampling.
    "visually-lossless": VideoEncoding("libx264", "yuv444p", {"crf": "4", "preset": "medium"}),
    # For sharing and browsers: 4:2:0 chroma, visible loss on fine colour detail. Not for ground truth.
    "compatible": VideoEncoding("libx264", "yuv420p", {"crf": "17", "preset": "medium"}, even_dims=True),
}
DEFAULT_ENCODING = "lossless"


# FFmpeg's error recognition: abort on the first damaged unit instead of concealing it.
DECODER_OPTIONS = {"err_detect": "explode"}


def probe_video(path: str | os.PathLike[str]) -> VideoInfo:
    """Read the header of a video (no decoding): frame count, fps, size, codec."""
    import av

    path = _existing(path)
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise VideoError(path, "has no video stream (truncated, corrupt or not a video)")
            stream = container.streams.video[0]
            rate = stream.average_rate or stream.guessed_rate
            return VideoInfo(
                path=path,
                num_frames=int(stream.frames),
                fps=float(rate) if rate else float("nan"),
                height=int(stream.codec_context.height),
                width=int(stream.codec_context.width),
                codec=stream.codec_context.name,
            )
    except av.FFmpegError as exc:
        raise VideoError(
            path, f"cannot be opened as a video: truncated, corrupt or not a video ({exc})"
        ) from exc


def read_video(
    path: str | os.PathLike[str],
    frames: Sequence[int] | None = None,
    *,
    backend: Backend = "auto",
) -> np.ndarray:
    """Decode frames as a ``(T, H, W, 3)`` uint8 RGB array.

    Args:
        path: the video file.
        frames: indices to return (in the given order); ``None`` returns every frame. Only the
            requested frames are kept in memory.
        backend: ``"pyav"`` (what ``"auto"`` picks: it reports decoder errors) or ``"decord"``.

    Raises:
        VideoError: the file is missing, is not a video, is truncated (fewer decodable frames than its
            header declares), the decoder reports damaged data (PyAV) or an index is out of range.
    """
    path = _existing(path)
    if backend == "auto":
        backend = "pyav"
    if backend not in ("decord", "pyav"):
        raise ValueError(f"unknown video backend {backend!r}; use 'auto', 'decord' or 'pyav'")
    declared = probe_video(path).num_frames
    index = None if frames is None else np.asarray(list(frames), dtype=np.int64).reshape(-1)
    if index is not None and declared:
        _check_indices(path, index, declared)
    if backend == "decord":
        return _read_decord(path, index, declared)
    return _read_pyav(path, index, declared)


def _existing(path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    if not path.is_file():
        raise VideoError(path, "file not found")
    if path.stat().st_size == 0:
        raise VideoError(path, "file is empty")
    return path


def _check_indices(path: Path, index: np.ndarray, count: int) -> None:
    bad = index[(index < 0) | (index >= count)]
    if bad.size:
        raise VideoError(path, f"frame index {int(bad[0])} out of range: the video has {count} frames")


def _check_count(path: Path, decoded: int, declared: int) -> None:
    if declared and decoded != declared:
        raise VideoError(path, f"truncated or corrupt: header declares {declared} frames, {decoded} decode")
    if decoded == 0:
        raise VideoError(path, "no frame could be decoded")


def _read_pyav(path: Path, index: np.ndarray | None, declared: int) -> np.ndarray:
    """Decode sequentially (exact frame order, no seeking), keeping only the requested frames."""
    import av

    _keep_decoder_messages()
    wanted = None if index is None else set(index.tolist())
    kept: dict[int, np.ndarray] = {}
    count = 0
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            stream.codec_context.options = dict(DECODER_OPTIONS)
            for count, frame in enumerate(container.decode(stream), start=1):
                if wanted is None or count - 1 in wanted:
                    kept[count - 1] = frame.to_ndarray(format="rgb24")
    except av.FFmpegError as exc:
        raise VideoError(
            path, f"truncated or corrupt: decoder error after {count} frames ({_decoder_message(exc)})"
        ) from exc
    _check_count(path, count, declared)
    if index is None:
        return np.stack([kept[i] for i in range(count)])
    _check_indices(path, index, count)
    return np.stack([kept[int(i)] for i in index])


def _keep_decoder_messages() -> None:
    """Let PyAV record FFmpeg's error-level messages, which it drops by default (``set_level(None)``).

    Only then does a decoding exception carry the decoder's own line. A level the user chose is kept;
    the recorded errors are also logged to the ``libav`` Python loggers.
    """
    import av.logging

    if av.logging.get_level() is None:
        av.logging.set_level(av.logging.ERROR)


def _decoder_message(error: Exception) -> str:
    """The decoder's own last error line (``[h264] error while decoding MB ...``), else the exception."""
    log = getattr(error, "log", None)
    if log and len(log) == 3 and str(log[2]).strip():
        return f"[{log[1]}] {str(log[2]).strip()}"
    return str(error)


def _read_decord(path: Path, index: np.ndarray | None, declared: int) -> np.ndarray:
    import decord

    try:
        reader = decord.VideoReader(str(path), num_threads=1)
        count = len(reader)
        _check_count(path, count, declared)
        wanted = list(range(count)) if index is None else index.tolist()
        return reader.get_batch(wanted).asnumpy()
    except decord.DECORDError as exc:
        if "DECORDArrayCopyFromTo" in str(exc):
            # decord mis-sizes some narrow RGB frames (e.g. width 24 or 48); PyAV decodes the same stream.
            logger.debug("%s: decord cannot copy frames of this width, decoding with PyAV", path)
            return _read_pyav(path, index, declared)
        detail = str(exc).strip().splitlines()[0].rsplit("] ", 1)[-1]
        raise VideoError(path, f"truncated or corrupt: decoding failed ({detail})") from exc


def write_video(
    path: str | os.PathLike[str],
    frames: np.ndarray,
    fps: float,
    *,
    encoding: str | VideoEncoding = DEFAULT_ENCODING,
) -> Path:
    """Write ``(T, H, W, 3)`` uint8 RGB frames atomically; every frame is kept, fps is exact.

    ``encoding`` is a preset name from :data:`ENCODINGS` or a :class:`VideoEncoding`.
    """
    import av

    path = Path(path)
    spec = ENCODINGS[encoding] if isinstance(encoding, str) else encoding
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8 or len(frames) == 0:
        raise VideoError(
            path, f"frames must be a non-empty (T, H, W, 3) uint8 array, got {frames.dtype} {frames.shape}"
        )
    height, width = frames.shape[1:3]
    if spec.even_dims and (height % 2 or width % 2):
        raise VideoError(
            path, f"encoding {spec.codec}/{spec.pix_fmt} needs even height and width, got {height}x{width}"
        )
    if not fps > 0:
        raise VideoError(path, f"fps must be positive, got {fps}")
    rate = Fraction(fps).limit_denominator(1001)
    with atomic_path(path) as tmp:
        with av.open(str(tmp), mode="w", format="mp4", options={"movflags": "+faststart"}) as container:
            stream = container.add_stream(spec.codec, rate=rate)
            stream.width, stream.height, stream.pix_fmt = width, height, spec.pix_fmt
            stream.options = dict(spec.options)
            for frame in frames:
                for packet in stream.encode(
                    av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")
                ):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
    return path
