"""`baselines setup` checks the hub's published size and sha256 wherever they were found."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from baselines.hub import IMAGE_VARIATIONS, PUBLISHED, SD15, SD_VAE_MSE, SVD_XT_1_1
from interhf_bench.adapters.external import ExternalAdapter, WeightSpec
from interhf_bench.adapters.registry import MethodRegistry

BASELINES = ("mimicmotion", "stableanimator", "dispose", "animateanyone", "magicanimate", "disco")


def adapter_class(name: str) -> type[ExternalAdapter]:
    return MethodRegistry().load(name)  # type: ignore[return-value]


def weights(name: str) -> dict[str, WeightSpec]:
    return {weight.path: weight for weight in adapter_class(name).external.weights}


# one file of each hub repository in PUBLISHED, as a method's setup checks it
NEWLY_COVERED = [
    ("animateanyone", "pretrained_weights/sd-vae-ft-mse/diffusion_pytorch_model.safetensors", SD_VAE_MSE),
    ("animateanyone", "pretrained_weights/image_encoder/pytorch_model.bin", IMAGE_VARIATIONS),
    ("magicanimate", "pretrained_models/stable-diffusion-v1-5/unet/diffusion_pytorch_model.bin", SD15),
    ("dispose", "pretrained_weights/stable-diffusion-v1-5/text_encoder/model.fp16.safetensors", SD15),
    (
        "mimicmotion",
        "models/stable-video-diffusion-img2vid-xt-1-1/vae/diffusion_pytorch_model.fp16.safetensors",
        SVD_XT_1_1,
    ),
    (
        "disco",
        "diffusers/sd-image-variations-diffusers/unet/diffusion_pytorch_model.bin",
        IMAGE_VARIATIONS,
    ),
]


@pytest.mark.parametrize(("name", "path", "repo"), NEWLY_COVERED)
def test_a_file_of_the_wrong_size_is_refused_with_the_published_size(
    tmp_path: Path, name: str, path: str, repo: str
) -> None:
    weight = weights(name)[path]
    assert weight.size is not None and weight.sha256 is not None and len(weight.sha256) == 64
    assert f"HF {repo}: " in weight.source
    file = tmp_path / path
    file.parent.mkdir(parents=True)
    file.write_bytes(b"not the published weights")
    adapter = adapter_class(name)(adapter_class(name).Settings(checkout=str(tmp_path)))
    checks = {check.item: check for check in adapter.check_setup(hash_weights=False)}
    assert not checks[path].ok
    assert f"expected {weight.size}" in checks[path].detail and repo in (checks[path].fix or "")


def test_every_published_entry_is_checked_by_some_baseline() -> None:
    checked = {
        (weight.source, weight.size, weight.sha256) for name in BASELINES for weight in weights(name).values()
    }
    for (repo, file), (size, sha256) in PUBLISHED.items():
        assert (f"HF {repo}: {file}", size, sha256) in checked, (repo, file)


def test_a_hub_file_has_the_same_published_size_and_hash_in_every_method() -> None:
    seen: dict[str, set[tuple[int | None, str | None]]] = defaultdict(set)
    for name in BASELINES:
        for weight in weights(name).values():
            seen[weight.source].add((weight.size, weight.sha256))
    assert {source: found for source, found in seen.items() if len(found) > 1} == {}


def test_published_values_have_the_form_of_an_lfs_pointer() -> None:
    for size, sha256 in PUBLISHED.values():
        assert size > 0 and len(sha256) == 64 and int(sha256, 16) >= 0 and sha256 == sha256.lower()


def test_stableanimators_antelopev2_files_carry_insightfaces_hashes() -> None:
    antelope = {p: w for p, w in weights("stableanimator").items() if p.startswith("models/antelopev2/")}
    assert len(antelope) == 5 and all(w.sha256 and len(w.sha256) == 64 for w in antelope.values())


def test_where_only_the_sha256_is_published_setup_refuses_other_bytes(tmp_path: Path) -> None:
    path = "pretrained_weights/motion_module.pth"  # patrolli/AnimateAnyone: a sha256, no published size
    weight = weights("animateanyone")[path]
    assert weight.size is None and weight.sha256 is not None
    file = tmp_path / path
    file.parent.mkdir(parents=True)
    file.write_bytes(b"not the published weights")
    adapter = adapter_class("animateanyone")(adapter_class("animateanyone").Settings(checkout=str(tmp_path)))
    hashed = {check.item: check for check in adapter.check_setup()}
    assert not hashed[path].ok and f"expected {weight.sha256}" in hashed[path].detail
    unhashed = {check.item: check for check in adapter.check_setup(hash_weights=False)}
    assert unhashed[path].ok  # a run checks sizes only, and none is published for this file
