"""Small random MimicMotion weights where its loader reads them (run in its checkout and environment).

``models/stable-video-diffusion-img2vid-xt-1-1``: the SVD parts ``MimicMotionModel`` opens (UNet config,
fp16 VAE and CLIP encoder, scheduler, feature extractor); ``models/MimicMotion_1-1.pth``: the UNet and
PoseNet state dict of a ``MimicMotionModel`` built from them, as the released checkpoint holds them.
"""

import torch
from mimicmotion.modules.unet import UNetSpatioTemporalConditionModel
from mimicmotion.utils.loader import MimicMotionModel
from svd_tiny import write_svd

SVD = "models/stable-video-diffusion-img2vid-xt-1-1"
write_svd(SVD, UNetSpatioTemporalConditionModel, variant="fp16", unet_weights=False)
model = MimicMotionModel(SVD)
for parameter in model.pose_net.parameters():  # its final projection starts at zero: give the pose a say
    torch.nn.init.normal_(parameter, std=0.05)
state = {k: v for k, v in model.state_dict().items() if k.startswith(("unet.", "pose_net."))}
torch.save(state, "models/MimicMotion_1-1.pth")
print(f"wrote {SVD} and models/MimicMotion_1-1.pth ({len(state)} tensors)")
