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


SMOKE = {
    plan.method: plan
    for plan in (
        SmokePlan(
            "mimicmotion", 160, 96, 6,
            {"num_inference_steps": 2, "tile_size": 4, "tile_overlap": 1},
            ("patch: `with torch.cuda.device(device)` in the pipeline accepts the CPU device",),
        ),
    )
}  # fmt: skip
