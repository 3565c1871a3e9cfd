"""Training losses: SVD's EDM diffusion loss with hand/face amplification, plus the orthogonality loss.

EDM preconditioning for SVD's v-prediction UNet (SVD-Xtend, StableAnimator): ``c_in = 1/sqrt(s^2+1)``,
``c_noise = ln(s)/4``, ``c_skip = 1/(s^2+1)``, ``c_out = -s/sqrt(s^2+1)``, loss weight ``(1+s^2)/s^2``.
The amplification weight per latent pixel is ``max(1, a_hand*M_hand, a_face*M_face)`` ("max", the
default) or ``1 + (a_hand-1)*M_hand + (a_face-1)*M_face`` ("additive"); weights are not renormalised.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class EdmCoefficients:
    """Per-sample preconditioning, shaped ``(B, 1, 1, 1, 1)`` to broadcast over ``(B, F, C, h, w)``."""

    c_in: torch.Tensor
    c_noise: torch.Tensor  # (B,), the UNet's timestep input
    c_skip: torch.Tensor
    c_out: torch.Tensor
    weight: torch.Tensor

    @classmethod
    def from_sigma(cls, sigma: torch.Tensor) -> EdmCoefficients:
        s = sigma.view(-1, 1, 1, 1, 1)
        return cls(
            c_in=1 / torch.sqrt(s**2 + 1),
            c_noise=0.25 * torch.log(sigma),
            c_skip=1 / (s**2 + 1),
            c_out=-s / torch.sqrt(s**2 + 1),
            weight=(1 + s**2) / s**2,
        )


def sample_sigma(
    batch: int, generator: torch.Generator | None = None, mean: float = 0.7, std: float = 1.6
) -> torch.Tensor:
    """``ln sigma ~ N(mean, std^2)`` (SVD-Xtend's log-normal draw)."""
    return torch.exp(mean + std * torch.randn(batch, generator=generator))


def amplification_weights(
    hand_mask: torch.Tensor,
    face_mask: torch.Tensor,
    latent_size: tuple[int, int],
    alpha_hand: float,
    alpha_face: float,
    mode: Literal["max", "additive"] = "max",
) -> torch.Tensor:
    """``(B, F, 1, h, w)`` loss weights from ``(B, F, H, W)`` pixel masks, max-pooled to the latent grid."""

    def pooled(mask: torch.Tensor) -> torch.Tensor:
        flat = mask.flatten(0, 1).unsqueeze(1).float()
        return F.adaptive_max_pool2d(flat, latent_size).view(*mask.shape[:2], 1, *latent_size)

    hand, face = pooled(hand_mask), pooled(face_mask)
    if mode == "max":
        return torch.maximum(torch.ones_like(hand), torch.maximum(alpha_hand * hand, alpha_face * face))
    if mode == "additive":
        return 1 + (alpha_hand - 1) * hand + (alpha_face - 1) * face
    raise ValueError(f"amplification mode must be 'max' or 'additive', got {mode!r}")


def diffusion_loss(
    denoised: torch.Tensor, clean: torch.Tensor, coefficients: EdmCoefficients, weights: torch.Tensor
) -> torch.Tensor:
    """``mean_b mean_{f,c,h,w} lambda(sigma) * W * (D - x0)^2``: the EDM loss, amplified by ``W``."""
    per_element = coefficients.weight * weights * (denoised.float() - clean.float()) ** 2
    return per_element.flatten(1).mean(dim=1).mean()


def total_loss(diffusion: torch.Tensor, orthogonality: torch.Tensor, lambda_ortho: float) -> torch.Tensor:
    """``L_diff + lambda_o * L_o``; with ``lambda_o = 0`` the orthogonality term is left out entirely."""
    return diffusion if lambda_ortho == 0 else diffusion + lambda_ortho * orthogonality
