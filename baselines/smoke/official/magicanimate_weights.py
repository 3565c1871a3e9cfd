"""Small random MagicAnimate weights where ``magicanimate.pipelines.animation.main`` reads them (its
checkout and environment), in its README's ``pretrained_models/`` layout.

Nothing in MagicAnimate fixes the widths, so every network is SD1.5's architecture at 32-64 channels
(with its two layers per block: the appearance encoder edits the third attention of its last up block):
the SD1.5 UNet (``unet/diffusion_pytorch_model.bin``, the only file ``from_pretrained_2d`` reads), the
appearance encoder and the DensePose ControlNet built from the same UNet (the reference attention pairs
their transformer blocks one to one), the temporal attention checkpoint (the motion modules of the 3D
UNet that ``inference.yaml`` builds), a one-layer CLIP text encoder with its tokenizer, and the VAE.
"""

from pathlib import Path

import torch
from diffusers import UNet2DConditionModel
from magicanimate.models.appearance_encoder import AppearanceEncoderModel
from magicanimate.models.controlnet import ControlNetModel
from magicanimate.models.unet_controlnet import UNet3DConditionModel
from omegaconf import OmegaConf
from sd15_tiny import SD15_UNET, keep_published_unet_keys, text_encoder, vae, write_tokenizer

MODELS = Path("pretrained_models")
SD15 = MODELS / "stable-diffusion-v1-5"
MAGIC = MODELS / "MagicAnimate"
UNET = {
    **SD15_UNET,
    "block_out_channels": [32, 64, 64, 64],
    "layers_per_block": 2,
}  # the encoder edits up_blocks[3].attentions[2]


def give_zeros_a_say(module):
    """Zero-initialised projections (ControlNet's zero convolutions, the motion modules' outputs) get
    small random values, so that the DensePose input and the temporal layers change the result."""
    for parameter in module.parameters():
        if not parameter.detach().any():
            torch.nn.init.normal_(parameter, std=0.02)


torch.manual_seed(0)
unet = UNet2DConditionModel.from_config(UNET)
unet.save_pretrained(SD15 / "unet", safe_serialization=False)
keep_published_unet_keys(SD15 / "unet")
tokenizer = write_tokenizer(SD15 / "tokenizer")
text_encoder(tokenizer).save_pretrained(SD15 / "text_encoder")
vae().save_pretrained(MODELS / "sd-vae-ft-mse")
AppearanceEncoderModel.from_config(UNET).save_pretrained(MAGIC / "appearance_encoder")
controlnet = ControlNetModel.from_unet(unet)
give_zeros_a_say(controlnet)
controlnet.save_pretrained(MAGIC / "densepose_controlnet")
kwargs = OmegaConf.to_container(OmegaConf.load("configs/inference/inference.yaml").unet_additional_kwargs)
temporal = UNet3DConditionModel.from_pretrained_2d(str(SD15), subfolder="unet", unet_additional_kwargs=kwargs)
give_zeros_a_say(temporal)
motion = {k: v for k, v in temporal.state_dict().items() if "motion_modules" in k}
(MAGIC / "temporal_attention").mkdir(parents=True, exist_ok=True)
torch.save(motion, MAGIC / "temporal_attention" / "temporal_attention.ckpt")
print(f"wrote {MODELS} ({len(motion)} motion-module tensors)")
