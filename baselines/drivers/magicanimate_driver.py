"""InterHF-Bench's MagicAnimate driver: the official animation.main, results saved as PNGs."""

import argparse
from pathlib import Path

import magicanimate.pipelines.animation as animation
from interhf_driver_io import load_job, save_frames, video_frames
from interhf_driver_smoke import smoke_patches
from omegaconf import OmegaConf

job = load_job()
saved = []


def save_result_frames(videos, path, *args, **kwargs):
    """The first call saves the generated video (1, c, t, h, w) in [0, 1]; the grid call is skipped."""
    if saved:
        return
    save_frames(video_frames(videos[0]), job["output_dir"])
    saved.append(path)


animation.save_videos_grid = save_result_frames
smoke_patches(
    job, "cuda-to-cpu", "cuda-method-to-cpu", "xformers-attention", "xformers-enable-on-cpu",
    "float16-modules-as-float32",
)  # fmt: skip
config = OmegaConf.load("configs/prompts/animation.yaml")
config.savename = "interhf-" + Path(job["output_dir"]).parent.name
config.seed = [job["seed"]]
config.steps = job["steps"]
config.guidance_scale = job["guidance_scale"]
config.size = job["size"]
config.source_image = [job["reference"]]
config.video_path = [job["densepose"]]
config_path = Path(job["output_dir"]).parent / "animation.yaml"
OmegaConf.save(config, config_path)
animation.main(argparse.Namespace(config=str(config_path), dist=False, rank=0, world_size=1))
