"""The hand metric's detector choice: DWPose when its weights resolve, else MediaPipe, said in one line."""

from __future__ import annotations

import logging

import pytest

from interhf_bench.pose import backends
from interhf_bench.pose.backends import PoseBackendError
from interhf_bench.scoring.metric_set import hand_pose_backend


def fake_backends(monkeypatch: pytest.MonkeyPatch, mediapipe: object) -> None:
    def get_pose_backend(name: str, **_: object) -> object:
        if name == "dwpose":
            raise PoseBackendError("dwpose-det not found at /weights/dwpose/yolox_l.onnx")
        if isinstance(mediapipe, Exception):
            raise mediapipe
        return mediapipe

    monkeypatch.setattr(backends, "get_pose_backend", get_pose_backend)


def test_the_fallback_is_one_line_naming_the_detector_and_why(monkeypatch, caplog) -> None:
    sentinel = object()
    fake_backends(monkeypatch, sentinel)
    with caplog.at_level(logging.WARNING):
        assert hand_pose_backend("auto") is sentinel
    (record,) = caplog.records
    assert "MediaPipe" in record.message and "yolox_l.onnx" in record.message
    assert record.exc_info is None


def test_without_either_detector_both_reasons_are_given_without_a_chained_traceback(monkeypatch) -> None:
    fake_backends(monkeypatch, PoseBackendError("mediapipe is not installed"))
    with pytest.raises(PoseBackendError, match=r"yolox_l\.onnx; mediapipe is not installed") as caught:
        hand_pose_backend("auto")
    assert caught.value.__suppress_context__ and caught.value.__cause__ is None
    assert caught.value.__context__.__context__ is None  # MediaPipe's failure is not inside DWPose's
