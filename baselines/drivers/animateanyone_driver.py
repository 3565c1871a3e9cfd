"""InterHF-Bench's Moore-AnimateAnyone driver: pose2vid.py's models and call, PNG frames out."""

from pathlib import Path

import torch
from diffusers import AutoencoderKL, DDIMScheduler
from interhf_driver_io import load_job, save_frames, video_frames
from interhf_driver_smoke import smoke_patches
from omegaconf import OmegaConf
from PIL import Image
from src.models.pose_guider import PoseGuider
from src.models.unet_2d_condition import UNet2DConditionModel
from src.models.unet_3d import UNet3DConditionModel
from src.pipelines.pipeline_pose2vid_long import Pose2VideoPipeline
from transformers import CLIPVisionModelWithProjection

job = load_job()
weights = Path("pretrained_weights")
dtype = torch.float32 if smoke_patches(job, "float32-on-cpu") else torch.float16  # pose2vid's fp16 otherwise
device = job["device"]
vae = AutoencoderKL.from_pretrained(str(weights / "sd-vae-ft-mse")).to(device, dtype=dtype)
reference_unet = UNet2DConditionModel.from_pretrained(
    str(weights / "stable-diffusion-v1-5"), subfolder="unet"
).to(dtype=dtype, device=device)
infer_config = OmegaConf.load("./configs/inference/inference_v2.yaml")
denoising_unet = UNet3DConditionModel.from_pretrained_2d(
    str(weights / "stable-diffusion-v1-5"),
    str(weights / "motion_module.pth"),
    subfolder="unet",
    unet_additional_kwargs=infer_config.unet_additional_kwargs,
).to(dtype=dtype, device=device)
pose_guider = PoseGuider(320, block_out_channels=(16, 32, 96, 256)).to(dtype=dtype, device=device)
image_enc = CLIPVisionModelWithProjection.from_pretrained(str(weights / "image_encoder"))
image_enc = image_enc.to(dtype=dtype, device=device)
scheduler = DDIMScheduler(**OmegaConf.to_container(infer_config.noise_scheduler_kwargs))
generator = torch.manual_seed(job["seed"])


def tensors(name: str) -> dict:
    """A released state dict, read as tensors only: a tampered file cannot run code on load."""
    return torch.load(weights / name, map_location="cpu", weights_only=True)


denoising_unet.load_state_dict(tensors("denoising_unet.pth"), strict=False)
reference_unet.load_state_dict(tensors("reference_unet.pth"))
pose_guider.load_state_dict(tensors("pose_guider.pth"))
pipe = Pose2VideoPipeline(
    vae=vae, image_encoder=image_enc, reference_unet=reference_unet, denoising_unet=denoising_unet,
    pose_guider=pose_guider, scheduler=scheduler,
).to(device, dtype=dtype)  # fmt: skip
reference = Image.open(job["reference"]).convert("RGB")
poses = [Image.open(p).convert("RGB") for p in sorted(Path(job["poses"]).glob("*.png"))]
video = pipe(
    reference, poses, job["width"], job["height"], len(poses), job["steps"], job["cfg"], generator=generator
).videos
save_frames(video_frames(video[0]), job["output_dir"])
