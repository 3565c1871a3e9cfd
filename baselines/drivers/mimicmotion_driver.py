"""InterHF-Bench's MimicMotion driver: runs in the official checkout with its interpreter."""

from pathlib import Path

import numpy as np
import torch
from interhf_driver_io import load_job, save_frames
from interhf_driver_smoke import smoke_patches
from mimicmotion.utils.geglu_patch import patch_geglu_inplace
from omegaconf import OmegaConf
from PIL import Image

patch_geglu_inplace()  # before the pipeline's modules are imported, as inference.py does
from mimicmotion.utils.loader import create_pipeline  # noqa: E402


def pose_pixels(folder):
    """The pose PNGs as ``inference.preprocess`` returns them: ``(T, 3, H, W)`` in [-1, 1], in torch's
    default dtype (float16 under ``inference.main``, the dtype of the PoseNet it feeds)."""
    frames = np.stack([np.asarray(Image.open(p).convert("RGB")) for p in sorted(Path(folder).glob("*.png"))])
    return torch.from_numpy(frames.copy()).permute(0, 3, 1, 2) / 127.5 - 1


def run(job):
    """``inference.main``'s dtype, ``create_pipeline`` and ``run_pipeline``'s call; frame 0 dropped."""
    torch.set_default_dtype(torch.float16)  # inference.main's default; the loader's VAE and CLIP are fp16
    device = torch.device(job["device"])
    config = OmegaConf.create({"base_model_path": job["base_model"], "ckpt_path": job["checkpoint"]})
    pipeline = create_pipeline(config, device)
    poses = pose_pixels(job["poses"])
    reference = Image.open(job["reference"]).convert("RGB")
    generator = torch.Generator(device=device)
    generator.manual_seed(job["seed"])
    with torch.no_grad():
        frames = pipeline(
            [reference], image_pose=poses, num_frames=poses.size(0),
            tile_size=job["tile_size"], tile_overlap=job["tile_overlap"],
            height=poses.shape[-2], width=poses.shape[-1], fps=job["fps"],
            noise_aug_strength=job["noise_aug_strength"], num_inference_steps=job["num_inference_steps"],
            generator=generator, min_guidance_scale=job["guidance_scale"],
            max_guidance_scale=job["guidance_scale"], decode_chunk_size=job["decode_chunk_size"],
            output_type="pt", device=device,
        ).frames.cpu()  # fmt: skip
    return (frames[0, 1:] * 255.0).to(torch.uint8).permute(0, 2, 3, 1).numpy()  # frame 0: the reference pose


if __name__ == "__main__":
    job = load_job()
    smoke_patches(job, "cuda-device-context")
    save_frames(run(job), job["output_dir"])
