"""Inference: shapes, determinism for a seed, checkpoints that reproduce their frames."""

from __future__ import annotations

import numpy as np
import pytest

from interanimate.pipeline import InterAnimatePipeline
from interanimate.presets import tiny_components

HEIGHT, WIDTH, FRAMES = 48, 32, 6  # FRAMES includes the reference frame 0


def inputs(seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    masks = np.zeros((FRAMES, HEIGHT, WIDTH), bool)
    masks[:, 8:24, 4:20] = True
    return {
        "reference": rng.integers(0, 256, (HEIGHT, WIDTH, 3), np.uint8),
        "pose_images": rng.integers(0, 256, (FRAMES, HEIGHT, WIDTH, 3), np.uint8),
        "region_masks": masks,
        "identity": rng.standard_normal(512).astype(np.float32),
    }


@pytest.fixture(scope="module")
def pipeline():
    return InterAnimatePipeline.from_components(tiny_components(seed=0))


SAMPLING = {"num_inference_steps": 2, "tile_size": 4, "tile_overlap": 1}


def test_frames_have_the_target_shape_without_the_reference(pipeline):
    frames = pipeline(**inputs(), seed=3, **SAMPLING)
    assert frames.shape == (FRAMES - 1, HEIGHT, WIDTH, 3) and frames.dtype == np.uint8


def test_same_seed_same_frames_other_seed_other_frames(pipeline):
    first = pipeline(**inputs(), seed=3, **SAMPLING)
    again = pipeline(**inputs(), seed=3, **SAMPLING)
    other = pipeline(**inputs(), seed=4, **SAMPLING)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_without_guidance_only_the_conditional_branch_runs(pipeline):
    frames = pipeline(**inputs(), seed=3, min_guidance_scale=1.0, max_guidance_scale=1.0, **SAMPLING)
    assert frames.shape == (FRAMES - 1, HEIGHT, WIDTH, 3)


@pytest.mark.parametrize("switches", [{}, {"use_id": False}, {"use_ris": False}])
def test_one_batched_guidance_call_equals_the_two_branches_run_apart(switches):
    import torch

    from tests.interanimate.conftest import model_inputs

    pipeline = InterAnimatePipeline.from_components(tiny_components(seed=0, **switches))
    values = model_inputs(frames=4, size=64)
    noisy, reference = values["sample"].chunk(2, dim=2)
    clip, time_ids, identity = values["encoder_hidden_states"], values["added_time_ids"], values["identity"]
    timestep = torch.tensor(0.3)
    poses, masks = values["pose_images"], values["region_mask"]
    with torch.inference_mode():
        conditions = (clip, time_ids, identity, torch.zeros_like(identity))
        cond, uncond = pipeline._window_prediction(noisy, reference, poses, masks, timestep, conditions, True)
        model = pipeline.model
        apart_cond = model(values["sample"], timestep, clip, time_ids, poses, masks, identity)
        no_reference = torch.cat([noisy, torch.zeros_like(reference)], dim=2)
        zero_id = torch.zeros_like(identity)
        apart_uncond = model(no_reference, timestep, torch.zeros_like(clip), time_ids, None, masks, zero_id)
    torch.testing.assert_close(cond, apart_cond, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(uncond, apart_uncond, rtol=1e-4, atol=1e-5)


def test_checkpoint_round_trip_reproduces_the_frames(pipeline, tmp_path):
    pipeline.save_checkpoint(tmp_path / "ckpt", {"variant": "full"})
    loaded = InterAnimatePipeline.from_checkpoint(tmp_path / "ckpt")
    assert np.array_equal(pipeline(**inputs(), seed=5, **SAMPLING), loaded(**inputs(), seed=5, **SAMPLING))


def test_bad_inputs_are_named(pipeline, tmp_path):
    bad = inputs()
    bad["region_masks"] = bad["region_masks"][:-1]
    with pytest.raises(ValueError, match="5 masks for 6 pose images"):
        pipeline(**bad, **SAMPLING)
    with pytest.raises(FileNotFoundError, match="not an InterAnimate checkpoint"):
        InterAnimatePipeline.from_checkpoint(tmp_path)
