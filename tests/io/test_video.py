"""Video I/O: bit-exact round trips, frame counts and fps kept, clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from interhf_bench.io.video import ENCODINGS, VideoError, probe_video, read_video, write_video
from tests.conftest import MEDIA, shared_file

BACKENDS = ["decord", "pyav"]


@pytest.fixture
def frames() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (12, 40, 24, 3), dtype=np.uint8)


@pytest.mark.parametrize("backend", BACKENDS)
def test_lossless_round_trip_is_bit_exact(tmp_path: Path, frames: np.ndarray, backend: str) -> None:
    path = write_video(tmp_path / "v.mp4", frames, fps=15)
    decoded = read_video(path, backend=backend)
    assert decoded.dtype == np.uint8
    np.testing.assert_array_equal(decoded, frames)


@pytest.mark.parametrize("fps", [15.0, 30000 / 1001, 8.0])
def test_frame_count_fps_and_size_are_preserved(tmp_path: Path, frames: np.ndarray, fps: float) -> None:
    info = probe_video(write_video(tmp_path / "v.mp4", frames, fps=fps))
    assert (info.num_frames, info.height, info.width) == (12, 40, 24)
    assert info.fps == pytest.approx(fps, abs=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_frame_subset_in_requested_order(tmp_path: Path, frames: np.ndarray, backend: str) -> None:
    path = write_video(tmp_path / "v.mp4", frames, fps=15)
    np.testing.assert_array_equal(read_video(path, [5, 0, 11], backend=backend), frames[[5, 0, 11]])
    with pytest.raises(VideoError, match="frame index 12 out of range: the video has 12 frames"):
        read_video(path, [12], backend=backend)


def test_visually_lossless_is_close(tmp_path: Path) -> None:
    smooth = np.tile(np.linspace(0, 255, 24, dtype=np.uint8)[None, None, :, None], (6, 40, 1, 3))
    path = write_video(tmp_path / "v.mp4", smooth, fps=15, encoding="visually-lossless")
    assert np.abs(read_video(path).astype(int) - smooth).max() <= 3


def test_compatible_encoding_needs_even_size(tmp_path: Path) -> None:
    odd = np.zeros((3, 41, 24, 3), np.uint8)
    with pytest.raises(VideoError, match="needs even height and width"):
        write_video(tmp_path / "v.mp4", odd, fps=15, encoding="compatible")
    assert ENCODINGS["lossless"].lossless


@pytest.mark.parametrize("bad", [np.zeros((3, 8, 8), np.uint8), np.zeros((3, 8, 8, 3), np.float32)])
def test_bad_frames_are_refused_and_leave_no_file(tmp_path: Path, bad: np.ndarray) -> None:
    with pytest.raises(VideoError, match=r"\(T, H, W, 3\) uint8"):
        write_video(tmp_path / "v.mp4", bad, fps=15)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("keep", [0.5, 0.98])
def test_truncated_video_is_an_error(tmp_path: Path, frames: np.ndarray, backend: str, keep: float) -> None:
    data = write_video(tmp_path / "v.mp4", frames, fps=15).read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(VideoError, match="truncated or corrupt") as error:
        read_video(cut, backend=backend)
    assert error.value.path == cut


@pytest.mark.parametrize("backend", BACKENDS)
def test_missing_empty_and_garbage_files(tmp_path: Path, backend: str) -> None:
    with pytest.raises(VideoError, match="file not found"):
        read_video(tmp_path / "nope.mp4", backend=backend)
    (tmp_path / "empty.mp4").write_bytes(b"")
    with pytest.raises(VideoError, match="file is empty"):
        read_video(tmp_path / "empty.mp4", backend=backend)
    (tmp_path / "text.mp4").write_bytes(b"not a video " * 100)
    with pytest.raises(VideoError, match=r"text\.mp4: cannot be opened as a video"):
        read_video(tmp_path / "text.mp4", backend=backend)


@pytest.mark.skipif(not (MEDIA / "liveportrait" / "s13.mp4").is_file(), reason="shared media not present")
def test_real_video_decodes_identically_with_both_backends() -> None:
    path = MEDIA / "liveportrait" / "s13.mp4"
    info = probe_video(path)
    assert (info.height, info.width) == (1080, 720)
    picks = [0, 1, info.num_frames // 2, info.num_frames - 1]
    by_decord = read_video(path, picks, backend="decord")
    by_pyav = read_video(path, picks, backend="pyav")
    assert by_decord.shape == (4, 1080, 720, 3)
    np.testing.assert_array_equal(by_decord, by_pyav)


def flip_bytes_in_the_middle(path: Path, count: int = 64) -> Path:
    """A copy of ``path`` with ``count`` bytes inverted halfway through: damaged frame data, intact header."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + count] = bytes(b ^ 0xFF for b in data[middle : middle + count])
    flipped = path.with_name(f"flipped-{path.name}")
    flipped.write_bytes(bytes(data))
    return flipped


@pytest.mark.parametrize("backend", ["auto", "pyav"])
def test_decoder_errors_make_the_video_fail(tmp_path: Path, frames: np.ndarray, backend: str) -> None:
    flipped = flip_bytes_in_the_middle(write_video(tmp_path / "v.mp4", frames, fps=15))
    assert probe_video(flipped).num_frames == 12  # the header still says 12 frames: only decoding can tell
    with pytest.raises(VideoError, match=r"corrupt: decoder error after \d+ frames \(\[h264\] .+\)") as error:
        read_video(flipped, backend=backend)
    assert error.value.path == flipped


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("backend", BACKENDS)
def test_every_encoding_decodes_without_decoder_errors(tmp_path: Path, encoding: str, backend: str) -> None:
    rng = np.random.default_rng(1)
    ramp = np.linspace(0, 255, 48 * 32 * 3).reshape(48, 32, 3)
    noisy = [np.clip(ramp + rng.normal(0, 8, ramp.shape), 0, 255) for _ in range(20)]
    clip = np.stack(noisy).astype(np.uint8)
    path = write_video(tmp_path / "v.mp4", clip, fps=15, encoding=encoding)
    assert read_video(path, backend=backend).shape == clip.shape
    assert read_video(path, [0, 19, 7], backend=backend).shape == (3, *clip.shape[1:])


def test_real_videos_decode_without_decoder_errors() -> None:
    for name in ("s13.mp4", "s20.mp4"):
        path = shared_file(f"data/media/liveportrait/{name}")
        assert len(read_video(path, backend="pyav")) == probe_video(path).num_frames
