"""The offline pose backend: MediaPipe's bundled Pose, FaceMesh and Hands models, mapped to COCO-WholeBody.

MediaPipe 0.10.21 is the last release whose wheel carries its legacy models (the later ones download them
at run time), so this backend runs on a machine without internet. Its wheel declares ``numpy<2`` and
``protobuf<5``, but the legacy solutions run with the suite's numpy 2 and protobuf 6 (the tests check it),
so it is installed without its declared dependencies: ``pip install --no-deps -r
requirements/mediapipe.txt`` (``.ci/run`` does).

Mapping into the 133-point layout (``wholebody.py``):

* body (17): the COCO points are a subset of MediaPipe Pose's 33 (``BODY_FROM_POSE``), score = the
  landmark's visibility;
* feet (6): big toe = Pose's ``foot_index``, heel = ``heel``; MediaPipe has no small toe (score 0);
* face (68): the FaceMesh vertex nearest each iBUG 300-W landmark (``FACE_FROM_MESH``), score 1 for a
  detected face (FaceMesh gives no per-point confidence); an approximation of DWPose's face points, so
  face boxes agree and exact landmark positions differ slightly;
* hands (2 x 21): MediaPipe's 21 hand points are in the COCO-WholeBody order (wrist, then each finger from
  base to tip), score = the hand's detection score. Left and right are decided by the nearest Pose
  wrist (MediaPipe's own handedness label assumes a mirrored selfie image); without Pose wrists the label
  is used, swapped for an unmirrored camera.

Points outside the frame get score 0. Videos run in MediaPipe's tracking mode, images in static mode.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, TextIO

import numpy as np

from interhf_bench.io.files import sha256_file
from interhf_bench.pose.backends.base import (
    PoseBackend,
    PoseBackendError,
    check_frames,
    empty_hands,
    empty_keypoints,
)
from interhf_bench.pose.wholebody import FACE, LEFT_HAND, RIGHT_HAND

MEDIAPIPE_VERSION: Final = "0.10.21"
INSTALL_HINT: Final = "pip install --no-deps -r requirements/mediapipe.txt (mediapipe==0.10.21)"

BODY_FROM_POSE: Final = (0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28)
"""MediaPipe Pose landmark of each COCO body point (nose, eyes, ears, shoulders ... ankles)."""
FEET_FROM_POSE: Final = (31, None, 29, 32, None, 30)
"""COCO-WholeBody feet (left big toe, small toe, heel, right ...) from Pose landmarks; None: absent."""
POSE_WRISTS: Final = {"left": 15, "right": 16}

FACE_FROM_MESH: Final = (
    # jaw, from the image's left (the person's right) over the chin to the image's right
    234, 93, 132, 58, 172, 136, 150, 176, 152, 400, 379, 365, 397, 288, 361, 323, 454,
    70, 63, 105, 66, 107,  # brow on the image's left, outer to inner
    336, 296, 334, 293, 300,  # brow on the image's right, inner to outer
    168, 197, 5, 4,  # nose bridge, top to tip
    98, 97, 2, 326, 327,  # nose bottom, image-left to image-right
    33, 160, 158, 133, 153, 144,  # eye on the image's left: outer corner, upper lid, inner corner, ...
    362, 385, 387, 263, 373, 380,  # eye on the image's right: inner corner, upper lid, outer corner, ...
    61, 39, 37, 0, 267, 269, 291, 405, 314, 17, 84, 181,  # outer lips, clockwise from the left corner
    78, 82, 13, 312, 308, 317, 14, 87,  # inner lips
)  # fmt: skip
"""FaceMesh vertex (of 468) closest to each of the 68 iBUG 300-W landmarks."""

MODEL_FILES: Final = (
    "modules/pose_detection/pose_detection.tflite",
    "modules/pose_landmark/pose_landmark_full.tflite",
    "modules/face_detection/face_detection_short_range.tflite",
    "modules/face_landmark/face_landmark.tflite",
    "modules/palm_detection/palm_detection_full.tflite",
    "modules/hand_landmark/hand_landmark_full.tflite",
)


@contextmanager
def native_logs_silenced() -> Iterator[TextIO]:
    """File descriptor 2 goes to /dev/null while MediaPipe runs; yields a stream on the real stderr.

    TFLite and absl write their start-up lines ("Created TensorFlow Lite XNNPACK delegate", "Feedback
    manager requires a model with a single signature") straight to descriptor 2, past Python's logging,
    whenever a model first runs; in a run that went well they read like errors. Progress bars use the
    yielded stream.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull, os.fdopen(os.dup(saved), "w") as real_stderr:
            os.dup2(devnull.fileno(), 2)
            yield real_stderr
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _restore_get_prototype() -> None:
    """protobuf 5 removed ``MessageFactory.GetPrototype``, which MediaPipe 0.10.21's bindings still call
    at import (they print the AttributeError and carry on); give it back as ``GetMessageClass``."""
    from google.protobuf import message_factory

    if not hasattr(message_factory.MessageFactory, "GetPrototype"):
        message_factory.MessageFactory.GetPrototype = lambda _factory, descriptor: (
            message_factory.GetMessageClass(descriptor)
        )


def _import_mediapipe() -> Any:
    _restore_get_prototype()
    try:
        import mediapipe
    except ImportError as exc:
        raise PoseBackendError(
            f"the mediapipe backend needs MediaPipe {MEDIAPIPE_VERSION}: {INSTALL_HINT}"
        ) from exc
    if mediapipe.__version__ != MEDIAPIPE_VERSION:
        raise PoseBackendError(
            f"mediapipe {mediapipe.__version__} is installed; the offline backend needs {MEDIAPIPE_VERSION}, "
            f"the last release that bundles its models: {INSTALL_HINT}"
        )
    return mediapipe


@lru_cache(maxsize=1)
def model_hashes() -> dict[str, str]:
    """sha256 of each bundled model file the backend runs (recorded with every keypoint set)."""
    root = Path(_import_mediapipe().__file__).parent
    return {name: sha256_file(root / name) for name in MODEL_FILES}


def _points(landmarks: Any, width: int, height: int) -> np.ndarray:
    """``(N, 3)`` pixel x, y and visibility of MediaPipe's normalised landmarks."""
    return np.array([(p.x * width, p.y * height, p.visibility) for p in landmarks.landmark], np.float64)


def _inside(points: np.ndarray, width: int, height: int) -> np.ndarray:
    x, y = points[:, 0], points[:, 1]
    return (x >= 0) & (x <= width) & (y >= 0) & (y <= height)


class MediaPipeWholeBody(PoseBackend):
    """MediaPipe Pose + FaceMesh + Hands (legacy solutions, CPU, bundled models)."""

    name = "mediapipe"

    def __init__(self, *, min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5):
        self._mp = _import_mediapipe()
        self.min_detection_confidence = min_detection_confidence
        self.min_tracking_confidence = min_tracking_confidence

    @property
    def settings(self) -> dict[str, Any]:
        return {
            "backend": self.name,
            "package": f"mediapipe=={MEDIAPIPE_VERSION}",
            "models": model_hashes(),
            "pose_model_complexity": 1,
            "min_detection_confidence": self.min_detection_confidence,
            "min_tracking_confidence": self.min_tracking_confidence,
            "face": "FaceMesh vertices nearest the iBUG 68 landmarks, score 1",
        }

    def _solutions(self, static: bool) -> tuple[Any, Any, Any]:
        solutions = self._mp.solutions
        common = {
            "static_image_mode": static,
            "min_detection_confidence": self.min_detection_confidence,
            "min_tracking_confidence": self.min_tracking_confidence,
        }
        pose = solutions.pose.Pose(model_complexity=1, **common)
        face = solutions.face_mesh.FaceMesh(max_num_faces=1, refine_landmarks=False, **common)
        hands = solutions.hands.Hands(max_num_hands=2, model_complexity=1, **common)
        return pose, face, hands

    def image(self, frame: np.ndarray) -> np.ndarray:
        return self._run(frame[None], static=True)[0]

    def video(self, frames: np.ndarray, *, progress: bool = False) -> np.ndarray:
        return self._run(frames, static=False, progress=progress)

    def hands(self, frames: np.ndarray) -> np.ndarray:
        """MediaPipe Hands alone, tracking, on ``(T, H, W, 3)`` frames: ``(T, 2, 21, 3)`` in found order."""
        check_frames(frames)
        out = empty_hands(len(frames))
        with native_logs_silenced():
            hands = self._mp.solutions.hands.Hands(
                static_image_mode=False,
                max_num_hands=2,
                model_complexity=1,
                min_detection_confidence=self.min_detection_confidence,
                min_tracking_confidence=self.min_tracking_confidence,
            )
            try:
                for index, frame in enumerate(frames):
                    found = self._hand_points(hands.process(np.ascontiguousarray(frame)), frame.shape)
                    for slot, (points, _) in enumerate(found):
                        out[index, slot] = points
            finally:
                hands.close()
        return out

    def _run(self, frames: np.ndarray, *, static: bool, progress: bool = False) -> np.ndarray:
        from tqdm.auto import tqdm

        check_frames(frames)
        out = empty_keypoints(len(frames))
        with native_logs_silenced() as stderr:
            pose, face, hands = self._solutions(static)
            try:
                bar = tqdm(
                    frames,
                    desc="pose (mediapipe)",
                    unit="frame",
                    disable=not progress,
                    leave=False,
                    file=stderr,
                )
                for index, frame in enumerate(bar):
                    frame = np.ascontiguousarray(frame)
                    out[index] = self._frame(
                        frame, pose.process(frame), face.process(frame), hands.process(frame)
                    )
            finally:
                for solution in (pose, face, hands):
                    solution.close()
        return out

    def _frame(self, frame: np.ndarray, pose: Any, face: Any, hands: Any) -> np.ndarray:
        height, width = frame.shape[:2]
        keypoints = empty_keypoints()
        wrists: dict[str, np.ndarray] = {}
        if pose.pose_landmarks is not None:
            points = _points(pose.pose_landmarks, width, height)
            points[~_inside(points, width, height), 2] = 0.0
            keypoints[:17] = points[list(BODY_FROM_POSE)]
            for slot, source in enumerate(FEET_FROM_POSE):
                if source is not None:
                    keypoints[17 + slot] = points[source]
            wrists = {side: points[i, :2] for side, i in POSE_WRISTS.items() if points[i, 2] > 0.5}
        if face.multi_face_landmarks:
            mesh = _points(face.multi_face_landmarks[0], width, height)[list(FACE_FROM_MESH)]
            mesh[:, 2] = _inside(mesh, width, height).astype(np.float64)
            keypoints[FACE] = mesh
        for side, points in self._hands(hands, width, height, wrists).items():
            keypoints[LEFT_HAND if side == "left" else RIGHT_HAND] = points
        return keypoints

    @staticmethod
    def _hand_points(hands: Any, shape: tuple[int, ...]) -> list[tuple[np.ndarray, str]]:
        """Each detected hand's ``(21, 3)`` points and its unmirrored label (MediaPipe's own assumes a
        mirrored selfie image); points outside the frame get score 0."""
        height, width = shape[:2]
        found = []
        for landmarks, handedness in zip(
            hands.multi_hand_landmarks or [], hands.multi_handedness or [], strict=True
        ):
            label = handedness.classification[0]
            points = _points(landmarks, width, height)
            points[:, 2] = np.where(_inside(points, width, height), label.score, 0.0)
            found.append((points, "left" if label.label.lower() == "right" else "right"))
        return found

    @classmethod
    def _hands(
        cls, hands: Any, width: int, height: int, wrists: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """The detected hands by the person's side (nearest Pose wrist, else the unmirrored label)."""
        found = cls._hand_points(hands, (height, width))
        if not found:
            return {}
        if len(wrists) == 2:
            return _assign_by_wrist(found, wrists)
        by_side: dict[str, np.ndarray] = {}
        for points, side in found:
            if side not in by_side or points[0, 2] > by_side[side][0, 2]:
                by_side[side] = points
        return by_side


def _assign_by_wrist(
    found: list[tuple[np.ndarray, str]], wrists: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Give each side the hand whose wrist is nearest that side's Pose wrist (one hand per side)."""
    sides = ("left", "right")
    if len(found) == 1:
        points = found[0][0]
        side = min(sides, key=lambda s: float(np.linalg.norm(points[0, :2] - wrists[s])))
        return {side: points}
    first, second = found[0][0], found[1][0]

    def distance(points: np.ndarray, side: str) -> float:
        return float(np.linalg.norm(points[0, :2] - wrists[side]))

    straight = distance(first, "left") + distance(second, "right")
    crossed = distance(first, "right") + distance(second, "left")
    return {"left": first, "right": second} if straight <= crossed else {"left": second, "right": first}
