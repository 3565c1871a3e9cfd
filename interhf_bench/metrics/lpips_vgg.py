"""LPIPS as DisCo computes it: the ``lpips`` package, net vgg, fed [0, 1] tensors without ``normalize``.

DisCo (``tool/metrics/ssim_l1_lpips_psnr.py``) converts each frame with torchvision's ``ToTensor``
(values in [0, 1]) and calls ``lpips.LPIPS(net='vgg')`` with the default ``normalize=False``, so the
network treats [0, 1] inputs as if they were [-1, 1]. That quirk is reproduced on purpose: the numbers
are only comparable with DisCo's this way. The package ships the linear heads (v0.1); the VGG16
backbone comes from the verified torchvision file in the weights folder, never from a download at run
time. Frames are scored in batches; LPIPS is per-sample, so batching does not mix frames.

Region LPIPS (``<region>_lpips``, ours): LPIPS is a sum over five VGG layers of the spatial mean of a
per-position distance map. The region version replaces each spatial mean by a mean weighted with the
fraction of each map cell that the region mask covers (the mask area-pooled to the layer's size). With a
full-frame mask it is LPIPS itself. The layer maps are read with forward hooks during the one package
call that gives LPIPS, so the region values cost no extra network pass.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from interhf_bench.metrics.video_preprocess import batch_size_for, to_network, unit_tensor
from interhf_bench.weights.store import ResolvedWeight

LPIPS_BATCH = {"cpu": 2, "cuda": 8}  # frame pairs per network call, by device type


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
        self.model = load_lpips_vgg(state).to(device, memory_format=torch.channels_last)
        self.device = device
        self.batch = batch_size_for(device, LPIPS_BATCH)
        self.weights = weights
        self._layer_maps: list[torch.Tensor] = []
        for head in self.model.lins:  # (N, 1, h, w) weighted distance map of each VGG layer
            head.register_forward_hook(lambda _module, _inputs, output: self._layer_maps.append(output))

    @property
    def settings(self) -> dict[str, Any]:
        return {
            "network": "lpips 0.1 vgg (package heads), torchvision VGG16 backbone",
            **self.weights.provenance,
            "input": "ToTensor [0,1] fed without normalize (DisCo's quirk)",
            "resize": "generated -> ground-truth size, cv2 INTER_LINEAR",
            "regions": "per-layer distance maps averaged with the region mask area-pooled to each layer",
            "layout": f"channels-last, batches of {self.batch}",
        }

    def per_frame(self, generated: np.ndarray, ground_truth: np.ndarray) -> np.ndarray:
        """``(T, H, W, 3)`` uint8 pairs -> ``(T,)`` LPIPS values."""
        return self.per_frame_with_regions(generated, ground_truth, {})[self.name]

    def per_frame_with_regions(
        self, generated: np.ndarray, ground_truth: np.ndarray, regions: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """``lpips`` and ``<region>_lpips`` per frame; ``regions`` are bool ``(T, H, W)`` masks.

        A frame whose region is empty gives NaN for that region.
        """
        values: dict[str, list[np.ndarray]] = {self.name: [], **{f"{r}_{self.name}": [] for r in regions}}
        with torch.inference_mode():
            for start in range(0, len(generated), self.batch):
                batch = slice(start, start + self.batch)
                pair = [
                    to_network(unit_tensor(x[batch]), self.device, torch.channels_last)
                    for x in (generated, ground_truth)
                ]
                self._layer_maps.clear()
                values[self.name].append(self.model(*pair).reshape(-1).double().cpu().numpy())
                for region, mask in regions.items():
                    weights = torch.from_numpy(mask[batch]).to(self.device, torch.float32)[:, None]
                    values[f"{region}_{self.name}"].append(region_mean(self._layer_maps, weights))
        return {name: np.concatenate(parts) for name, parts in values.items()}


def region_mean(layer_maps: list[torch.Tensor], mask: torch.Tensor) -> np.ndarray:
    """Sum over layers of each ``(N, 1, h, w)`` map's mean weighted by the ``(N, 1, H, W)`` mask's
    coverage of its cells; NaN where the mask is empty."""
    total = torch.zeros(mask.shape[0], dtype=torch.float64, device=mask.device)
    for layer_map in layer_maps:
        coverage = F.adaptive_avg_pool2d(mask, layer_map.shape[-2:]).double()
        weight = coverage.sum(dim=(1, 2, 3))
        total += (coverage * layer_map.double()).sum(dim=(1, 2, 3)) / weight
    return total.cpu().numpy()
