"""What every InterHF-Bench driver shares: reading its job and writing lossless PNG frames.

The adapter copies this file next to the driver (``driver.py``) in the case's work folder, so the driver
imports it as a top-level module when the official environment runs ``python driver.py job.json``. That
environment has the official project's dependencies, not this suite's: this file uses the standard
library, and Pillow only when frames are saved (StableAnimator's driver loads its job and nothing else).
"""

import json
import sys
from pathlib import Path


def load_job() -> dict:
    """The job description the adapter wrote, the script's only argument."""
    return json.loads(Path(sys.argv[1]).read_text())


def save_frames(frames, output_dir, pattern="{:04d}.png"):
    """Each ``(H, W, 3)`` uint8 RGB array of ``frames`` (any iterable) as a PNG named by its index."""
    from PIL import Image

    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    for index, frame in enumerate(frames):
        Image.fromarray(frame).save(out / pattern.format(index))


def video_frames(video):
    """A ``(C, T, H, W)`` torch video in [0, 1] (a diffusers ``videos[0]``) as ``(T, H, W, C)`` uint8."""
    return (video.permute(1, 2, 3, 0).clamp(0, 1).float().cpu().numpy() * 255).round().astype("uint8")
