"""FID features as DisCo computes them: pytorch-fid's InceptionV3, 2048-d pool features of every frame.

DisCo runs the ``pytorch_fid`` command line on folders of PNG frames: each image is read as RGB,
``ToTensor`` gives [0, 1], and the network itself resizes to 299x299 (bilinear, ``align_corners=False``)
and maps to [-1, 1]. The network definition is the ``pytorch-fid`` package's own; only its weights come
from the verified registry file instead of a download at run time.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import numpy as np
import torch

from interhf_bench.metrics.video_preprocess import unit_tensor
from interhf_bench.scoring.extractors import settings_identity
from interhf_bench.weights.store import ResolvedWeight

FID_BATCH = 50  # pytorch-fid's default batch size, as DisCo ran it


def build_fid_inception(state_dict: dict[str, torch.Tensor]) -> torch.nn.Module:
    """pytorch-fid's ``InceptionV3([pool3])`` loaded (strictly) with ``state_dict``, in eval mode."""
    from pytorch_fid import inception

    def local_weights(*args: object, **kwargs: object) -> dict[str, torch.Tensor]:
        return state_dict

    with mock.patch.object(inception, "load_state_dict_from_url", local_weights):
        model = inception.InceptionV3([inception.InceptionV3.BLOCK_INDEX_BY_DIM[2048]])
    return model.eval()


class FIDExtractor:
    """One 2048-d feature per frame; the Fréchet distance of all generated against all ground-truth frames."""

    name = "fid"
    dim = 2048

    def __init__(self, weights: ResolvedWeight, device: str = "cpu") -> None:
        state = torch.load(weights.path, map_location="cpu", weights_only=True)
        self.model = build_fid_inception(state).to(device)
        self.device = device
        self.weights = weights

    @property
    def settings(self) -> dict[str, Any]:
        return {
            "network": "pytorch-fid InceptionV3 pool3 (2048-d)",
            **self.weights.provenance,
            "input": "ToTensor [0,1]; network resizes to 299 bilinear and maps to [-1,1]",
            "batch": FID_BATCH,
            "frechet": "pytorch-fid calculate_frechet_distance (float64, ddof 1)",
        }

    @property
    def identity(self) -> str:
        return settings_identity(self.weights.sha256, self.settings)

    def features(self, frames: np.ndarray) -> np.ndarray:
        outputs = []
        with torch.inference_mode():
            for start in range(0, len(frames), FID_BATCH):
                batch = unit_tensor(frames[start : start + FID_BATCH]).to(self.device)
                outputs.append(self.model(batch)[0].squeeze(3).squeeze(2).cpu().numpy())
        return np.concatenate(outputs).astype(np.float64)
