"""Conditioning dropout: SVD-Xtend's CLIP and reference bands, and a band that is exactly the
unconditional branch of classifier-free guidance."""

from __future__ import annotations

import torch

from interanimate.conditioning import conditioning_keep


def test_clip_and_reference_bands_follow_svd_xtend():
    p = 0.1
    draw = torch.tensor([0.05, 0.15, 0.25, 0.35, 0.95])
    keep_clip, keep_reference, _ = conditioning_keep(draw, p)
    # SVD-Xtend train_svd.py: prompt dropped for r < 2p, image latents for p <= r < 3p
    assert keep_clip.tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]
    assert keep_reference.tolist() == [1.0, 0.0, 0.0, 1.0, 1.0]


def test_pose_is_dropped_exactly_where_everything_else_is():
    """The inference's unconditional input (no CLIP, reference, pose) must be a training input."""
    p = 0.1
    draw = torch.linspace(0, 1, 10_001)[:-1]
    keep_clip, keep_reference, keep_pose = conditioning_keep(draw, p)
    unconditional = (keep_clip == 0) & (keep_reference == 0) & (keep_pose == 0)
    assert torch.equal(keep_pose == 0, unconditional)
    assert abs(float(unconditional.float().mean()) - p) < 1e-3
    assert bool((keep_pose[draw >= 2 * p] == 1).all())


def test_no_dropout_keeps_everything():
    keep = conditioning_keep(torch.rand(100), 0.0)
    assert all(bool((k == 1).all()) for k in keep)
