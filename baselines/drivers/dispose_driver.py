"""InterHF-Bench's DisPose driver: official preprocess and run_pipeline, DWPose's net replaced."""

import math

import inference_ctrl as official
import numpy as np
import torch
from interhf_driver_io import load_job, save_frames
from interhf_driver_smoke import smoke_patches
from mimicmotion.dwpose import preprocess as dwpose_preprocess
from mimicmotion.utils.loader import create_ctrl_pipeline
from omegaconf import OmegaConf

job = load_job()
arrays = np.load(job["keypoints"])
height, width = job["height"], job["width"]


class DatasetKeypoints:
    """Stands in for DWPose's Wholebody: the reference image gets the reference keypoints (moved by the
    official resize-and-crop), the placeholder video frames get the driving keypoints in order."""

    def __init__(self):
        self.next_frame = 0

    def __call__(self, image):
        if image.any():  # the reference image (the placeholder video is black)
            h, w = image.shape[:2]
            if height / width < h / w:
                h_resize, w_resize = h, math.ceil(h / (height / width))
            else:
                h_resize, w_resize = math.ceil(w * height / width), w
            top, left = round((h_resize - h) / 2.0), round((w_resize - w) / 2.0)
            points = arrays["reference_points"].copy()
            points[..., 0] = points[..., 0] * w_resize / width - left
            points[..., 1] = points[..., 1] * h_resize / height - top
            return points, arrays["reference_scores"].copy()
        index = self.next_frame
        self.next_frame += 1
        return arrays["driving_points"][index].copy(), arrays["driving_scores"][index].copy()


if job["float16"]:
    torch.set_default_dtype(torch.float16)  # as inference_ctrl.main does without --no_use_float16
device = official.device
smoke_patches(job, "cuda-to-cpu", "cuda-method-to-cpu", "cuda-device-context", "geglu-contiguous")
dwpose_preprocess.dwprocessor.pose_estimation = DatasetKeypoints()
dwpose_preprocess.dwprocessor.release_memory = lambda: None
torch.manual_seed(job["seed"])  # DIFT draws unseeded noise
config = OmegaConf.create({
    "base_model_path": job["base_model"], "dift_model_path": job["dift_model"],
    "ckpt_path": job["mimicmotion_checkpoint"], "controlnet_path": job["dispose_checkpoint"],
})  # fmt: skip
task = OmegaConf.create({
    "num_frames": job["tile_size"], "frames_overlap": job["tile_overlap"], "resolution": job["resolution"],
    "num_inference_steps": job["num_inference_steps"], "noise_aug_strength": job["noise_aug_strength"],
    "guidance_scale": job["guidance_scale"], "sample_stride": 1,
    "decode_chunk_size": job["decode_chunk_size"],
    "fps": 15, "seed": job["seed"],
})  # fmt: skip
with torch.no_grad():
    pipeline = create_ctrl_pipeline(config, device)
    inputs = official.preprocess(
        job["driving"],
        job["reference"],
        config.dift_model_path,
        resolution=task.resolution,
        sample_stride=task.sample_stride,
    )
    # preprocess returns the poses first; run_pipeline takes the image first
    pose_pixels, image_pixels, *conditions = inputs
    frames = official.run_pipeline(pipeline, image_pixels, pose_pixels, *conditions, device, task)
save_frames(frames.permute(0, 2, 3, 1).numpy(), job["output_dir"])
