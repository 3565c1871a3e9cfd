"""LPIPS: our batched path equals the ``lpips`` package called as DisCo calls it (random VGG weights)."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
import torch
import torchvision

from interhf_bench.metrics.lpips_vgg import LPIPSMetric, load_lpips_vgg


@pytest.fixture(scope="module")
def vgg_state() -> dict[str, torch.Tensor]:
    torch.manual_seed(0)
    return torchvision.models.vgg16(weights=None).state_dict()


def disco_reference(
    vgg_state: dict[str, torch.Tensor], generated: np.ndarray, ground_truth: np.ndarray
) -> list[float]:
    """DisCo's code path: lpips.LPIPS(net='vgg') built by the package itself, ToTensor, batch 1."""
    import lpips

    original_vgg16 = torchvision.models.vgg16

    def vgg16_with_our_weights(*args: object, **kwargs: object) -> torch.nn.Module:
        model = original_vgg16(weights=None)
        model.load_state_dict(vgg_state)
        return model

    with mock.patch.object(lpips.pretrained_networks.tv, "vgg16", vgg16_with_our_weights):
        model = lpips.LPIPS(net="vgg", verbose=False)
    to_tensor = torchvision.transforms.ToTensor()
    with torch.no_grad():
        return [
            float(model(to_tensor(g)[None], to_tensor(t)[None]))
            for g, t in zip(generated, ground_truth, strict=True)
        ]


def noisy_pair(shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    ground_truth = rng.integers(0, 256, shape, dtype=np.uint8)
    generated = np.clip(ground_truth.astype(int) + rng.integers(-40, 41, shape), 0, 255).astype(np.uint8)
    return generated, ground_truth


@pytest.fixture(scope="module")
def metric(vgg_state, tmp_path_factory) -> LPIPSMetric:
    path = tmp_path_factory.mktemp("vgg") / "vgg.pth"
    torch.save(vgg_state, path)
    from interhf_bench.weights.registry import get_weight
    from interhf_bench.weights.store import ResolvedWeight

    return LPIPSMetric(ResolvedWeight(get_weight("vgg16-imagenet"), path, "0" * 64, verified=False))


def test_equals_the_package_called_as_disco_does(vgg_state, metric: LPIPSMetric) -> None:
    generated, ground_truth = noisy_pair((3, 64, 48, 3))
    ours = metric.per_frame(generated, ground_truth)
    np.testing.assert_allclose(
        ours, disco_reference(vgg_state, generated, ground_truth), rtol=1e-5, atol=1e-7
    )
    assert (metric.per_frame(ground_truth, ground_truth) == 0).all()
    assert metric.settings["weights_verified"] is False


def test_region_lpips_halves_average_to_the_package_value(vgg_state, metric: LPIPSMetric) -> None:
    generated, ground_truth = noisy_pair((2, 64, 96, 3))
    generated[:, :, 48:] = np.clip(generated[:, :, 48:].astype(int) * 2 - 60, 0, 255).astype(np.uint8)
    full = np.ones((2, 64, 96), bool)
    left = full.copy()
    left[:, :, 48:] = False  # the halves split every VGG layer's map evenly (96 = 16 x 6)
    empty = np.zeros_like(full)
    ours = metric.per_frame_with_regions(
        generated, ground_truth, {"full": full, "left": left, "right": ~left, "empty": empty}
    )
    package = disco_reference(vgg_state, generated, ground_truth)
    np.testing.assert_allclose(ours["full_lpips"], package, rtol=1e-5)
    np.testing.assert_allclose((ours["left_lpips"] + ours["right_lpips"]) / 2, package, rtol=1e-5)
    assert (ours["right_lpips"] > ours["left_lpips"]).all()  # the right half was degraded more
    assert np.isnan(ours["empty_lpips"]).all()


def test_missing_backbone_weights_are_an_error(vgg_state) -> None:
    broken = {k: v for k, v in vgg_state.items() if k != "features.28.weight"}
    with pytest.raises(KeyError, match=r"features\.28\.weight"):
        load_lpips_vgg(broken)
