"""Weight files shared by several baselines, named by the hub repositories that hold them today.

Stable Diffusion 1.5 left ``runwayml/stable-diffusion-v1-5`` (removed from the hub); the maintained copy
is ``stable-diffusion-v1-5/stable-diffusion-v1-5``. Each helper returns the files one official loader
really opens (weights, not only configs), with the names it accepts in their place.

:data:`PUBLISHED` holds the size and sha256 the hub publishes for a file (its Git LFS pointer), where one
was found; :func:`hub_weight` attaches them, so ``baselines setup`` checks those files exactly. Where a
loader also accepts another name (``alternatives``), a file under that name is checked for presence only.
"""

from __future__ import annotations

from interhf_bench.adapters.external import WeightSpec

SD15 = "stable-diffusion-v1-5/stable-diffusion-v1-5"
SD15_LICENCE = "CreativeML OpenRAIL-M"
SD_VAE_MSE = "stabilityai/sd-vae-ft-mse"
IMAGE_VARIATIONS = "lambdalabs/sd-image-variations-diffusers"
SVD_XT_1_1 = "stabilityai/stable-video-diffusion-img2vid-xt-1-1"

PUBLISHED: dict[tuple[str, str], tuple[int, str]] = {
    # SD1.5 at 451f4fe1 (its LFS objects are runwayml's at 1d0c4ebf, the last revision of the removed repo)
    (SD15, "unet/diffusion_pytorch_model.bin"): (
        3_438_354_725, "c7da0e21ba7ea50637bee26e81c220844defdf01aafca02b2c42ecdadb813de4"),
    (SD15, "unet/diffusion_pytorch_model.fp16.safetensors"): (
        1_719_125_304, "c83908253f9a64d08c25fc90874c9c8aef9a329ce1ca5fb909d73b0c83d1ea21"),
    (SD15, "vae/diffusion_pytorch_model.fp16.safetensors"): (
        167_335_342, "4fbcf0ebe55a0984f5a5e00d8c4521d52359af7229bb4d81890039d2aa16dd7c"),
    (SD15, "text_encoder/model.fp16.safetensors"): (
        246_144_864, "77795e2023adcf39bc29a884661950380bd093cf0750a966d473d1718dc9ef4e"),
    (SD15, "text_encoder/pytorch_model.bin"): (
        492_305_335, "770a47a9ffdcfda0b05506a7888ed714d06131d60267e6cf52765d61cf59fd67"),
    # sd-vae-ft-mse at 31f26fde
    (SD_VAE_MSE, "diffusion_pytorch_model.safetensors"): (
        334_643_276, "a1d993488569e928462932c8c38a0760b874d166399b14414135bd9c42df5815"),
    # sd-image-variations-diffusers at 42bc0ee1 (its VAE is sd-vae-ft-mse's .bin)
    (IMAGE_VARIATIONS, "image_encoder/pytorch_model.bin"): (
        1_215_993_967, "89d2aa29b5fdf64f3ad4f45fb4227ea98bc45156bbae673b85be1af7783dbabb"),
    (IMAGE_VARIATIONS, "unet/diffusion_pytorch_model.bin"): (
        3_438_354_725, "ee23e3368e4e7c0e4ef636ed61923609c97fcaa583f8bb416e3e0986d4a0cfc6"),
    (IMAGE_VARIATIONS, "vae/diffusion_pytorch_model.bin"): (
        334_707_217, "1b4889b6b1d4ce7ae320a02dedaeff1780ad77d415ea0d744b476155c6377ddc"),
    # SVD img2vid-xt-1.1 at 04384388
    (SVD_XT_1_1, "vae/diffusion_pytorch_model.fp16.safetensors"): (
        195_531_910, "af602cd0eb4ad6086ec94fbf1438dfb1be5ec9ac03fd0215640854e90d6463a3"),
    (SVD_XT_1_1, "image_encoder/model.fp16.safetensors"): (
        1_264_217_240, "ae616c24393dd1854372b0639e5541666f7521cbe219669255e865cb7f89466a"),
}  # fmt: skip
"""(hub repository, file) -> (size in bytes, sha256), as the hub's LFS pointers give them; see
docs/baselines.md for where each was read."""


def published(repo: str, name: str) -> tuple[int | None, str | None]:
    """The published ``(size, sha256)`` of hub ``repo``'s ``name``, or ``(None, None)``."""
    return PUBLISHED.get((repo, name), (None, None))


def hub_weight(folder: str, repo: str, name: str, licence: str, *alternatives: str) -> WeightSpec:
    """``folder/name`` (checkout-relative), from hub ``repo``'s ``name``; ``alternatives`` in the folder;
    with the published size and sha256 where :data:`PUBLISHED` has them."""
    size, sha256 = published(repo, name)
    return WeightSpec(
        f"{folder}/{name}",
        f"HF {repo}: {name}",
        licence,
        size=size,
        sha256=sha256,
        alternatives=tuple(f"{folder}/{other}" for other in alternatives),
    )


def sd15_unet(folder: str, *names: str) -> tuple[WeightSpec, ...]:
    """SD1.5's ``unet/config.json`` and the UNet weight file the loader opens (``names``: first choice
    first, then what it also accepts)."""
    first, *others = names
    return (
        hub_weight(folder, SD15, "unet/config.json", SD15_LICENCE),
        hub_weight(folder, SD15, f"unet/{first}", SD15_LICENCE, *(f"unet/{o}" for o in others)),
    )


def sd_vae_mse(folder: str) -> tuple[WeightSpec, ...]:
    """sd-vae-ft-mse as diffusers' ``AutoencoderKL.from_pretrained`` opens it (safetensors, else bin)."""
    return (
        hub_weight(folder, SD_VAE_MSE, "config.json", "MIT"),
        hub_weight(
            folder, SD_VAE_MSE, "diffusion_pytorch_model.safetensors", "MIT", "diffusion_pytorch_model.bin"
        ),
    )
