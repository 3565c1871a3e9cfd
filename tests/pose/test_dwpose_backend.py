"""DWPose's decoding against hand-computed expectations, and the backend end to end on ONNX stand-ins.

The official YOLOX-L and DW-LL files (350 MB) are not available offline. The stand-ins are small ONNX
graphs with the official input and output names and shapes whose outputs encode a known box and known
keypoints, so the whole path (letterbox, decode, NMS, affine crop, SimCC decode) is checked for where it
puts the points.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from interhf_bench.pose.backends import PoseBackendError, get_pose_backend
from interhf_bench.pose.backends.dwpose import (
    POSE_INPUT,
    box_centre_scale,
    crop_affine,
    decode_simcc,
    decode_yolox,
    letterbox,
    nms,
    person_boxes,
)
from interhf_bench.weights.registry import get_weight
from interhf_bench.weights.store import import_file

GRID = [(stride, 640 // stride) for stride in (8, 16, 32)]


def yolox_row(cx: float, cy: float, w: float, h: float, stride: int) -> tuple[int, np.ndarray]:
    """The output row (index and 85 raw values) that encodes a person box at stride ``stride``."""
    offset = sum(cells * cells for s, cells in GRID if s < stride)
    cells = 640 // stride
    gx, gy = int(cx // stride), int(cy // stride)
    row = np.full(85, -20.0, np.float32)
    row[0], row[1] = cx / stride - gx, cy / stride - gy
    row[2], row[3] = np.log(w / stride), np.log(h / stride)
    row[4], row[5] = 0.9, 1.0  # objectness x person score = 0.9
    row[6:] = 0.0
    return offset + gy * cells + gx, row


def test_letterbox_keeps_the_aspect_and_pads_with_114() -> None:
    frame = np.full((320, 160, 3), 7, np.uint8)
    tensor, ratio = letterbox(frame)
    assert tensor.shape == (1, 3, 640, 640) and ratio == 2.0
    assert (tensor[0, :, :, :320] == 7).all() and (tensor[0, :, :, 320:] == 114).all()


def test_yolox_decoding_and_nms_recover_a_person_box() -> None:
    output = np.full((8400, 85), -20.0, np.float32)
    output[:, 4:] = 0.0
    index, row = yolox_row(300, 200, 100, 240, 16)
    output[index] = row
    twin_index, twin = yolox_row(302, 201, 100, 236, 8)  # an overlapping duplicate, lower score
    twin[4] = 0.8
    output[twin_index] = twin
    decoded = decode_yolox(output)
    np.testing.assert_allclose(decoded[index, :4], [300, 200, 100, 240], rtol=1e-5)
    boxes, scores = person_boxes(output, ratio=2.0)
    assert len(boxes) == 1 and scores[0] == pytest.approx(0.9)
    np.testing.assert_allclose(boxes[0], np.array([250, 80, 350, 320]) / 2.0, rtol=1e-5)


def test_nms_keeps_separate_boxes() -> None:
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]], float)
    assert nms(boxes, np.array([0.9, 0.8, 0.7]), 0.45) == [0, 2]


def test_box_is_padded_and_fitted_to_the_models_aspect() -> None:
    centre, scale = box_centre_scale(np.array([10.0, 20.0, 110.0, 60.0]))
    np.testing.assert_allclose(centre, [60, 40])
    assert scale[0] / scale[1] == pytest.approx(POSE_INPUT[0] / POSE_INPUT[1])
    assert scale[0] == pytest.approx(125.0)  # the wide side, padded 1.25x


def test_the_affine_crop_maps_the_box_onto_the_model_input() -> None:
    centre, scale = np.array([100.0, 150.0]), np.array([72.0, 96.0])
    matrix = crop_affine(centre, scale)
    corners = np.array([[64, 102, 1], [136, 198, 1]], float) @ matrix.T
    np.testing.assert_allclose(corners, [[0, 0], [288, 384]], atol=1e-3)


def test_simcc_decoding_maps_peaks_back_to_frame_pixels() -> None:
    simcc_x, simcc_y = np.zeros((133, 576), np.float32), np.zeros((133, 768), np.float32)
    simcc_x[:, 288], simcc_y[:, 192] = 0.8, 0.6  # input pixel (144, 96)
    simcc_x[5, 0] = 2.0  # a peak above 1: the score is clipped
    simcc_y[5, 0] = 3.0
    centre, scale = np.array([100.0, 150.0]), np.array([72.0, 96.0])
    points = decode_simcc(simcc_x, simcc_y, centre, scale)
    np.testing.assert_allclose(points[0], [100.0, 150.0 - 24.0, 0.6], atol=1e-5)
    np.testing.assert_allclose(points[5], [64.0, 102.0, 1.0], atol=1e-5)


class DetectorStandin(nn.Module):
    """``images (1, 3, 640, 640)`` -> ``(1, 8400, 85)``: a fixed person box, whatever the image."""

    def __init__(self, output: np.ndarray):
        super().__init__()
        self.register_buffer("output", torch.from_numpy(output)[None])

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.output + 0 * images.mean()


class PoseStandin(nn.Module):
    """``input (1, 3, 384, 288)`` -> SimCC ``(1, 133, 576)``, ``(1, 133, 768)``: every joint at the centre."""

    def forward(self, crop: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        base = 0 * crop.mean()
        x = torch.zeros(1, 133, 576) + base
        y = torch.zeros(1, 133, 768) + base
        x[:, :, 288] = 0.9  # input pixel (144, 192): the crop's centre
        y[:, :, 384] = 0.9
        return x, y


@pytest.fixture
def dwpose_weights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    output = np.full((8400, 85), -20.0, np.float32)
    output[:, 4:] = 0.0
    index, row = yolox_row(320, 320, 200, 400, 32)
    output[index] = row
    files = {"dwpose-det": tmp_path / "det.onnx", "dwpose-pose": tmp_path / "pose.onnx"}
    torch.onnx.export(
        DetectorStandin(output), torch.zeros(1, 3, 640, 640), str(files["dwpose-det"]),
        input_names=["images"], output_names=["output"], dynamo=False,
    )  # fmt: skip
    torch.onnx.export(
        PoseStandin(), torch.zeros(1, 3, 384, 288), str(files["dwpose-pose"]),
        input_names=["input"], output_names=["simcc_x", "simcc_y"], dynamo=False,
    )  # fmt: skip
    root = tmp_path / "weights"
    for name, path in files.items():
        import_file(get_weight(name), path, allow_unverified=True, root=root)
    monkeypatch.setenv("INTERHF_BENCH_WEIGHTS", str(root))
    return root


def test_the_backend_runs_both_models_and_returns_frame_keypoints(dwpose_weights: Path) -> None:
    backend = get_pose_backend("dwpose", allow_unverified=True)
    frame = np.zeros((400, 200, 3), np.uint8)  # letterbox ratio 1.6: the box centre (320, 320) / 1.6
    keypoints = backend.video(frame[None].repeat(2, 0))
    assert keypoints.shape == (2, 133, 3)
    np.testing.assert_allclose(keypoints[..., :2], np.full((2, 133, 2), 200.0), atol=1e-3)
    np.testing.assert_allclose(keypoints[..., 2], 0.9, atol=1e-6)
    assert backend.settings["detector"]["weights_verified"] is False


def test_without_weights_the_backend_says_how_to_get_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERHF_BENCH_WEIGHTS", str(tmp_path))
    with pytest.raises(PoseBackendError, match="weights download dwpose-det"):
        get_pose_backend("dwpose")


def test_unknown_backends_are_named() -> None:
    with pytest.raises(PoseBackendError, match="dwpose, mediapipe"):
        get_pose_backend("openpose")


@pytest.mark.slow
def test_the_backend_runs_the_real_architectures_on_a_real_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """YOLOX-L and RTMPose-l of random weights, loaded through the registry as the official files would be."""
    from interhf_bench.io.video import read_video
    from tests.conftest import shared_file
    from tests.pose.dwpose_standins import export_dwpose_standins

    detector, pose = export_dwpose_standins(tmp_path)
    root = tmp_path / "weights"
    for name, path in (("dwpose-det", detector), ("dwpose-pose", pose)):
        import_file(get_weight(name), path, allow_unverified=True, root=root)
        path.unlink()
    monkeypatch.setenv("INTERHF_BENCH_WEIGHTS", str(root))
    backend = get_pose_backend("dwpose", allow_unverified=True)
    assert backend.detector.get_outputs()[0].shape == [1, 8400, 85]
    assert [o.shape for o in backend.pose.get_outputs()] == [[1, 133, 576], [1, 133, 768]]
    frame = read_video(shared_file("data/media/liveportrait/s20.mp4"), [0])[0]
    keypoints = backend.image(frame)
    assert keypoints.shape == (133, 3) and np.isfinite(keypoints).all()
    assert ((keypoints[:, 2] >= 0) & (keypoints[:, 2] <= 1)).all()
    # the untrained detector finds no person box, so (as DWPose does) the whole frame is the box: every
    # point lies in the frame's 1.25x-padded crop of the pose model's aspect
    detector_input, ratio = letterbox(frame)
    assert len(person_boxes(backend.detector.run(None, {"images": detector_input})[0][0], ratio)[0]) == 0
    centre, scale = box_centre_scale(np.array([0.0, 0.0, frame.shape[1], frame.shape[0]]))
    low, high = centre - scale / 2, centre + scale / 2
    assert ((keypoints[:, :2] >= low - 1) & (keypoints[:, :2] <= high + 1)).all()
