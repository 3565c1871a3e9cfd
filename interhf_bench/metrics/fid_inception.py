"""FID features as DisCo computes them: pytorch-fid's InceptionV3, 2048-d pool features of every frame.

DisCo runs the ``pytorch_fid`` command line on folders of PNG frames: each image is read as RGB,
``ToTensor`` gives [0, 1], and the network itself resizes to 299x299 (bilinear, ``align_corners=False``)
and maps to [-1, 1]. The network definition is the ``pytorch-fid`` package's own; only its weights come
from the verified registry file instead of a download at run time.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
import torch

from interhf_bench.metrics.interfaces import settings_identity
from interhf_bench.metrics.video_preprocess import to_network, unit_tensor
from interhf_bench.weights.store import ResolvedWeight

FID_BATCH = 50  # pytorch-fid's default batch size, as DisCo ran it


def build_fid_inception(weights_path: Path) -> torch.nn.Module:
    """pytorch-fid's ``InceptionV3([pool3])`` with the weights in ``weights_path``, in eval mode.

    pytorch-fid always fetches its weights through torch.hub's checkpoint cache; pointing that cache at
    a folder that holds only the given file makes it read this file and never download. The file is
    first opened with ``weights_only=True`` so a file that is not plain tensors is refused.
    """
    from pytorch_fid import inception

    torch.load(weights_path, map_location="cpu", weights_only=True)
    with _hub_cache_holding(weights_path, Path(urlparse(inception.FID_WEIGHTS_URL).path).name):
        model = inception.InceptionV3([inception.InceptionV3.BLOCK_INDEX_BY_DIM[2048]])
    return model.eval()


@contextmanager
def _hub_cache_holding(path: Path, file_name: str) -> Iterator[None]:
    """torch.hub's cache directory, for the duration, a scratch folder with ``path`` as ``file_name``."""
    previous = torch.hub.get_dir()
    with tempfile.TemporaryDirectory(prefix="interhf-fid-") as scratch:
        checkpoints = Path(scratch) / "checkpoints"
        checkpoints.mkdir()
        (checkpoints / file_name).symlink_to(Path(path).resolve())
        torch.hub.set_dir(scratch)
        try:
            yield
        finally:
            torch.hub.set_dir(previous)


class FIDExtractor:
    """One 2048-d feature per frame; the Fréchet distance of all generated against all ground-truth frames."""

    name = "fid"
    dim = 2048

    def __init__(self, weights: ResolvedWeight, device: str = "cpu") -> None:
        self.model = build_fid_inception(weights.path).to(device, memory_format=torch.channels_last)
        self.device = device
        self.weights = weights

    @property
    def settings(self) -> dict[str, Any]:
        return {
            "network": "pytorch-fid InceptionV3 pool3 (2048-d)",
            **self.weights.provenance,
            "input": "ToTensor [0,1]; network resizes to 299 bilinear and maps to [-1,1]",
            "batch": FID_BATCH,
            "layout": "channels-last",
            "frechet": "pytorch-fid calculate_frechet_distance (float64, ddof 1)",
        }

    @property
    def identity(self) -> str:
        return settings_identity(self.weights.sha256, self.settings)

    def features(self, frames: np.ndarray) -> np.ndarray:
        outputs = []
        with torch.inference_mode():
            for start in range(0, len(frames), FID_BATCH):
                batch = to_network(
                    unit_tensor(frames[start : start + FID_BATCH]), self.device, torch.channels_last
                )
                outputs.append(self.model(batch)[0].squeeze(3).squeeze(2).cpu().numpy())
        return np.concatenate(outputs).astype(np.float64)
