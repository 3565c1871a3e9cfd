"""Small random StableAnimator weights where ``inference_basic.py`` reads them (its checkout and env).

``checkpoints/stable-video-diffusion-img2vid-xt``: full-precision SVD parts with UNet weights (the script
opens them with ``from_pretrained``); ``checkpoints/Animation``: ``pose_net.pth``, ``face_encoder.pth``
(``FusionFaceId`` at the sizes the script hard-codes, so the cross-attention width is 1024) and
``unet.pth``, the UNet's state dict with the attention processors the script installs before its strict
load: StableAnimator's on spatial self- and cross-attention, xformers' on temporal attention.
"""

from pathlib import Path

import torch
from animation.modules.attention_processor import AnimationAttnProcessor
from animation.modules.attention_processor_normalized import AnimationIDAttnNormalizedProcessor
from animation.modules.id_encoder import FusionFaceId
from animation.modules.pose_net import PoseNet
from animation.modules.unet import UNetSpatioTemporalConditionModel
from diffusers.models.attention_processor import XFormersAttnProcessor
from svd_tiny import write_svd

CROSS_ATTENTION = 1024  # FusionFaceId(cross_attention_dim=1024, ...) in inference_basic.py
RANK = 128  # its lora_rank


def block_width(name, widths):
    """The channel width of the block an attention processor ``name`` belongs to."""
    if name.startswith("mid_block"):
        return widths[-1]
    index = int(name.split(".")[1])
    return list(reversed(widths))[index] if name.startswith("up_blocks") else widths[index]


def processor(name, widths):
    """The processor the inference script puts at ``name``."""
    if "temporal_transformer_blocks" in name:
        return XFormersAttnProcessor()
    hidden = block_width(name, widths)
    if name.endswith("attn1.processor"):
        return AnimationAttnProcessor(hidden_size=hidden, cross_attention_dim=None, rank=RANK)
    return AnimationIDAttnNormalizedProcessor(
        hidden_size=hidden, cross_attention_dim=CROSS_ATTENTION, rank=RANK
    )


SVD = "checkpoints/stable-video-diffusion-img2vid-xt"
unet = write_svd(SVD, UNetSpatioTemporalConditionModel, cross_attention=CROSS_ATTENTION)
widths = list(unet.config.block_out_channels)
unet.set_attn_processor({name: processor(name, widths) for name in unet.attn_processors})
animation = Path("checkpoints/Animation")
animation.mkdir(parents=True, exist_ok=True)
torch.save(unet.state_dict(), animation / "unet.pth")
pose_net = PoseNet(noise_latent_channels=widths[0])
for parameter in pose_net.parameters():  # its final projection starts at zero: give the pose a say
    torch.nn.init.normal_(parameter, std=0.05)
torch.save(pose_net.state_dict(), animation / "pose_net.pth")
face = FusionFaceId(
    cross_attention_dim=CROSS_ATTENTION, id_embeddings_dim=512, clip_embeddings_dim=1024, num_tokens=4
)
torch.save(face.state_dict(), animation / "face_encoder.pth")
print(f"wrote {SVD} and {animation}/{{unet,pose_net,face_encoder}}.pth")
