"""Soft quantization and the orthogonality loss."""

from __future__ import annotations

import math

import pytest
import torch

from interanimate.quantize import orthogonality_loss, perplexity, soft_assignment, soft_quantize


def test_assignments_are_distributions_with_the_right_shapes():
    features, codes = torch.randn(2, 5, 16), torch.randn(7, 16)
    quantized, assignment = soft_quantize(features, codes, tau=0.5)
    assert quantized.shape == (2, 5, 16) and assignment.shape == (2, 5, 7)
    torch.testing.assert_close(assignment.sum(-1), torch.ones(2, 5))
    assert torch.all(assignment > 0)
    # logits lie in [-4 / tau, 0], so no code gets less than exp(-8) of the best one's weight
    ratio = assignment.min(-1).values / assignment.max(-1).values
    assert torch.all(ratio >= math.exp(-8) - 1e-9)


def test_quantized_features_are_mixtures_of_the_codes():
    features, codes = torch.randn(4, 8), torch.randn(3, 8)
    quantized, assignment = soft_quantize(features, codes, tau=0.5)
    torch.testing.assert_close(quantized, assignment @ codes)


def test_small_temperature_tends_to_hard_nearest_neighbour():
    features, codes = torch.randn(50, 8), torch.randn(6, 8)
    nearest = torch.cdist(
        torch.nn.functional.normalize(features, dim=-1), torch.nn.functional.normalize(codes, dim=-1)
    ).argmin(-1)
    assignment = soft_assignment(features, codes, tau=1e-4)
    assert torch.equal(assignment.argmax(-1), nearest)
    assert torch.all(assignment.max(-1).values > 0.99)


def test_scale_of_the_features_does_not_change_the_assignment():
    features, codes = torch.randn(5, 8), torch.randn(4, 8)
    torch.testing.assert_close(
        soft_assignment(features, codes, 0.5), soft_assignment(100 * features, codes, 0.5)
    )


def test_gradients_reach_features_and_codes():
    features = torch.randn(3, 8, requires_grad=True)
    codes = torch.randn(4, 8, requires_grad=True)
    quantized, _ = soft_quantize(features, codes, tau=0.5)
    quantized.square().sum().backward()
    assert features.grad is not None and features.grad.abs().sum() > 0
    assert codes.grad is not None and codes.grad.abs().sum() > 0


def test_perplexity_bounds():
    assert float(perplexity(torch.eye(4)[[0, 0, 0]])) == pytest.approx(1.0)
    assert float(perplexity(torch.full((10, 4), 0.25))) == pytest.approx(4.0)


def test_orthogonal_latents_give_zero_and_identical_ones_the_maximum():
    q, _ = torch.linalg.qr(torch.randn(32, 32))
    assert float(orthogonality_loss(q[:16] * 3.0)) == pytest.approx(0.0, abs=1e-10)
    same = torch.ones(8, 32)
    assert float(orthogonality_loss(same)) == pytest.approx(1 - 1 / 8)  # (K^2 - K) / K^2


def test_orthogonality_loss_matches_the_mean_squared_off_diagonal_cosine():
    latents = torch.randn(6, 10, dtype=torch.float64)
    cosines = torch.nn.functional.cosine_similarity(latents[:, None], latents[None], dim=-1)
    off = cosines[~torch.eye(6, dtype=torch.bool)]
    expected = off.square().sum() / 36
    assert float(orthogonality_loss(latents)) == pytest.approx(float(expected), rel=1e-5)


def test_orthogonality_gradient_pushes_towards_orthogonal():
    latents = torch.randn(8, 16, generator=torch.Generator().manual_seed(0)).requires_grad_()
    optimizer = torch.optim.Adam([latents], lr=0.05)
    start = orthogonality_loss(latents).item()
    for _ in range(200):
        optimizer.zero_grad()
        orthogonality_loss(latents).backward()
        optimizer.step()
    assert orthogonality_loss(latents).item() < start / 1000
