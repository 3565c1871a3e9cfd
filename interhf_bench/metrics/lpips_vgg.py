"""LPIPS as DisCo computes it: the ``lpips`` package, net vgg, fed [0, 1] tensors without ``normalize``.

DisCo (``tool/metrics/ssim_l1_lpips_psnr.py``) converts each frame with torchvision's ``ToTensor``
(values in [0, 1]) and calls ``lpips.LPIPS(net='vgg')`` with the default ``normalize=False``, so the
network treats [0, 1] inputs as if they were [-1, 1]. That quirk is reproduced on purpose: the numbers
are only comparable with DisCo's this way. The package ships the linear heads (v0.1); the VGG16
backbone comes from the verified torchvision file in the weights folder, never from a download at run
time. Frames are scored in batches; LPIPS is per-sample, so batching does not mix frames.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from interhf_bench.metrics.video_preprocess import unit_tensor
from interhf_bench.weights.store import ResolvedWeight

LPIPS_BATCH = 8


def load_lpips_vgg(vgg_state_dict: dict[str, torch.Tensor]) -> torch.nn.Module:
    """``lpips.LPIPS(net='vgg')`` with its shipped heads and the given torchvision VGG16 weights.

    The backbone's ``slice<k>.<i>`` modules are torchvision's ``features.<i>``; every feature parameter
    must be present (the classifier part of the torchvision file is not used by LPIPS).
    """
    import lpips

    model = lpips.LPIPS(net="vgg", pretrained=True, pnet_rand=True, verbose=False)
    backbone = {}
    for slice_name, block in model.net.named_children():
        for param_name, _ in block.named_parameters():  # "<feature index>.weight" / ".bias"
            source = f"features.{param_name}"
            if source not in vgg_state_dict:
                raise KeyError(f"the VGG16 weights lack {source}")
            backbone[f"{slice_name}.{param_name}"] = vgg_state_dict[source]
    model.net.load_state_dict(backbone, strict=True)
    return model.eval()


class LPIPSMetric:
    """Per-frame LPIPS-vgg of generated against ground-truth frames (same size: resized by the caller)."""

    name = "lpips"

    def __init__(self, weights: ResolvedWeight, device: str = "cpu") -> None:
        state = torch.load(weights.path, map_location="cpu", weights_only=True)
        self.model = load_lpips_vgg(state).to(device)
        self.device = device
        self.weights = weights

    @property
    def settings(self) -> dict[str, Any]:
        return {
            "network": "lpips 0.1 vgg (package heads), torchvision VGG16 backbone",
            **self.weights.provenance,
            "input": "ToTensor [0,1] fed without normalize (DisCo's quirk)",
            "resize": "generated -> ground-truth size, cv2 INTER_LINEAR",
        }

    def per_frame(self, generated: np.ndarray, ground_truth: np.ndarray) -> np.ndarray:
        """``(T, H, W, 3)`` uint8 pairs -> ``(T,)`` LPIPS values."""
        values = []
        with torch.inference_mode():
            for start in range(0, len(generated), LPIPS_BATCH):
                pair = [
                    unit_tensor(x[start : start + LPIPS_BATCH]).to(self.device)
                    for x in (generated, ground_truth)
                ]
                values.append(self.model(*pair).reshape(-1).float().cpu().numpy())
        return np.concatenate(values).astype(np.float64)
