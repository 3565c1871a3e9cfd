"""InterHF-Bench's StableAnimator driver: the official inference_basic.py, explicit arguments."""

import runpy
import sys
import types

from interhf_driver_io import load_job
from interhf_driver_smoke import smoke_patches


def arguments(job):
    """``command_basic_infer.sh``'s options with the job's values."""
    return [
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


class NoFace:
    """Smoke mode's stand-in for insightface's antelopev2 and facexlib's detectors (pretrained models
    fetched separately, which could find no face in a synthetic frame anyway): it finds no face, and the
    official script then uses its own fallback, a zero identity embedding."""

    cropped_faces = ()

    def get(self, image):
        return []

    def clean_all(self):
        pass

    def read_image(self, image):
        pass

    def get_face_landmarks_5(self, **kwargs):
        return 0

    def align_warp_face(self):
        pass


class NoFaceModel:
    def __init__(self):
        self.app = self.face_helper = NoFace()


if __name__ == "__main__":
    job = load_job()
    if smoke_patches(job, "cuda-to-cpu", "cuda-device-context", "xformers-attention"):
        sys.modules["animation.modules.face_model"] = types.SimpleNamespace(FaceModel=NoFaceModel)
        print("interhf smoke patch: face models find no face (zero identity embedding)", file=sys.stderr)
    sys.argv = arguments(job)
    runpy.run_path("inference_basic.py", run_name="__main__")
