"""Clip preprocessing of DisCo's two video metrics, as pure functions of uint8 RGB frame stacks.

Why this module exists: FID-VID ("FVD-3DRN50") and FVD ("FVD-3DInception") values depend on every detail
of how frames are resized and scaled, and DisCo's recipe is spread over a dataset class and a clean-fid
style resizer (Wangt-CN/DisCo @ c4fa48a: tool/metrics/utils.py ``DatasetFVDVideoFromFramesResize``,
tool/metrics/resize.py ``make_resizer``). Both metrics share the resize step:

* ``make_resizer("PIL", quantize_after=False, filter="bicubic", output_size=(S, S))`` (utils.py, the
  dataset's ``__init__``): each RGB channel of the uint8 frame is cast to float32 and wrapped as a PIL
  ``'F'`` image, resized with ``Image.BICUBIC`` to S x S, and read back as float32 (resize.py,
  ``resize_single_channel``). No clipping, no quantisation: bicubic overshoot below 0 / above 255 stays.
  Non-square frames are squashed (no crop). A batched torch resize does not give these numbers, so each
  channel of each frame goes through PIL; the functions only avoid extra copies around it.

Then the metrics differ (utils.py ``__getitem__``):

* FID-VID, S = 112: ``video - pixel_mean`` with the Kinetics mean ``[114.7748, 107.7354, 99.4750]`` (RGB,
  0-255 units, no division by a std). ``pixel_mean`` is a float64 tensor, so torch promotes the float32
  frames and subtracts in float64; the trailing ``.float()`` rounds back to float32. Rounding once from
  float64 differs from a float32 subtraction in the last bit for about half of the values, so this is
  reproduced (:func:`fidvid_clip_tensor`).
* FVD, S = 224: ``video / 127.5 - 1`` in float32 (a float32 tensor and Python scalars).

Layout: DisCo stacks a clip as (T, S, S, 3) and permutes to (1, 3, T, S, S). Here a whole stack of T frames
is preprocessed once and returned channel-first as (3, T, S, S); every step is per frame, so the
16-frame windows of :func:`sliding_windows` can be sliced from it (``x[:, w]`` for a window ``w``,
``torch.stack`` of windows for a batch) with values equal to preprocessing each window on its own.
"""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image

FIDVID_SIZE = 112  # metric_center.py: sample_size = 112 for FVD-3DRN50.
FVD_SIZE = 224  # metric_center.py: sample_size = 224 for FVD-3DInception.
CLIP_LENGTH = 16  # gen_eval.sh: --sample_duration 16.
# Hara's Kinetics mean (RGB, 0-255), also kenshohara/video-classification-3d-cnn-pytorch mean.py. Kept as
# float64, the dtype of DisCo's ``pixel_mean`` tensor.
KINETICS_MEAN_RGB: np.ndarray = np.array([114.7748, 107.7354, 99.4750], dtype=np.float64)


def _check_frames(frames: np.ndarray) -> np.ndarray:
    """Frames must be a (T, H, W, 3) uint8 RGB stack: DisCo opens each frame with PIL ``.convert('RGB')``."""
    array = np.asarray(frames)
    if array.dtype != np.uint8 or array.ndim != 4 or array.shape[-1] != 3:
        raise ValueError(f"expected (T, H, W, 3) uint8 RGB frames, got {array.dtype} of shape {array.shape}")
    return array


def pil_bicubic_channels(frames: np.ndarray, size: int) -> np.ndarray:
    """DisCo's resizer on every frame: (T, H, W, 3) uint8 -> (3, T, size, size) float32, channel first.

    Each channel is resized as a float32 ``'F'`` PIL image with ``BICUBIC`` (resize.py,
    ``resize_single_channel``); results are written straight into the output array. Casting the uint8
    channel to float32 is exact, so building the 'F' image from it equals DisCo's
    ``Image.fromarray(x.astype(np.float32), mode='F')`` (the ``mode`` argument is deprecated in Pillow).
    """
    array = _check_frames(frames)
    out = np.empty((3, array.shape[0], size, size), dtype=np.float32)
    for c in range(3):
        # One strided-to-contiguous float32 copy per channel, shared by all its frames.
        channel = np.ascontiguousarray(array[..., c], dtype=np.float32)
        for t in range(array.shape[0]):
            image = Image.fromarray(channel[t])  # float32 2-D -> mode 'F'
            out[c, t] = np.asarray(image.resize((size, size), Image.Resampling.BICUBIC))
    return out


