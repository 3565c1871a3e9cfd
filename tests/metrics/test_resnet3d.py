"""3D-ResNet-50 for FID-VID and DisCo's clip preprocessing (FID-VID and FVD), with random weights.

No real ``resnet-50-kinetics.pth`` exists offline, so the loader is tested on files written in its format:
a dict with ``arch``, ``epoch``, ``optimizer`` and a DataParallel (``module.``-prefixed) ``state_dict``,
saved both in the zip format and in the legacy pre-1.6 format with 2017-era ``_rebuild_tensor`` records
and no BatchNorm ``num_batches_tracked`` buffers (the file predates PyTorch 0.4.1).
"""

from __future__ import annotations

import io
import pickle
import types
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from interhf_bench.metrics.networks.resnet3d import (
    FEATURE_DIM,
    CheckpointError,
    ResNet3d,
    load_resnet3d50_kinetics,
    resnet3d50,
)
from interhf_bench.metrics.video_preprocess import (
    fidvid_clip_tensor,
    fvd_clip_tensor,
    sliding_windows,
)

# Names in the canonical checkpoint once 'module.' is stripped (Hara's models/resnet.py layout).
CANONICAL_NAMES = [
    "conv1.weight",
    "bn1.weight",
    "bn1.running_mean",
    "bn1.running_var",
    "layer1.0.conv1.weight",
    "layer1.0.conv2.weight",
    "layer1.0.bn3.bias",
    "layer1.0.downsample.0.weight",
    "layer1.0.downsample.1.running_var",
    "layer2.3.conv3.weight",
    "layer3.5.bn2.running_mean",
    "layer4.0.downsample.0.weight",
    "layer4.2.bn3.weight",
    "fc.weight",
    "fc.bias",
]
# Hara's ResNet-50 3D: 46,198,976 in the conv/BN trunk, + 819,600 for the 400-way fc.
TRUNK_PARAMETERS = 46_198_976
TOTAL_PARAMETERS = 47_018_576
KINETICS_MEAN = [114.7748, 107.7354, 99.4750]


@pytest.fixture(scope="module")
def model() -> ResNet3d:
    torch.manual_seed(0)
    net = resnet3d50().eval()
    with torch.no_grad():  # non-trivial BN statistics, so a loader that skipped buffers would show
        for module in net.modules():
            if isinstance(module, torch.nn.BatchNorm3d):
                module.running_mean.uniform_(-0.1, 0.1)
                module.running_var.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.1, 0.1)
    return net


@pytest.fixture(scope="module")
def clip() -> torch.Tensor:
    generator = torch.Generator().manual_seed(1)
    return torch.rand(1, 3, 16, 112, 112, generator=generator) * 255 - 110


