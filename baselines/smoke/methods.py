"""Per method: the smoke case's size and length, the settings that keep it small, the patches it needs.

The case sizes respect each adapter's constraints (multiples of 8 or 64, the protocol's aspect); the
settings shrink steps and tiles only, never what the official code computes from the inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SmokePlan:
    method: str
    height: int
    width: int
    frames: int
    settings: dict[str, Any] = field(default_factory=dict)
    patches: tuple[str, ...] = ()  # what the driver's smoke mode changes, as recorded in the result
    official_poses: bool = False  # compare the adapter's pose PNG with the official extraction's
    inputs: tuple[str, ...] = ()  # inputs the user supplies for real runs, stood in for: "densepose", "mask"


SMOKE = {
    plan.method: plan
    for plan in (
        SmokePlan(
            "mimicmotion", 160, 96, 6,
            {"num_inference_steps": 2, "tile_size": 4, "tile_overlap": 1},
            ("patch: `with torch.cuda.device(device)` in the pipeline accepts the CPU device",),
        ),
        SmokePlan(
            "stableanimator", 192, 128, 5,
            {"height": 192, "width": 128, "num_inference_steps": 2, "tile_size": 4, "tile_overlap": 1,
             "decode_chunk_size": 2},
            ("patch: hard-coded 'cuda' devices and generator go to the CPU",
             "patch: `with torch.cuda.device(device)` in the pipeline accepts the CPU device",
             "patch: xformers' memory_efficient_attention (CUDA kernels only) computed by torch's SDPA",
             "patch: insightface/facexlib detectors replaced by one that finds no face (zero identity)"),
            official_poses=True,
        ),
        SmokePlan(
            "animateanyone", 160, 96, 5, {"width": 96, "height": 160, "steps": 2},
            ("patch: float32 instead of pose2vid's float16 (torch 2.1's CPU has no float16 convolution)",),
        ),
        SmokePlan(
            "dispose", 192, 128, 5,
            {"resolution": 128, "num_inference_steps": 2, "tile_size": 4, "tile_overlap": 1,
             "decode_chunk_size": 2},
            ("patch: hard-coded 'cuda' devices and generator go to the CPU",
             "patch: `.cuda()` on modules, tensors and storages stays on the CPU; no `cuda.synchronize`",
             "patch: `with torch.cuda.device(device)` in the pipeline accepts the CPU device",
             "patch: the in-place GEGLU's strided output made contiguous (CPU float16 matmul on strided "
             "input is oneDNN's reference kernel)"),
        ),
        SmokePlan(
            "magicanimate", 160, 96, 5, {"steps": 2, "size": 64},
            ("patch: hard-coded 'cuda:{rank}' device and 'cuda:0' generator go to the CPU",
             "patch: `.cuda()` on modules, tensors and storages stays on the CPU; no `cuda.synchronize`",
             "patch: xformers' memory_efficient_attention (CUDA kernels only) computed by torch's SDPA",
             "patch: enable_xformers_memory_efficient_attention's CUDA check passes on the CPU",
             "patch: float32 instead of main's float16 (torch 2.1's CPU has no float16 convolution)"),
            inputs=("densepose",),
        ),
        SmokePlan(
            "disco", 160, 96, 3, {"num_inference_steps": 2},
            ("patch: hard-coded 'cuda' device goes to the CPU",
             "patch: `.cuda()` on modules, tensors and storages stays on the CPU; no `cuda.synchronize`",
             "patch: xformers' memory_efficient_attention (CUDA kernels only) computed by torch's SDPA",
             "patch: enable_xformers_memory_efficient_attention's CUDA check passes on the CPU",
             "patch: the one-process NCCL group on gloo, DistributedDataParallel without device ids"),
            inputs=("mask",),
        ),
    )
}  # fmt: skip
