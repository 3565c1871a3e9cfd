"""Soft quantization of features against the interaction latents, and the latents' orthogonality loss.

Soft quantization replaces each feature by a convex combination of the interaction latents, weighted by a
softmax over negative squared distances of the L2-normalised vectors divided by a temperature. Normalising
first keeps the softmax soft for features of any scale (raw LayerNorm'd features would make it hard and
kill its gradients). Both run in float32 whatever the autocast dtype.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

_EPS = 1e-6


def soft_assignment(features: torch.Tensor, codes: torch.Tensor, tau: float) -> torch.Tensor:
    """``(..., K)`` rows summing to 1: how much each feature ``(..., C)`` draws on each code ``(K, C)``."""
    x = F.normalize(features.float(), dim=-1, eps=_EPS)
    e = F.normalize(codes.float(), dim=-1, eps=_EPS)
    # ||x - e||^2 = 2 - 2 x.e for unit vectors: logits in [-4 / tau, 0]
    logits = (2.0 * (x @ e.transpose(0, 1)) - 2.0) / tau
    return logits.softmax(dim=-1)


def soft_quantize(
    features: torch.Tensor, codes: torch.Tensor, tau: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(quantized, assignment)``: features rewritten as mixtures of the (unnormalised) codes."""
    assignment = soft_assignment(features, codes, tau)
    quantized = assignment @ codes.float()
    return quantized.to(features.dtype), assignment


def perplexity(assignment: torch.Tensor) -> torch.Tensor:
    """exp(entropy) of the mean code usage: 1 when one code takes everything, K when all are used evenly."""
    usage = assignment.reshape(-1, assignment.shape[-1]).float().mean(dim=0)
    entropy = -(usage * torch.log(usage.clamp_min(1e-12))).sum()
    return entropy.exp()


def orthogonality_loss(latents: torch.Tensor) -> torch.Tensor:
    """``||L^ L^T - I||_F^2 / K^2`` for row-normalised ``(K, d)`` latents: 0 iff the rows are orthogonal."""
    unit = F.normalize(latents.float(), dim=-1, eps=_EPS)
    gram = unit @ unit.transpose(0, 1)
    identity = torch.eye(gram.shape[0], device=gram.device, dtype=gram.dtype)
    return ((gram - identity) ** 2).sum() / gram.shape[0] ** 2
