"""DWPose, the paper's pose estimator, as the SVD-family methods run it: two ONNX models on onnxruntime.

1. YOLOX-L (``yolox_l.onnx``) finds people: the RGB frame is letterboxed into 640x640 (top-left aligned,
   padding 114, no normalisation); the ``(1, 8400, 85)`` output is decoded on the stride 8/16/32 grids,
   scored ``objectness x class``, reduced by NMS (IoU 0.45, score 0.1), and person boxes scoring above
   0.3 are kept.
2. DW-LL (``dw-ll_ucoco_384.onnx``, an RTMPose-l distilled on UBody + COCO-WholeBody) gives the 133
   keypoints of a box: the box is enlarged 1.25x, widened to the model's 288:384 aspect, cropped with an
   affine warp to 288x384, normalised with ImageNet mean/std (0-255 scale), and its SimCC outputs
   ``(1, 133, 576)`` and ``(1, 133, 768)`` are decoded by argmax at split ratio 2; the score is the smaller
   of the two maxima.

This benchmark keeps the raw 133 points in COCO-WholeBody order with their scores clipped to [0, 1] (the
pose renderers and masks threshold them at 0.3, as DWPose's renderer does), for the largest person box,
the subject of a benchmark video; with no person box the whole frame is read as one, as DWPose does.
Both files come from the weights registry (``dwpose-det``, ``dwpose-pose``) and are verified by sha256
before use.
"""

from __future__ import annotations

from typing import Any, Final

import cv2
import numpy as np

from interhf_bench.pose.backends.base import PoseBackend, PoseBackendError
from interhf_bench.pose.wholebody import NUM_KEYPOINTS

DETECTOR_SIZE: Final = 640
DETECTOR_STRIDES: Final = (8, 16, 32)
LETTERBOX_FILL: Final = 114.0
NMS_IOU: Final = 0.45
NMS_SCORE: Final = 0.1
PERSON_SCORE: Final = 0.3
POSE_INPUT: Final = (288, 384)  # width, height
BOX_PADDING: Final = 1.25
SIMCC_SPLIT_RATIO: Final = 2.0
MEAN: Final = np.array([123.675, 116.28, 103.53], np.float32)
STD: Final = np.array([58.395, 57.12, 57.375], np.float32)


def letterbox(frame: np.ndarray, size: int = DETECTOR_SIZE) -> tuple[np.ndarray, float]:
    """``(1, 3, size, size)`` float32 detector input and the resize ratio."""
    height, width = frame.shape[:2]
    ratio = min(size / height, size / width)
    resized = cv2.resize(
        frame, (int(width * ratio), int(height * ratio)), interpolation=cv2.INTER_LINEAR
    ).astype(np.float32)
    padded = np.full((size, size, 3), LETTERBOX_FILL, np.float32)
    padded[: resized.shape[0], : resized.shape[1]] = resized
    return np.ascontiguousarray(padded.transpose(2, 0, 1))[None], ratio


def decode_yolox(output: np.ndarray, size: int = DETECTOR_SIZE) -> np.ndarray:
    """``(N, 85)`` raw YOLOX predictions to ``(N, 85)`` with boxes as centre/size in input pixels."""
    grids, strides = [], []
    for stride in DETECTOR_STRIDES:
        cells = size // stride
        ys, xs = np.meshgrid(np.arange(cells), np.arange(cells), indexing="ij")
        grids.append(np.stack((xs, ys), -1).reshape(-1, 2))
        strides.append(np.full((cells * cells, 1), stride))
    grid, stride = np.concatenate(grids), np.concatenate(strides)
    if len(output) != len(grid):
        raise ValueError(f"YOLOX output has {len(output)} rows, a {size}x{size} input gives {len(grid)}")
    decoded = output.astype(np.float64).copy()
    decoded[:, :2] = (decoded[:, :2] + grid) * stride
    decoded[:, 2:4] = np.exp(decoded[:, 2:4]) * stride
    return decoded


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> list[int]:
    """Indices kept by greedy non-maximum suppression, best first (``boxes`` as x0, y0, x1, y1)."""
    order = list(np.argsort(-scores, kind="stable"))
    areas = (boxes[:, 2] - boxes[:, 0] + 1) * (boxes[:, 3] - boxes[:, 1] + 1)
    keep: list[int] = []
    while order:
        best, rest = order[0], np.array(order[1:], dtype=int)
        keep.append(int(best))
        if not len(rest):
            break
        x0 = np.maximum(boxes[best, 0], boxes[rest, 0])
        y0 = np.maximum(boxes[best, 1], boxes[rest, 1])
        x1 = np.minimum(boxes[best, 2], boxes[rest, 2])
        y1 = np.minimum(boxes[best, 3], boxes[rest, 3])
        inter = np.maximum(0.0, x1 - x0 + 1) * np.maximum(0.0, y1 - y0 + 1)
        iou = inter / (areas[best] + areas[rest] - inter)
        order = [int(i) for i in rest[iou <= iou_threshold]]
    return keep


