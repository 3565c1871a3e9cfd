"""InterHF-Bench's StableAnimator driver: the official inference_basic.py, explicit arguments."""

import runpy
import sys

from interhf_driver_io import load_job

job = load_job()
sys.argv = [
    "inference_basic.py",
    "--pretrained_model_name_or_path=" + job["base_model"],
    "--output_dir=" + job["output_dir"],
    "--validation_control_folder=" + job["poses"],
    "--validation_image=" + job["reference"],
    f"--width={job['width']:d}",
    f"--height={job['height']:d}",
    f"--guidance_scale={job['guidance_scale']}",
    f"--num_inference_steps={job['num_inference_steps']:d}",
    "--posenet_model_name_or_path=checkpoints/Animation/pose_net.pth",
    "--face_encoder_model_name_or_path=checkpoints/Animation/face_encoder.pth",
    "--unet_model_name_or_path=checkpoints/Animation/unet.pth",
    f"--tile_size={job['tile_size']:d}",
    f"--overlap={job['tile_overlap']:d}",
    f"--noise_aug_strength={job['noise_aug_strength']}",
    f"--frames_overlap={job['tile_overlap']:d}",
    f"--decode_chunk_size={job['decode_chunk_size']:d}",
    "--gradient_checkpointing",
]
runpy.run_path("inference_basic.py", run_name="__main__")
