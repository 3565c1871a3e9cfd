"""ArcFace identity embeddings through insightface's own model loader.

A frame's identity is the 512-d L2-normalised ArcFace embedding of its main face: the SCRFD detector finds
faces with 5 landmarks, the largest face is aligned to ArcFace's 112x112 template (insightface's
``norm_crop``) and embedded. A frame without a face gives :class:`FaceResult` with ``embedding=None``,
never a substitute. Models come from the weights registry, verified by sha256: the recognizer is
``arcface-w600k-r50`` (buffalo_l) or ``arcface-glintr100`` (antelopev2), the detector ``scrfd-10g-kps``
(buffalo_l), or the small ``scrfd-2.5g-kps`` when det_10g is absent.

insightface reads BGR images (OpenCV order); frames in this suite are RGB and are flipped here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from interhf_bench.weights.registry import get_weight
from interhf_bench.weights.store import ResolvedWeight, WeightsError, resolve

RECOGNIZERS: Final = ("arcface-w600k-r50", "arcface-glintr100")
DETECTORS: Final = ("scrfd-10g-kps", "scrfd-2.5g-kps")
DETECTION_SIZE: Final = (640, 640)
DETECTION_THRESHOLD: Final = 0.5
EMBEDDING_DIM: Final = 512


@dataclass(frozen=True)
class FaceResult:
    """The main face of one frame: its box, detection score and unit embedding, or no face."""

    embedding: np.ndarray | None
    box: np.ndarray | None = None  # x0, y0, x1, y1
    score: float = 0.0
    num_faces: int = 0

    @property
    def found(self) -> bool:
        return self.embedding is not None


def _first_available(names: tuple[str, ...], allow_unverified: bool) -> ResolvedWeight:
    errors = []
    for name in names:
        try:
            return resolve(get_weight(name), allow_unverified=allow_unverified)
        except WeightsError as exc:
            errors.append(str(exc))
    raise WeightsError("; ".join(errors))


class FaceIdentity:
    """SCRFD face detection + ArcFace embedding of the largest face, both through insightface."""

    def __init__(
        self,
        recognizer: ResolvedWeight | None = None,
        detector: ResolvedWeight | None = None,
        *,
        allow_unverified: bool = False,
        detection_threshold: float = DETECTION_THRESHOLD,
    ):
        from insightface.model_zoo import get_model

        self.recognizer_weights = recognizer or _first_available(RECOGNIZERS, allow_unverified)
        self.detector_weights = detector or _first_available(DETECTORS, allow_unverified)
        self.detection_threshold = detection_threshold
        self.detector = get_model(str(self.detector_weights.path))
        self.recognizer = get_model(str(self.recognizer_weights.path))
        for model, weights, role in (
            (self.detector, self.detector_weights, "face detector"),
            (self.recognizer, self.recognizer_weights, "recognition network"),
        ):
            if model is None or model.taskname != ("detection" if role == "face detector" else "recognition"):
                raise WeightsError(f"{weights.path}: insightface does not load it as a {role}")
        self.detector.prepare(ctx_id=-1, input_size=DETECTION_SIZE, det_thresh=detection_threshold)
        self.recognizer.prepare(ctx_id=-1)

    @property
    def settings(self) -> dict[str, Any]:
        return {
            "recognizer": self.recognizer_weights.provenance,
            "detector": self.detector_weights.provenance,
            "detection_size": list(DETECTION_SIZE),
            "detection_threshold": self.detection_threshold,
            "face": "largest detected face, aligned by insightface norm_crop (5 points, 112x112)",
            "embedding": "ArcFace output, L2-normalised",
        }

    def detect(self, frame: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Face boxes ``(N, 5)`` (x0, y0, x1, y1, score) and landmarks ``(N, 5, 2)`` of an RGB frame."""
        return self.detector.detect(np.ascontiguousarray(frame[..., ::-1]), max_num=0)

    def embed(self, frame: np.ndarray) -> FaceResult:
        """The main face of an ``(H, W, 3)`` uint8 RGB frame."""
        from insightface.app.common import Face

        if frame.ndim != 3 or frame.shape[-1] != 3 or frame.dtype != np.uint8:
            raise ValueError(f"frame must be (H, W, 3) uint8 RGB, got {frame.shape} {frame.dtype}")
        bgr = np.ascontiguousarray(frame[..., ::-1])
        boxes, landmarks = self.detector.detect(bgr, max_num=0)
        if len(boxes) == 0 or landmarks is None:
            return FaceResult(None)
        areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
        main = int(areas.argmax())
        face = Face(bbox=boxes[main, :4], kps=landmarks[main], det_score=float(boxes[main, 4]))
        vector = np.asarray(self.recognizer.get(bgr, face), np.float64).ravel()
        norm = float(np.linalg.norm(vector))
        if not np.isfinite(norm) or norm == 0:
            return FaceResult(None, boxes[main, :4], float(boxes[main, 4]), len(boxes))
        return FaceResult(
            (vector / norm).astype(np.float32), boxes[main, :4], float(boxes[main, 4]), len(boxes)
        )
