"""Small random DisCo weights where its demo path reads them (its checkout and environment).

``diffusers/sd-image-variations-diffusers`` under DisCo's ``root_dir`` (``.``): the parts ``Net`` opens
(scheduler, feature extractor, CLIP image encoder, VAE, UNet at SD1.5's architecture with 32-64
channels: nothing in DisCo fixes the widths). Then ``Net`` is built from them as the demo builds it
(``app_demo_image_edit.py`` with the fine-tuning flags that shape the model: ``--refer_sdvae``,
``--combine_clip_local``, ``--ref_null_caption False``), and its state is saved as DeepSpeed saves a
fine-tuned model: ``{"module": state_dict, "global_steps": ...}`` in ``checkpoints/tiktok_cfg``.
"""

import os
from pathlib import Path

os.environ.update({"WANDB_ENABLE": "0", "AZFUSE_USE_FUSE": "0"})  # read by DisCo's modules on import

import torch
from config import BasicArgs
from diffusers import AutoencoderKL, PNDMScheduler, UNet2DConditionModel
from easydict import EasyDict
from transformers import (
    CLIPImageProcessor,
    CLIPVisionConfig,
    CLIPVisionModelWithProjection,
)
from utils.args import sharedArgs
from utils.wutils_ldm import import_filename

CONFIG = "config/ref_attn_clip_combine_controlnet/app_demo_image_edit.py"
VARIATIONS = Path("diffusers/sd-image-variations-diffusers")
CHECKPOINT = Path("checkpoints/tiktok_cfg/mp_rank_00_model_states.pt")
CROSS_ATTENTION = 32  # the image encoder's projection = the UNet's cross-attention width
UNET = {  # SD1.5's layout (as sd-image-variations') at one layer per block
    "sample_size": 32, "in_channels": 4, "out_channels": 4, "layers_per_block": 1,
    "block_out_channels": [32, 64, 64, 64], "attention_head_dim": 8,
    "down_block_types": ["CrossAttnDownBlock2D"] * 3 + ["DownBlock2D"],
    "up_block_types": ["UpBlock2D"] + ["CrossAttnUpBlock2D"] * 3,
    "cross_attention_dim": CROSS_ATTENTION,
}  # fmt: skip
SHAPING_FLAGS = ["--refer_sdvae", "True", "--combine_clip_local", "True", "--ref_null_caption", "False"]


def give_zeros_a_say(module):
    """Zero-initialised projections (the ControlNets' zero convolutions) get small random values, so
    that the pose and the background change the result."""
    for parameter in module.parameters():
        if not parameter.detach().any():
            torch.nn.init.normal_(parameter, std=0.02)


torch.manual_seed(0)
UNet2DConditionModel.from_config(UNET).save_pretrained(VARIATIONS / "unet")
AutoencoderKL(
    block_out_channels=[32] * 4, down_block_types=["DownEncoderBlock2D"] * 4,
    up_block_types=["UpDecoderBlock2D"] * 4, layers_per_block=1,
).save_pretrained(VARIATIONS / "vae")  # fmt: skip
CLIPVisionModelWithProjection(CLIPVisionConfig(
    hidden_size=32, intermediate_size=37, num_hidden_layers=1, num_attention_heads=2, image_size=224,
    patch_size=32, projection_dim=CROSS_ATTENTION,
)).save_pretrained(VARIATIONS / "image_encoder")  # fmt: skip
CLIPImageProcessor(crop_size=224, size=224).save_pretrained(VARIATIONS / "feature_extractor")
PNDMScheduler(
    beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", skip_prk_steps=True, steps_offset=1
).save_pretrained(VARIATIONS / "scheduler")

parsed = sharedArgs.parser.parse_args(args=["--cf", CONFIG, "--root_dir", ".", *SHAPING_FLAGS])
BasicArgs.root_dir = "."  # before the config is imported: its paths are made from it, as in the driver
args = EasyDict(vars(parsed))
for key, value in vars(import_filename(CONFIG).Args).items():  # the config fills what was not given
    if key not in {"root_dir", "refer_sdvae", "combine_clip_local", "ref_null_caption"}:
        args[key] = value
args.enable_xformers_memory_efficient_attention = False  # changes no weight; its check needs CUDA
model = import_filename(CONFIG).Net(args)
give_zeros_a_say(model.controlnet)
CHECKPOINT.parent.mkdir(parents=True, exist_ok=True)
torch.save({"module": model.state_dict(), "global_steps": 0}, CHECKPOINT)
print(f"wrote {VARIATIONS} and {CHECKPOINT} ({len(model.state_dict())} tensors)")
