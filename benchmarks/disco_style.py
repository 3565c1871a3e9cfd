"""A DisCo-style evaluation pipeline: the reference ``bench_score.py`` measures ``score`` against.

It does what DisCo's ``gen_eval.sh`` does with two flat folders of frames (DisCo, CVPR 2024,
``tool/metrics/metric_center.py``, ``ssim_l1_lpips_psnr.py``, ``utils.py``; the pytorch-fid command line):
every metric is its own pass over the PNG files, networks run at batch size 1 (pytorch-fid at its default
50), and the ground truth's features are computed again on every run. For the clip metrics each
16-frame window reads its 16 PNG files and resizes them again, as DisCo's frame-folder dataset does, so
every frame is read and resized once per window it belongs to. The networks are the ones ``score`` runs
(same architectures, same weight files): only the pipeline around them differs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import cv2
import lpips
import numpy as np
import torch
from PIL import Image
from pytorch_fid import fid_score, inception
from pytorch_fid.fid_score import calculate_frechet_distance
from skimage.metrics import structural_similarity
from torchvision.transforms import ToTensor

from interhf_bench.data.dataset import Dataset
from interhf_bench.io.video import read_video

# DisCo's frame-name pattern (a): "TiktokDance_<digits>_<frame index><non-digits>.<extension>".
FRAME_NAME = re.compile(r"^(TiktokDance_\d+_)(\d+)(\D*\.\w+)$")
KINETICS_MEAN_RGB = np.array([114.7748, 107.7354, 99.4750], dtype=np.float64)
FID_BATCH = 50  # the pytorch-fid command line's default, as gen_eval.sh runs it
FID_DATA_WORKERS = 2  # the command line's default on a 2-core machine: min(CPUs, 8)


def dump_frames(dataset: Dataset, targets: list[int], pred: Path, work: Path) -> tuple[Path, Path]:
    """Every generated and ground-truth target frame as a PNG in two flat folders, named as DisCo's."""
    gen_dir, gt_dir = work / "pred", work / "gt"
    gen_dir.mkdir(parents=True)
    gt_dir.mkdir(parents=True)
    for number, row in enumerate(dataset):
        generated = read_video(pred / f"{row.video_id}.mp4")
        truth = dataset.frames(row.video_id, targets)
        for index, (g, t) in enumerate(zip(generated, truth, strict=True)):
            name = f"TiktokDance_{number:05d}_{index:04d}.png"
            cv2.imwrite(str(gen_dir / name), cv2.cvtColor(g, cv2.COLOR_RGB2BGR))
            cv2.imwrite(str(gt_dir / name), cv2.cvtColor(t, cv2.COLOR_RGB2BGR))
    return gen_dir, gt_dir


def _pairs(gen_dir: Path, gt_dir: Path) -> list[tuple[Path, Path]]:
    """Sorted files zipped by position, stems equal (DisCo asserts it)."""
    pairs = list(zip(sorted(gen_dir.glob("*.png")), sorted(gt_dir.glob("*.png")), strict=True))
    assert all(g.stem == t.stem for g, t in pairs)
    return pairs


def pixel_metrics(gen_dir: Path, gt_dir: Path) -> dict[str, float]:
    """SSIM, PSNR and L1, one image pair at a time (``compute_ssim_l1_psnr``)."""
    ssims, psnrs, l1s = [], [], []
    for gen_path, gt_path in _pairs(gen_dir, gt_dir):
        gen, gt = cv2.imread(str(gen_path)), cv2.imread(str(gt_path))
        if gen.shape != gt.shape:
            gen = cv2.resize(gen, (gt.shape[1], gt.shape[0]))
        grey = [cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) for image in (gen, gt)]
        ssims.append(structural_similarity(*grey, full=True)[0])
        mse = np.mean((gt.astype(np.float64) - gen.astype(np.float64)) ** 2)
        psnrs.append(100.0 if mse == 0 else 20 * np.log10(255.0 / np.sqrt(mse)))
        l1s.append(np.abs(gen.astype(float) - gt.astype(float)) / (gt.shape[0] * gt.shape[1]))
    return {"ssim": float(np.mean(ssims)), "psnr": float(np.mean(psnrs)), "l1": float(np.mean(l1s))}


