"""A differentiable SSIM with the benchmark's recipe, as a training loss for the tiny VAE.

The benchmark scores SSIM the DisCo way (``interhf_bench.metrics.pixel``): grey frames in 0-255,
skimage's defaults (7x7 uniform window, sample covariance, K1 0.01, K2 0.03), averaged over the valid
windows. An autoencoder trained on L1 + MSE alone blurs the fine structure that SSIM weighs; adding
``1 - ssim`` to its loss (``vae_ssim_weight``) sharpens it.
The grey conversion is OpenCV's weights without its rounding to uint8, which a gradient cannot pass.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

WINDOW = 7
_GREY = (0.299, 0.587, 0.114)  # cv2.COLOR_RGB2GRAY
_C1 = (0.01 * 255) ** 2
_C2 = (0.03 * 255) ** 2


def grey_0_255(pixels: torch.Tensor) -> torch.Tensor:
    """``(N, 3, H, W)`` RGB in [-1, 1] to ``(N, 1, H, W)`` grey in [0, 255]."""
    weights = torch.tensor(_GREY, dtype=pixels.dtype, device=pixels.device).view(1, 3, 1, 1)
    return ((pixels.clamp(-1, 1) + 1) * 127.5 * weights).sum(dim=1, keepdim=True)


def _window_mean(image: torch.Tensor) -> torch.Tensor:
    """Means over every full 7x7 window (skimage then crops the border windows before averaging)."""
    return F.avg_pool2d(image, WINDOW, stride=1)


def ssim(generated: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean SSIM of ``(N, 3, H, W)`` RGB frames in [-1, 1] (skimage's defaults on their grey)."""
    x, y = grey_0_255(generated.float()), grey_0_255(target.float())
    unbiased = WINDOW**2 / (WINDOW**2 - 1)  # skimage's sample covariance
    mean_x, mean_y = _window_mean(x), _window_mean(y)
    var_x = unbiased * (_window_mean(x * x) - mean_x * mean_x)
    var_y = unbiased * (_window_mean(y * y) - mean_y * mean_y)
    cov = unbiased * (_window_mean(x * y) - mean_x * mean_y)
    numerator = (2 * mean_x * mean_y + _C1) * (2 * cov + _C2)
    denominator = (mean_x * mean_x + mean_y * mean_y + _C1) * (var_x + var_y + _C2)
    return (numerator / denominator).mean()
