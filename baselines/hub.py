"""Weight files shared by several baselines, named by the hub repositories that hold them today.

Stable Diffusion 1.5 left ``runwayml/stable-diffusion-v1-5`` (removed from the hub); the maintained copy
is ``stable-diffusion-v1-5/stable-diffusion-v1-5``. Each helper returns the files one official loader
really opens (weights, not only configs), with the names it accepts in their place.
"""

from __future__ import annotations

from interhf_bench.adapters.external import WeightSpec

SD15 = "stable-diffusion-v1-5/stable-diffusion-v1-5"
SD15_LICENCE = "CreativeML OpenRAIL-M"
SD_VAE_MSE = "stabilityai/sd-vae-ft-mse"
IMAGE_VARIATIONS = "lambdalabs/sd-image-variations-diffusers"


def hub_weight(folder: str, repo: str, name: str, licence: str, *alternatives: str) -> WeightSpec:
    """``folder/name`` (checkout-relative), from hub ``repo``'s ``name``; ``alternatives`` in the folder."""
    return WeightSpec(
        f"{folder}/{name}",
        f"HF {repo}: {name}",
        licence,
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
