"""EDM loss with amplification and MimicMotion's windows and fusion weights."""

from __future__ import annotations

import pytest
import torch

from interanimate.losses import EdmCoefficients, amplification_weights, diffusion_loss, total_loss
from interanimate.tiling import sampling_windows, triangular_weights


def test_edm_coefficients_match_svd_preconditioning():
    sigma = torch.tensor([0.5, 2.0])
    c = EdmCoefficients.from_sigma(sigma)
    s = sigma.view(-1, 1, 1, 1, 1)
    torch.testing.assert_close(c.c_in, 1 / (s**2 + 1).sqrt())
    torch.testing.assert_close(c.c_noise, 0.25 * sigma.log())
    torch.testing.assert_close(c.c_skip, 1 / (s**2 + 1))
    torch.testing.assert_close(c.c_out, -s / (s**2 + 1).sqrt())
    torch.testing.assert_close(c.weight, (1 + s**2) / s**2)


def test_the_v_prediction_target_gives_zero_loss():
    """With F = v = (x_sigma * c_skip - x0) / -c_out... i.e. the exact target, D equals x0."""
    clean, noise = torch.randn(2, 3, 4, 5, 5), torch.randn(2, 3, 4, 5, 5)
    sigma = torch.tensor([0.3, 4.0])
    c = EdmCoefficients.from_sigma(sigma)
    noisy = clean + sigma.view(-1, 1, 1, 1, 1) * noise
    target = (clean - c.c_skip * noisy) / c.c_out
    denoised = c.c_skip * noisy + c.c_out * target
    weights = torch.ones(2, 3, 1, 5, 5)
    assert float(diffusion_loss(denoised, clean, c, weights)) == pytest.approx(0.0, abs=1e-10)


def test_amplification_weights():
    hand = torch.zeros(1, 1, 16, 16, dtype=torch.bool)
    face = torch.zeros(1, 1, 16, 16, dtype=torch.bool)
    hand[..., 0:2, 0:2] = True  # one pixel of the 8x8 grid's cell (0, 0): max-pooled in
    face[..., 8:16, 8:16] = True
    face[..., 0:2, 0:2] = True
    maximum = amplification_weights(hand, face, (8, 8), 3.0, 2.0, "max")[0, 0, 0]
    additive = amplification_weights(hand, face, (8, 8), 3.0, 2.0, "additive")[0, 0, 0]
    assert maximum[0, 0] == 3.0 and additive[0, 0] == 4.0  # overlap: max(3, 2) vs 1 + 2 + 1
    assert maximum[5, 5] == 2.0 and additive[5, 5] == 2.0
    assert maximum[2, 5] == 1.0 and additive[2, 5] == 1.0
    with pytest.raises(ValueError, match="amplification mode"):
        amplification_weights(hand, face, (8, 8), 3.0, 2.0, "mean")


def test_loss_weights_scale_the_error_where_amplified():
    clean = torch.zeros(1, 1, 1, 2, 2)
    denoised = torch.ones(1, 1, 1, 2, 2)
    c = EdmCoefficients.from_sigma(torch.tensor([1.0]))  # lambda(1) = 2
    weights = torch.tensor([[[[[1.0, 2.0], [1.0, 1.0]]]]])
    assert float(diffusion_loss(denoised, clean, c, weights)) == pytest.approx(2 * 5 / 4)


def test_total_loss_leaves_the_orthogonality_term_out_at_zero_weight():
    diffusion, ortho = torch.tensor(1.0), torch.tensor(float("nan"))
    assert float(total_loss(diffusion, ortho, 0.0)) == 1.0
    assert float(total_loss(diffusion, torch.tensor(2.0), 0.1)) == pytest.approx(1.2)


def test_windows_follow_mimicmotion():
    # baselines.md section 1.4's worked example: N=17, T=16, O=6
    assert sampling_windows(17, 16, 6) == [list(range(16)), [0, *range(2, 17)]]
    assert sampling_windows(10, 16, 4) == [list(range(10))]
    windows = sampling_windows(49, 16, 4)
    assert all(window[0] == 0 and len(window) == 16 for window in windows)
    assert set().union(*windows) == set(range(49))
    assert windows[1][1] == 13  # steps of T - O = 12
    with pytest.raises(ValueError):
        sampling_windows(20, 16, 15)


def test_triangular_weights():
    weights = triangular_weights(4)
    torch.testing.assert_close(weights, torch.tensor([0.25, 0.75, 0.75, 0.25]))
    assert float(triangular_weights(16)[0]) == pytest.approx(1 / 16)