def fidvid_clip_tensor(frames: np.ndarray) -> torch.Tensor:
    """FID-VID (3D-ResNet-50) input: (T, H, W, 3) uint8 -> (3, T, 112, 112) float32, Kinetics-mean-centred.

    PIL bicubic per float channel to 112x112, then ``float32(float64(x) - mean)`` per channel, values in
    about [-115, 156] (0-255 units minus the mean; no scaling). Add a batch axis (or stack windows) before
    the network: DisCo feeds (1, 3, 16, 112, 112).
    """
    resized = pil_bicubic_channels(frames, FIDVID_SIZE)
    centred = resized - KINETICS_MEAN_RGB[:, None, None, None]  # float64, as torch's type promotion does
    return torch.from_numpy(centred.astype(np.float32))


def fvd_clip_tensor(frames: np.ndarray) -> torch.Tensor:
    """FVD (I3D) input: (T, H, W, 3) uint8 -> (3, T, 224, 224) float32 in about [-1, 1].

    PIL bicubic per float channel to 224x224, then ``x / 127.5 - 1`` in float32 (bicubic overshoot can
    leave values slightly outside [-1, 1], as in DisCo).
    """
    resized = pil_bicubic_channels(frames, FVD_SIZE)
    np.divide(resized, np.float32(127.5), out=resized)
    np.subtract(resized, np.float32(1.0), out=resized)
    return torch.from_numpy(resized)


def sliding_windows(num_frames: int, length: int = CLIP_LENGTH, stride: int = 1) -> list[range]:
    """Frame-index windows DisCo scores: every run of ``length`` consecutive frames, start step ``stride``.

    DisCo's frame-folder mode makes a clip from each start frame whose ``length - 1`` successors exist
    (utils.py, ``DatasetFVDVideoFromFramesResize.__init__``), i.e. ``num_frames - length + 1`` windows with
    stride 1, none when the video is shorter than ``length``.
    """
    if length < 1 or stride < 1 or num_frames < 0:
        raise ValueError(
            f"need num_frames >= 0, length >= 1, stride >= 1; got {num_frames}, {length}, {stride}"
        )
    return [range(start, start + length) for start in range(0, num_frames - length + 1, stride)]


def unit_tensor(frames: np.ndarray) -> torch.Tensor:
    """torchvision ``ToTensor`` for a stack: ``(N, H, W, 3)`` uint8 -> ``(N, 3, H, W)`` float32 in [0, 1]."""
    return torch.from_numpy(np.ascontiguousarray(frames)).permute(0, 3, 1, 2).float().div(255)


def batch_size_for(device: str, sizes: dict[str, int]) -> int:
    """The batch size ``sizes`` gives the device's type (``cpu``, ``cuda``, ...), else the CPU's.

    On a CPU small batches win: a batch of 8 full-size frames or clips makes every activation several
    hundred MB and the convolutions wait on memory; a GPU needs larger batches to be kept busy.
    """
    return sizes.get(torch.device(device).type, sizes["cpu"])


def to_network(batch: torch.Tensor, device: str, memory_format: torch.memory_format) -> torch.Tensor:
    """A CPU batch on the network's device in its memory layout.

    On CUDA the batch goes through pinned memory with a non-blocking copy, so the host prepares the
    next batch while this one is copied; the layout (channels-last for the convolution networks) only
    changes how values are stored, and with it the order of float32 sums (outputs move by about 1e-7).
    """
    if torch.device(device).type == "cuda":
        return batch.pin_memory().to(device, non_blocking=True, memory_format=memory_format)
    return batch.to(device, memory_format=memory_format)