def person_boxes(output: np.ndarray, ratio: float) -> tuple[np.ndarray, np.ndarray]:
    """Person boxes ``(K, 4)`` (x0, y0, x1, y1 in frame pixels) and their scores from a YOLOX output."""
    decoded = decode_yolox(output.reshape(-1, output.shape[-1]))
    centre, extent = decoded[:, :2], decoded[:, 2:4]
    boxes = np.concatenate((centre - extent / 2, centre + extent / 2), axis=1) / ratio
    class_scores = decoded[:, 4:5] * decoded[:, 5:]
    classes, scores = class_scores.argmax(1), class_scores.max(1)
    candidates = np.nonzero(scores > NMS_SCORE)[0]
    kept: list[int] = []
    for label in np.unique(classes[candidates]):  # class-wise NMS, as YOLOX's multiclass_nms
        members = candidates[classes[candidates] == label]
        kept.extend(int(members[i]) for i in nms(boxes[members], scores[members], NMS_IOU))
    kept = [i for i in kept if classes[i] == 0 and scores[i] > PERSON_SCORE]
    return boxes[kept], scores[kept]


def box_centre_scale(box: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centre and padded size of a box, widened or heightened to the pose model's aspect ratio."""
    x0, y0, x1, y1 = box
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2], np.float64)
    scale = np.array([x1 - x0, y1 - y0], np.float64) * BOX_PADDING
    aspect = POSE_INPUT[0] / POSE_INPUT[1]
    if scale[0] > scale[1] * aspect:
        scale[1] = scale[0] / aspect
    else:
        scale[0] = scale[1] * aspect
    return centre, scale


def crop_affine(centre: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """The 2x3 affine map from the frame to the ``POSE_INPUT`` crop of a box (no rotation)."""
    width, height = POSE_INPUT
    up, right = np.array([0.0, -scale[1] / 2]), np.array([scale[0] / 2, 0.0])
    source = np.array([centre, centre + up, centre + right], np.float32)
    target = np.array([[width / 2, height / 2], [width / 2, 0], [width, height / 2]], np.float32)
    return cv2.getAffineTransform(source, target)


def pose_input(frame: np.ndarray, centre: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``(1, 3, 384, 288)`` normalised crop of a box."""
    crop = cv2.warpAffine(frame, crop_affine(centre, scale), POSE_INPUT, flags=cv2.INTER_LINEAR)
    normalised = (crop.astype(np.float32) - MEAN) / STD
    return np.ascontiguousarray(normalised.transpose(2, 0, 1))[None]


def decode_simcc(
    simcc_x: np.ndarray, simcc_y: np.ndarray, centre: np.ndarray, scale: np.ndarray
) -> np.ndarray:
    """``(133, 3)`` frame keypoints from one person's SimCC vectors ``(133, 576)`` and ``(133, 768)``."""
    x = simcc_x.argmax(-1) / SIMCC_SPLIT_RATIO
    y = simcc_y.argmax(-1) / SIMCC_SPLIT_RATIO
    score = np.minimum(simcc_x.max(-1), simcc_y.max(-1))
    input_size = np.array(POSE_INPUT, np.float64)
    points = np.stack((x, y), -1) / input_size * scale + centre - scale / 2
    return np.concatenate((points, np.clip(score, 0, 1)[:, None]), axis=1).astype(np.float32)


class DWPose(PoseBackend):
    """YOLOX-L person detection + DW-LL whole-body keypoints, on onnxruntime."""

    name = "dwpose"

    def __init__(self, *, device: str = "cpu", allow_unverified: bool = False):
        from interhf_bench.weights.registry import get_weight
        from interhf_bench.weights.store import WeightsError, resolve

        try:
            import onnxruntime
        except ImportError as exc:
            raise PoseBackendError("the dwpose backend needs onnxruntime: pip install onnxruntime") from exc
        try:
            self.detector_weights = resolve(get_weight("dwpose-det"), allow_unverified=allow_unverified)
            self.pose_weights = resolve(get_weight("dwpose-pose"), allow_unverified=allow_unverified)
        except WeightsError as exc:
            raise PoseBackendError(str(exc)) from exc
        providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if device != "cpu" else None
        providers = providers or ["CPUExecutionProvider"]
        self.detector = onnxruntime.InferenceSession(str(self.detector_weights.path), providers=providers)
        self.pose = onnxruntime.InferenceSession(str(self.pose_weights.path), providers=providers)

    @property
    def settings(self) -> dict[str, Any]:
        return {
            "backend": self.name,
            "detector": self.detector_weights.provenance,
            "pose": self.pose_weights.provenance,
            "person": "largest YOLOX person box (score > 0.3 after NMS)",
            "scores": "min of the SimCC x/y maxima, clipped to [0, 1]",
        }

    def image(self, frame: np.ndarray) -> np.ndarray:
        detector_input, ratio = letterbox(frame)
        name = self.detector.get_inputs()[0].name
        output = self.detector.run(None, {name: detector_input})[0]
        boxes, _ = person_boxes(output[0], ratio)
        if not len(boxes):  # DWPose then reads the whole frame as one box
            boxes = np.array([[0.0, 0.0, frame.shape[1], frame.shape[0]]])
        areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
        centre, scale = box_centre_scale(boxes[int(areas.argmax())])
        name = self.pose.get_inputs()[0].name
        simcc_x, simcc_y = self.pose.run(None, {name: pose_input(frame, centre, scale)})[:2]
        if simcc_x.shape[1] != NUM_KEYPOINTS:
            raise PoseBackendError(f"{self.pose_weights.path}: {simcc_x.shape[1]} keypoints, expected 133")
        return decode_simcc(simcc_x[0], simcc_y[0], centre, scale)
