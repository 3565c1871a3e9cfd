"""Small random DisPose weights where ``inference_ctrl.py``'s loaders read them (its checkout and env).

DisPose's point adapter is built with fixed widths: its features (1280 channels, DIFT's SD1.5 up block 1)
are added to the outputs of the SVD UNet's four down blocks (320, 640, 1280, 1280 channels, at 1/16 to 1/64
of the frame). So both UNets keep SD's four levels and widths at one layer per block; the SVD UNet keeps
cross-attention at its two narrow levels only (plain blocks at 1280 channels, to stay small; its mid block
has its transformer). Written here:

- ``stable-video-diffusion-img2vid-xt-1-1``: the SVD parts ``MimicMotionModel`` opens (UNet config, fp16
  VAE and CLIP image encoder, scheduler, feature extractor);
- ``MimicMotion_1-1.pth`` (UNet and PoseNet) and ``DisPose.pth`` (the ControlNet ``create_ctrl_pipeline``
  builds with ``ControlNetSVDModel.from_unet``), in float16 as released;
- ``stable-diffusion-v1-5``: the fp16 variant files DIFT's ``SDFeaturizer`` loads (a diffusers SD1.5
  pipeline as published; DIFT's UNet class extends diffusers');
- CMP's checkpoint, ``{"step", "state_dict"}`` of the network its config builds (ResNet-50 image encoder,
  shallow sparse encoder, skip-layer decoder) wrapped as its ``SingleStageModel`` wraps it.
"""

from pathlib import Path

import mimicmotion.modules.cmp.models as cmp_models
import torch
import yaml
from diffusers import DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
from mimicmotion.modules.controlnet import ControlNetSVDModel
from mimicmotion.modules.unet import UNetSpatioTemporalConditionModel
from mimicmotion.utils.loader import MimicMotionModel
from sd15_tiny import SD15_UNET, text_encoder, vae, write_tokenizer
from svd_tiny import write_svd
from transformers import CLIPImageProcessor

WEIGHTS = Path("pretrained_weights")
SVD = WEIGHTS / "stable-video-diffusion-img2vid-xt-1-1"
CMP = Path("mimicmotion/modules/cmp/experiments/semiauto_annot/resnet50_vip+mpii_liteflow")
SVD_UNET = {
    "block_out_channels": [320, 640, 1280, 1280], "num_attention_heads": [5, 10, 20, 20],
    "down_block_types": ["CrossAttnDownBlockSpatioTemporal"] * 2 + ["DownBlockSpatioTemporal"] * 2,
    "up_block_types": ["UpBlockSpatioTemporal"] * 2 + ["CrossAttnUpBlockSpatioTemporal"] * 2,
}  # fmt: skip


def give_zeros_a_say(module):
    """Zero-initialised projections (PoseNet's output, ControlNet's zero convolutions) get small random
    values, so that the pose, flow and point features change the result."""
    for parameter in module.parameters():
        if not parameter.detach().any():
            torch.nn.init.normal_(parameter, std=0.02)


def half_state(module):
    return {k: v.half() for k, v in module.state_dict().items()}


write_svd(SVD, UNetSpatioTemporalConditionModel, variant="fp16", unet_weights=False, unet_config=SVD_UNET)
model = MimicMotionModel(str(SVD))
give_zeros_a_say(model.pose_net)
state = {k: v for k, v in half_state(model).items() if k.startswith(("unet.", "pose_net."))}
torch.save(state, WEIGHTS / "MimicMotion_1-1.pth")
controlnet = ControlNetSVDModel.from_unet(model.unet)
give_zeros_a_say(controlnet)
torch.save(half_state(controlnet), WEIGHTS / "DisPose.pth")

tokenizer = write_tokenizer(WEIGHTS / "stable-diffusion-v1-5" / "tokenizer")
StableDiffusionPipeline(
    vae=vae(), text_encoder=text_encoder(tokenizer), tokenizer=tokenizer,
    unet=UNet2DConditionModel.from_config(SD15_UNET), scheduler=DDIMScheduler(
        beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False,
        set_alpha_to_one=False, steps_offset=1,
    ),
    safety_checker=None, feature_extractor=CLIPImageProcessor(), requires_safety_checker=False,
).to(torch.float16).save_pretrained(WEIGHTS / "stable-diffusion-v1-5", variant="fp16")  # fmt: skip

config = yaml.safe_load((CMP / "config.yaml").read_text())
network = cmp_models.modules.FixModule(cmp_models.modules.CMP(config["model"]["module"]))
(CMP / "checkpoints").mkdir(exist_ok=True)
torch.save(
    {"step": 42000, "state_dict": network.state_dict()}, CMP / "checkpoints" / "ckpt_iter_42000.pth.tar"
)
print(f"wrote {WEIGHTS} and {CMP}/checkpoints")