@pytest.fixture(scope="module")
def outputs(model: ResNet3d, clip: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    with torch.inference_mode():
        return model.features(clip), model(clip)


def expected_state_names() -> list[str]:
    """The full state-dict name list, built from the architecture description, not from the module."""

    def bn(prefix: str) -> list[str]:
        return [
            f"{prefix}.{s}" for s in ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")
        ]

    names = ["conv1.weight", *bn("bn1")]
    for stage, depth in enumerate((3, 4, 6, 3), start=1):
        for block in range(depth):
            p = f"layer{stage}.{block}"
            for i in (1, 2, 3):
                names += [f"{p}.conv{i}.weight", *bn(f"{p}.bn{i}")]
            if block == 0:
                names += [f"{p}.downsample.0.weight", *bn(f"{p}.downsample.1")]
    return [*names, "fc.weight", "fc.bias"]


def closed_form_parameters(num_classes: int = 400) -> int:
    total = 3 * 64 * 7**3 + 2 * 64  # stem conv + BN
    in_channels = 64
    for width, depth in zip((64, 128, 256, 512), (3, 4, 6, 3), strict=True):
        out = 4 * width
        block = width * 27 * width + width * out + 2 * (2 * width) + 2 * out  # 3x3x3 and 1x1x1 convs, 3 BNs
        total += in_channels * width + block + in_channels * out + 2 * out  # first block, with projection
        total += (depth - 1) * (out * width + block)
        in_channels = out
    return total + 2048 * num_classes + num_classes


# ---------------------------------------------------------------------------------------------- network


def test_feature_and_logit_shapes(outputs: tuple[torch.Tensor, torch.Tensor]) -> None:
    features, logits = outputs
    assert FEATURE_DIM == 2048
    assert features.shape == (1, 2048) and features.dtype == torch.float32
    assert logits.shape == (1, 400)
    assert torch.isfinite(features).all() and features.std() > 0


def test_features_are_the_pooled_layer4_output(model: ResNet3d, clip: torch.Tensor, outputs) -> None:
    """DisCo's feature (last_fc=False) = mean of layer4 over its 1x4x4 grid; logits = fc of it."""
    features, logits = outputs
    with torch.inference_mode():
        x = model.maxpool(model.relu(model.bn1(model.conv1(clip))))
        x = model.layer4(model.layer3(model.layer2(model.layer1(x))))
        head = model.fc(features)
    assert x.shape == (1, 2048, 1, 4, 4)
    torch.testing.assert_close(features, x.mean(dim=(2, 3, 4)), rtol=1e-5, atol=1e-4)
    torch.testing.assert_close(logits, head, rtol=1e-5, atol=1e-4)


def test_clip_batch_rows_are_independent(model: ResNet3d, clip: torch.Tensor, outputs) -> None:
    with torch.inference_mode():
        batched = model.features(torch.cat([clip, clip.flip(2)]))
    torch.testing.assert_close(batched[:1], outputs[0], rtol=1e-4, atol=1e-3)


def test_rejects_clips_that_do_not_pool_to_one_vector(model: ResNet3d) -> None:
    with pytest.raises(ValueError, match=r"\(N, 3, 16, 112, 112\)"), torch.inference_mode():
        model.features(torch.zeros(1, 3, 1, 144, 144))  # layer4 leaves 2x2 cells
    with pytest.raises(ValueError, match="N, 3, T, H, W"):
        model.features(torch.zeros(3, 16, 112, 112))


def test_state_dict_names_are_canonical(model: ResNet3d) -> None:
    names = list(model.state_dict())
    assert set(CANONICAL_NAMES) <= set(names)
    assert names == expected_state_names()
    assert len(names) == 320  # 267 in a pre-0.4.1 file, + 53 num_batches_tracked


def test_parameter_count_matches_hara_resnet50(model: ResNet3d) -> None:
    total = sum(p.numel() for p in model.parameters())
    trunk = sum(p.numel() for name, p in model.named_parameters() if not name.startswith("fc."))
    assert total == TOTAL_PARAMETERS == closed_form_parameters()
    assert trunk == TRUNK_PARAMETERS


# ------------------------------------------------------------------------------------------- checkpoint


def legacy_pickle_module() -> types.ModuleType:
    """A pickle module whose Pickler writes tensors with the pre-0.4 ``_rebuild_tensor`` record."""

    class OldTensorPickler(pickle.Pickler):
        def reducer_override(self, obj):  # type: ignore[no-untyped-def]
            if isinstance(obj, torch.Tensor):
                args = (obj._typed_storage(), obj.storage_offset(), tuple(obj.size()), obj.stride())
                return torch._utils._rebuild_tensor, args
            return NotImplemented

    module = types.ModuleType("old_tensor_pickle")
    module.Pickler = OldTensorPickler  # type: ignore[attr-defined]
    module.Unpickler = pickle.Unpickler  # type: ignore[attr-defined]
    module.load = pickle.load  # type: ignore[attr-defined]
    module.dump = pickle.dump  # type: ignore[attr-defined]
    return module


def canonical_checkpoint(model: ResNet3d, drop_bn_counters: bool = True) -> dict:
    """What Hara's training script saved: DataParallel weights plus run metadata and optimizer state."""
    state = OrderedDict(
        (f"module.{k}", v.clone())
        for k, v in model.state_dict().items()
        if not (drop_bn_counters and k.endswith("num_batches_tracked"))
    )
    optimizer = {
        "state": {0: {"momentum_buffer": torch.zeros(2, 3)}},
        "param_groups": [
            {
                "lr": 0.1,
                "momentum": 0.9,
                "dampening": 0.9,
                "weight_decay": 0.001,
                "nesterov": False,
                "params": [140_234_000_000 + i for i in range(3)],
            }
        ],
    }
    return {"epoch": 200, "arch": "resnet-50", "state_dict": state, "optimizer": optimizer}


@pytest.fixture(scope="module")
def legacy_file(model: ResNet3d, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ckpt") / "resnet-50-kinetics.pth"
    torch.save(
        canonical_checkpoint(model),
        path,
        pickle_module=legacy_pickle_module(),
        _use_new_zipfile_serialization=False,
    )
    return path


def test_legacy_checkpoint_loads_weights_only_and_reproduces(legacy_file: Path, clip, outputs) -> None:
    raw = legacy_file.read_bytes()
    assert b"_rebuild_tensor\n" in raw or b"_rebuild_tensor\x94" in raw  # the old record really is there
    loaded = load_resnet3d50_kinetics(legacy_file)
    assert not loaded.training
    with torch.inference_mode():
        assert torch.equal(loaded.features(clip), outputs[0])
        assert torch.equal(loaded(clip), outputs[1])


def test_zip_checkpoint_loads(model: ResNet3d, tmp_path: Path, clip, outputs) -> None:
    path = tmp_path / "resnet-50-kinetics.pth"
    torch.save(canonical_checkpoint(model, drop_bn_counters=False), path)
    with torch.inference_mode():
        assert torch.equal(load_resnet3d50_kinetics(path).features(clip), outputs[0])


def _save_state(path: Path, state: dict, **extra: object) -> Path:
    torch.save({"arch": "resnet-50", "state_dict": state, **extra}, path)
    return path


@pytest.fixture(scope="module")
def small_state(model: ResNet3d) -> OrderedDict:
    """The real names and shapes, stored as zero-stride views so writing broken files stays cheap."""
    return OrderedDict(
        (f"module.{k}", torch.zeros(()).expand(v.shape)) for k, v in model.state_dict().items()
    )


def test_missing_key_names_file_and_key(small_state: OrderedDict, tmp_path: Path) -> None:
    state = OrderedDict(small_state)
    del state["module.layer3.2.conv2.weight"]
    path = _save_state(tmp_path / "broken.pth", state)
    with pytest.raises(CheckpointError, match=r"broken\.pth.*missing keys layer3\.2\.conv2\.weight"):
        load_resnet3d50_kinetics(path)


def test_unexpected_key_and_wrong_shape(small_state: OrderedDict, tmp_path: Path) -> None:
    extra = OrderedDict(small_state)
    extra["module.fc2.weight"] = torch.zeros(3)
    with pytest.raises(CheckpointError, match=r"extra\.pth.*unexpected keys fc2\.weight"):
        load_resnet3d50_kinetics(_save_state(tmp_path / "extra.pth", extra))
    wrong = OrderedDict(small_state)
    wrong["module.fc.weight"] = torch.zeros(101, 2048)  # a UCF-101 head
    with pytest.raises(CheckpointError, match=r"wrong\.pth.*do not fit"):
        load_resnet3d50_kinetics(_save_state(tmp_path / "wrong.pth", wrong))


def test_wrong_arch_and_unsafe_pickle_are_refused(small_state: OrderedDict, tmp_path: Path) -> None:
    path = tmp_path / "r101.pth"
    torch.save({"arch": "resnet-101", "state_dict": small_state}, path)
    with pytest.raises(CheckpointError, match=r"r101\.pth.*'resnet-101'"):
        load_resnet3d50_kinetics(path)
    unsafe = tmp_path / "unsafe.pth"
    torch.save({"arch": "resnet-50", "state_dict": small_state, "opt": io.StringIO("x")}, unsafe)
    with pytest.raises(CheckpointError, match=r"unsafe\.pth.*weights-only"):
        load_resnet3d50_kinetics(unsafe)


# ---------------------------------------------------------------------------------------- preprocessing


def disco_resize(frame: np.ndarray, size: int) -> np.ndarray:
    """resize.py make_resizer('PIL', False, 'bicubic', (size, size)) on one uint8 RGB frame."""
    channels = []
    for c in range(3):
        image = Image.fromarray(frame[:, :, c].astype(np.float32))  # mode 'F'
        image = image.resize((size, size), resample=Image.Resampling.BICUBIC)
        channels.append(np.asarray(image).reshape(size, size, 1))
    return np.concatenate(channels, axis=2).astype(np.float32)


def disco_clip(frames: np.ndarray, mode: str) -> torch.Tensor:
    """utils.py DatasetFVDVideoFromFramesResize.__getitem__ for one 16-frame clip (frame-folder mode)."""
    size = 112 if mode == "FVD-3DRN50" else 224
    video = torch.as_tensor(np.stack([disco_resize(f, size) for f in frames]).copy()).float()
    if mode == "FVD-3DRN50":
        video = video - torch.as_tensor(np.array(KINETICS_MEAN))  # float64 tensor: promotes
        return video.view(1, len(frames), size, size, 3).permute(0, 4, 1, 2, 3).float()
    video = video / 127.5 - 1
    return video.unsqueeze(0).permute(0, 4, 1, 2, 3).float()


@pytest.fixture(scope="module")
def frames() -> np.ndarray:
    """Non-square, full-range content with sharp edges (bicubic overshoot) and a flat patch."""
    rng = np.random.default_rng(7)
    video = rng.integers(0, 256, size=(18, 40, 24, 3), dtype=np.uint8)
    video[:, :10] = 0
    video[:, 10:20, :12] = 255
    return video


def test_fidvid_tensor_equals_disco_recipe(frames: np.ndarray) -> None:
    clip = frames[:16]
    ours = fidvid_clip_tensor(clip)
    assert ours.shape == (3, 16, 112, 112) and ours.dtype == torch.float32
    assert torch.equal(ours[None], disco_clip(clip, "FVD-3DRN50"))
    # 0-255 units minus the mean, bicubic overshoot kept: no clipping, no scaling.
    assert ours.min() < -114 and ours.max() > 255 - 114.7748 - 1
    black = fidvid_clip_tensor(np.zeros((1, 8, 8, 3), np.uint8))
    torch.testing.assert_close(black[:, 0, 0, 0], -torch.tensor(KINETICS_MEAN, dtype=torch.float32))


def test_fidvid_mean_subtraction_is_rounded_from_float64(frames: np.ndarray) -> None:
    """A float32 subtraction would differ in the last bit for many values: the float64 route is DisCo's."""
    ours = fidvid_clip_tensor(frames[:2])
    resized = torch.from_numpy(np.stack([disco_resize(f, 112) for f in frames[:2]]))
    float32_route = (resized - torch.tensor(KINETICS_MEAN, dtype=torch.float32)).permute(3, 0, 1, 2)
    assert not torch.equal(ours, float32_route)
    torch.testing.assert_close(ours, float32_route, rtol=0, atol=2e-5)


def test_fvd_tensor_equals_disco_recipe(frames: np.ndarray) -> None:
    clip = frames[:16]
    ours = fvd_clip_tensor(clip)
    assert ours.shape == (3, 16, 224, 224) and ours.dtype == torch.float32
    assert torch.equal(ours[None], disco_clip(clip, "FVD-3DInception"))
    assert -1.5 < ours.min() < -1 and 1 < ours.max() < 1.5  # overshoot survives, as in DisCo
    white = fvd_clip_tensor(np.full((1, 8, 8, 3), 255, np.uint8))
    torch.testing.assert_close(white, torch.ones_like(white))


def test_windows_sliced_from_a_stack_equal_per_window_preprocessing(frames: np.ndarray) -> None:
    stack = fidvid_clip_tensor(frames)
    windows = sliding_windows(len(frames))
    assert len(windows) == 3
    for window in windows:
        assert torch.equal(stack[:, window], fidvid_clip_tensor(frames[window.start : window.stop]))


def test_preprocessing_rejects_non_uint8_rgb() -> None:
    with pytest.raises(ValueError, match="uint8 RGB"):
        fidvid_clip_tensor(np.zeros((2, 8, 8, 3), np.float32))
    with pytest.raises(ValueError, match="uint8 RGB"):
        fvd_clip_tensor(np.zeros((8, 8, 3), np.uint8))


def test_sliding_windows() -> None:
    windows = sliding_windows(48)
    assert len(windows) == 33
    assert windows[0] == range(0, 16) and windows[-1] == range(32, 48)
    assert sliding_windows(15) == []
    assert sliding_windows(16) == [range(16)]
    assert [w.start for w in sliding_windows(20, length=4, stride=5)] == [0, 5, 10, 15]
    with pytest.raises(ValueError):
        sliding_windows(10, length=0)
