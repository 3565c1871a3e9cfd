"""InterHF-Bench's DisCo driver: the official demo's model and trainer, one call per frame."""

import json
import os
import sys
from pathlib import Path

from interhf_driver_io import load_job, save_frames
from interhf_driver_smoke import smoke_patches

# DisCo's modules read these when imported
os.environ.update({"WANDB_ENABLE": "0", "AZFUSE_USE_FUSE": "0", "NCCL_ASYNC_ERROR_HANDLING": "0"})

import numpy as np
import torch
from agent import Agent_LDM
from config import BasicArgs
from easydict import EasyDict as edict
from PIL import Image
from utils.args import sharedArgs
from utils.dist import dist_init
from utils.wutils_ldm import adaptively_load_state_dict, import_filename

POSE_CONTROLNET = "controlnet.nets.0."  # MultiControlNetModel_MultiHiddenStates([pose, background])
job = load_job()
smoke_patches(
    job, "cuda-to-cpu", "cuda-method-to-cpu", "xformers-attention", "xformers-enable-on-cpu",
    "process-group-on-cpu",
)  # fmt: skip
command = [
    "--cf", "config/ref_attn_clip_combine_controlnet/app_demo_image_edit.py", "--eval_visu", "True",
    "--root_dir", job["root_dir"], "--local_eval_batch_size", "1", "--log_dir", job["output_dir"] + "/log",
    "--fix_dist_seed", "True", "--unet_unfreeze_type", "null", "--guidance_scale", str(job["guidance_scale"]),
    "--refer_sdvae", "True", "--ref_null_caption", "False", "--combine_clip_local", "True",
    "--combine_use_mask", "True", "--conds", "poses", "masks", "--pretrained_model", job["checkpoint"],
    "--eval_save_filename", "interhf", "--num_inference_steps", str(job["num_inference_steps"]),
    "--seed", str(job["seed"]),  # Net.forward seeds its generator with it on every call
]  # fmt: skip
parsed = sharedArgs.parser.parse_args(args=command)
BasicArgs.root_dir = parsed.root_dir
parsed.pretrained_model_path = os.path.join(parsed.root_dir, parsed.pretrained_model_path)
args = edict(vars(parsed))
given = {arg[2:] for arg in command if arg.startswith("--")}
for key, value in vars(import_filename(parsed.cf).Args).items():  # the config file fills what was not given
    if key not in given:
        setattr(args, key, value)
args.n_gpu = args.local_size = torch.cuda.device_count()
dist_init(args)
args.dist, args.nodes, args.world_size = args.distributed, args.num_nodes, args.num_gpus
args.eval_batch_size = args.local_eval_batch_size * args.world_size
cf = import_filename(args.cf)
model = cf.Net(args)
dataset = import_filename(args.dataset_cf).BaseDataset(args, args.val_yaml, split="val")
trainer = Agent_LDM(args=args, model=model)


def load_released_weights(trainer, path):
    """The released checkpoints are DeepSpeed model states, their weights under ``module``: without
    ``--deepspeed`` the agent's ``from_pretrained`` looks only for ``models``/``model`` and loads nothing.
    They are loaded as the agent's loader for that layout does (``adaptively_load_state_dict`` of
    ``module``: the keys the model has, at its shapes). A checkpoint that does not give every tensor of
    the pose ControlNet is refused (the pose would otherwise silently have no effect). What it gives is
    counted, not what changes: fine-tuning froze the UNet, VAE and CLIP, which may equal the base weights."""
    module = torch.load(path, map_location="cpu", weights_only=True).get("module", {})
    own = trainer.model.state_dict()
    given = {k for k, v in module.items() if k in own and tuple(v.shape) == tuple(own[k].shape)}
    pose = [k for k in own if k.startswith(POSE_CONTROLNET)]
    missing = [k for k in pose if k not in given]
    if not pose or missing:
        sys.exit(
            f"{path}: its 'module' gives {len(given)} of the model's {len(own)} tensors and misses "
            f"{len(missing)} of the pose ControlNet's {len(pose)} ({', '.join(missing[:2])})"
        )
    adaptively_load_state_dict(trainer.model, module)
    print(f"loaded {path}: {len(given)} of the model's {len(own)} tensors", file=sys.stderr)


load_released_weights(trainer, job["checkpoint"])
trainer.eval_demo_pre()

foreground = Image.open(job["foreground"]).convert("RGB")
background = Image.open(job["background"]).convert("RGB")
poses = json.loads(Path(job["poses"]).read_text())


def generate(coco_points):
    """One target frame: DisCo is an image model, each frame is its own call, started (as in its demo)
    from the same noise, which its ``forward`` draws from a generator seeded with ``--seed``."""
    skeleton = dataset.coco2openpose(foreground, coco_points)
    image = trainer.eval_demo_run_masked([foreground, background, skeleton], eval_dataset=dataset)
    image = image[0] if isinstance(image, (list, tuple)) else image
    return np.asarray(image.convert("RGB"))


save_frames((generate(points) for points in poses), job["output_dir"])
