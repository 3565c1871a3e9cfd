"""InterHF-Bench's MimicMotion driver: runs in the official checkout with its interpreter."""

from pathlib import Path

import numpy as np
import torch
from interhf_driver_io import load_job, save_frames
from mimicmotion.utils.geglu_patch import patch_geglu_inplace
from omegaconf import OmegaConf
from PIL import Image

patch_geglu_inplace()  # before the pipeline's modules are imported, as inference.py does
from mimicmotion.utils.loader import create_pipeline  # noqa: E402

job = load_job()
if job["float16"]:
    torch.set_default_dtype(torch.float16)  # as inference.py does without --no_use_float16
device = torch.device(job["device"])
config = OmegaConf.create({"base_model_path": job["base_model"], "ckpt_path": job["checkpoint"]})
pipeline = create_pipeline(config, device)
poses = sorted(Path(job["poses"]).glob("*.png"))
pose_pixels = np.stack([np.asarray(Image.open(p).convert("RGB")) for p in poses])
pose_pixels = torch.from_numpy(pose_pixels).permute(0, 3, 1, 2).float() / 127.5 - 1
reference = Image.open(job["reference"]).convert("RGB")
generator = torch.Generator(device=device)
generator.manual_seed(job["seed"])
with torch.no_grad():
    frames = pipeline(
        [reference], image_pose=pose_pixels, num_frames=pose_pixels.size(0),
        tile_size=job["tile_size"], tile_overlap=job["tile_overlap"],
        height=pose_pixels.shape[-2], width=pose_pixels.shape[-1], fps=job["fps"],
        noise_aug_strength=job["noise_aug_strength"], num_inference_steps=job["num_inference_steps"],
        generator=generator, min_guidance_scale=job["guidance_scale"],
        max_guidance_scale=job["guidance_scale"], decode_chunk_size=job["decode_chunk_size"],
        output_type="pt", device=device,
    ).frames.cpu()  # fmt: skip
video = (frames[0, 1:] * 255.0).to(torch.uint8).permute(0, 2, 3, 1).numpy()  # frame 0: the reference pose
save_frames(video, job["output_dir"])