def lpips_metric(gen_dir: Path, gt_dir: Path, model: lpips.LPIPS) -> float:
    """LPIPS-vgg per pair at batch 1, [0, 1] tensors without ``normalize`` (``compute_lpips``)."""
    to_tensor, values = ToTensor(), []
    with torch.no_grad():
        for gen_path, gt_path in _pairs(gen_dir, gt_dir):
            gen, gt = (to_tensor(Image.open(p).convert("RGB")).unsqueeze(0) for p in (gen_path, gt_path))
            values.append(float(model(gen, gt)))
    return float(np.mean(values))


Statistics = tuple[np.ndarray, np.ndarray]


def fid_statistics(folder: Path, inception_weights: Path) -> Statistics:
    """pytorch-fid's ``compute_statistics_of_path`` on one folder, with the model its command line builds.

    pytorch-fid downloads its weights; here its download function returns the given file instead.
    """
    state = torch.load(inception_weights, map_location="cpu", weights_only=True)
    with mock.patch.object(inception, "load_state_dict_from_url", lambda *args, **kwargs: state):
        model = inception.InceptionV3([inception.InceptionV3.BLOCK_INDEX_BY_DIM[2048]])
    return fid_score.compute_statistics_of_path(str(folder), model, FID_BATCH, 2048, "cpu", FID_DATA_WORKERS)


def clip_statistics(
    folder: Path,
    forward: Callable[[torch.Tensor], torch.Tensor],
    size: int,
    scale: Callable[[np.ndarray], np.ndarray],
    clip_length: int = 16,
) -> Statistics:
    """FID-VID or FVD statistics of one folder: every window at batch 1 (``fid_from_feats``: float32
    mean, float64 covariance)."""
    features = np.concatenate([_clip_feature(c, forward, size, scale) for c in _clips(folder, clip_length)])
    return np.mean(features, axis=0), np.cov(features, rowvar=False)


def frechet(generated: Statistics, ground_truth: Statistics) -> float:
    """pytorch-fid's ``calculate_frechet_distance``, as DisCo calls it."""
    return float(calculate_frechet_distance(*generated, *ground_truth))


def fid_vid_scale(resized: np.ndarray) -> np.ndarray:
    """FID-VID: the Kinetics mean subtracted in float64 (DisCo's ``pixel_mean`` tensor), back to float32."""
    return (resized - KINETICS_MEAN_RGB).astype(np.float32)


def fvd_scale(resized: np.ndarray) -> np.ndarray:
    """FVD: ``x / 127.5 - 1`` in float32."""
    return resized / np.float32(127.5) - np.float32(1.0)


def _clips(folder: Path, clip_length: int) -> list[list[Path]]:
    """DisCo's frame-folder clips: each frame and its ``clip_length - 1`` successors, if they all exist."""
    clips = []
    for path in sorted(folder.glob("*.png")):
        match = FRAME_NAME.match(path.name)
        if match is None:
            continue
        prefix, index, suffix = match.groups()
        names = [f"{prefix}{int(index) + i:0{len(index)}d}{suffix}" for i in range(clip_length)]
        if all((folder / name).is_file() for name in names):
            clips.append([folder / name for name in names])
    return clips


def _clip_feature(
    paths: list[Path],
    forward: Callable[[torch.Tensor], torch.Tensor],
    size: int,
    scale: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """One window: read its PNGs, resize each channel as a float PIL image, scale, one network call."""
    frames = np.stack([_resized(Image.open(path).convert("RGB"), size) for path in paths])
    clip = torch.from_numpy(scale(frames)).permute(3, 0, 1, 2).unsqueeze(0)  # (1, 3, T, S, S)
    with torch.no_grad():
        return forward(clip).float().mean(dim=0, keepdim=True).numpy()


def _resized(image: Image.Image, size: int) -> np.ndarray:
    """clean-fid's PIL resizer without quantisation: each channel a float32 'F' image, bicubic."""
    array = np.asarray(image)
    channels = [
        np.asarray(Image.fromarray(array[..., c].astype(np.float32)).resize((size, size), Image.BICUBIC))
        for c in range(3)
    ]
    return np.stack(channels, axis=-1)
