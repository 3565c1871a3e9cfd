"""Pose backends behind one interface (``base.PoseBackend``), chosen by name."""

from __future__ import annotations

from typing import Final

from interhf_bench.pose.backends.base import PoseBackend, PoseBackendError

BACKENDS: Final = {
    "dwpose": "the paper's DWPose (YOLOX-L + DW-LL ONNX models from the weights registry)",
    "mediapipe": "MediaPipe Pose + FaceMesh + Hands, bundled models, runs offline",
}


def get_pose_backend(name: str, *, device: str = "cpu", allow_unverified: bool = False) -> PoseBackend:
    """A ready backend, or :class:`PoseBackendError` saying what it needs.

    ``allow_unverified`` accepts registry weights whose checksum does not match (DWPose only; MediaPipe's
    models ship inside its wheel).
    """
    if name == "dwpose":
        from interhf_bench.pose.backends.dwpose import DWPose

        return DWPose(device=device, allow_unverified=allow_unverified)
    if name == "mediapipe":
        from interhf_bench.pose.backends.mediapipe_wholebody import MediaPipeWholeBody

        return MediaPipeWholeBody()
    raise PoseBackendError(f"unknown pose backend {name!r}; choose one of: {', '.join(BACKENDS)}")


__all__ = ["BACKENDS", "PoseBackend", "PoseBackendError", "get_pose_backend"]
