"""Small random Moore-AnimateAnyone weights where ``scripts/pose2vid.py``'s loaders read them.

``UNet3DConditionModel.from_pretrained_2d`` rewrites the SD1.5 UNet config to four down and four up
blocks, and the driver builds ``PoseGuider(320, ...)``, whose features are added to the UNet's first
block: so the UNet keeps SD1.5's four levels and 320 channels, with one layer per block. The VAE
downsamples by 8 (the PoseGuider's three stride-2 convolutions); the CLIP encoder's projection is the
UNet's cross-attention width.
"""

from pathlib import Path

import torch
from diffusers import AutoencoderKL
from omegaconf import OmegaConf
from src.models.pose_guider import PoseGuider
from src.models.unet_2d_condition import UNet2DConditionModel
from src.models.unet_3d import UNet3DConditionModel
from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

WEIGHTS = Path("pretrained_weights")
CROSS_ATTENTION = 32
SD15_UNET = {  # SD1.5's layout at one layer per block and a narrow cross-attention
    "sample_size": 64, "in_channels": 4, "out_channels": 4, "layers_per_block": 1,
    "block_out_channels": [320, 320, 320, 320], "attention_head_dim": 8,
    "down_block_types": ["CrossAttnDownBlock2D"] * 3 + ["DownBlock2D"],
    "up_block_types": ["UpBlock2D"] + ["CrossAttnUpBlock2D"] * 3,
    "cross_attention_dim": CROSS_ATTENTION,
}  # fmt: skip

torch.manual_seed(0)
base = WEIGHTS / "stable-diffusion-v1-5"
UNet2DConditionModel.from_config(SD15_UNET).save_pretrained(base / "unet", safe_serialization=False)
reference = UNet2DConditionModel.from_pretrained(base, subfolder="unet")
torch.save(reference.state_dict(), WEIGHTS / "reference_unet.pth")
kwargs = OmegaConf.to_container(OmegaConf.load("configs/inference/inference_v2.yaml").unet_additional_kwargs)
empty = WEIGHTS / "no_motion_module.pth"
torch.save({}, empty)
denoising = UNet3DConditionModel.from_pretrained_2d(
    base, str(empty), subfolder="unet", unet_additional_kwargs=kwargs
)
empty.unlink()
state = denoising.state_dict()
torch.save({k: v for k, v in state.items() if "motion_modules" in k}, WEIGHTS / "motion_module.pth")
torch.save(state, WEIGHTS / "denoising_unet.pth")
pose_guider = PoseGuider(320, block_out_channels=(16, 32, 96, 256))
for parameter in pose_guider.parameters():  # its output convolution starts at zero: give the pose a say
    torch.nn.init.normal_(parameter, std=0.05)
torch.save(pose_guider.state_dict(), WEIGHTS / "pose_guider.pth")
AutoencoderKL(
    block_out_channels=[32] * 4, down_block_types=["DownEncoderBlock2D"] * 4,
    up_block_types=["UpDecoderBlock2D"] * 4, layers_per_block=1,
).save_pretrained(WEIGHTS / "sd-vae-ft-mse", safe_serialization=False)  # fmt: skip
CLIPVisionModelWithProjection(CLIPVisionConfig(
    hidden_size=32, intermediate_size=37, num_hidden_layers=1, num_attention_heads=2, image_size=224,
    patch_size=32, projection_dim=CROSS_ATTENTION,
)).save_pretrained(WEIGHTS / "image_encoder", safe_serialization=False)  # fmt: skip
print(f"wrote {WEIGHTS}")
