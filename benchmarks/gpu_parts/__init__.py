"""The parts of ``gpu_check.py``: each measures one thing a user runs on a GPU and returns its numbers.

Every part takes a ``PartContext`` (device, sizes, the shared work folder, its own time budget) and
returns a JSON-ready dict. ``SIZES["full"]`` is what the checks are about (the paper's 16 x 640 x 384
InterAnimate, 48-frame cases of ``interhf-v1``); ``SIZES["smoke"]`` runs the same code at toy sizes on a
CPU, so the script is known to work before a GPU sees it. One module per part.
"""

from gpu_parts.context import SIZES, PartContext, Sizes
from gpu_parts.data import part_data
from gpu_parts.inference import part_inference
from gpu_parts.mimicmotion import part_mimicmotion
from gpu_parts.model import part_model
from gpu_parts.score import part_score
from gpu_parts.training import part_training

__all__ = [
    "SIZES",
    "PartContext",
    "Sizes",
    "part_data",
    "part_inference",
    "part_mimicmotion",
    "part_model",
    "part_score",
    "part_training",
]
