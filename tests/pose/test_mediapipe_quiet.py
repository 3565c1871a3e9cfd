"""A run that goes well prints nothing alarming: MediaPipe's native start-up lines are dropped, its
protobuf incompatibility is fixed before import, and progress bars still reach the terminal."""

from __future__ import annotations

import importlib.util
import os

import numpy as np
import pytest

from interhf_bench.pose.backends.mediapipe_wholebody import native_logs_silenced


def test_descriptor_2_is_dropped_and_the_yielded_stream_kept(capfd) -> None:
    with native_logs_silenced() as stderr:
        os.write(2, b"W0000 inference_feedback_manager.cc:114] native start-up line\n")
        stderr.write("progress bar\n")
        stderr.flush()
    os.write(2, b"after\n")
    err = capfd.readouterr().err
    assert "W0000" not in err and "progress bar" in err and "after" in err


def test_the_backend_runs_without_a_word_on_stderr(capfd) -> None:
    if importlib.util.find_spec("mediapipe") is None:  # not imported here: the backend imports it itself
        pytest.skip("install with: pip install --no-deps -r requirements/mediapipe.txt")
    from interhf_bench.pose.backends.mediapipe_wholebody import MediaPipeWholeBody

    frames = np.zeros((3, 160, 96, 3), np.uint8)
    backend = MediaPipeWholeBody()
    assert backend.video(frames).shape == (3, 133, 3) and backend.image(frames[0]).shape == (133, 3)
    assert capfd.readouterr().err == ""
