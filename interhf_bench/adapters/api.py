"""The adapter API: what a method receives (``Case``), what it declares (``AdapterMeta``), what it does.

A method plugs into the suite by subclassing :class:`Adapter`: ``setup`` loads it once on a device,
``generate`` turns one :class:`Case` into the protocol's target frames. The runner checks every output
with :func:`check_output` before anything is written, so a broken method fails with the adapter's name,
the case and the problem instead of producing a video that silently scores badly.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from interhf_bench.results.adapter_meta import AdapterMeta

__all__ = ["Adapter", "AdapterMeta", "AdapterOutputError", "Case", "NoSettings", "check_output"]


class NoSettings(BaseModel):
    """An adapter without ``--method-args``."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True, eq=False)
class Case:
    """One test video as a method sees it: the reference frame and the driving pose of each target frame.

    Arrays are RGB uint8 and keypoints are COCO-WholeBody ``(x, y, score)`` in pixels of the protocol's
    ``height x width``. ``ground_truth`` is only filled for adapters whose meta says ``uses_ground_truth``.
    """

    video_id: str
    interaction: str
    reference: np.ndarray  # (H, W, 3) uint8
    reference_pose: np.ndarray  # (133, 3)
    poses: np.ndarray  # (T, 133, 3), one per target frame
    num_frames: int
    fps: float
    height: int
    width: int
    seed: int
    identity: np.ndarray | None = None  # ArcFace embedding of the reference face, when the dataset has it
    ground_truth: np.ndarray | None = field(default=None, repr=False)

    def pose_images(self) -> np.ndarray:
        """``(T, H, W, 3)`` DWPose-style renderings of the driving poses (MimicMotion's style)."""
        from interhf_bench.pose.render import render_pose_video

        return render_pose_video(self.poses, self.height, self.width, source_size=(self.height, self.width))

    def masks(self) -> tuple[np.ndarray, np.ndarray]:
        """``(hand, face)`` bool ``(T, H, W)`` masks of the driving poses (the scorer's regions)."""
        from interhf_bench.pose.masks import hand_face_masks

        size = (self.height, self.width)
        return hand_face_masks(self.poses, size, source_size=size)


class Adapter(abc.ABC):
    """Base class of every method. Subclasses set ``meta`` and implement ``generate``.

    ``Settings`` is a pydantic model of the method's options (``--method-args key=value``); values are
    validated and converted by it, unknown keys are errors, and the resolved settings go into results.
    Set ``batch_size`` above 1 and override ``generate_batch`` when the method can share work.
    """

    meta: ClassVar[AdapterMeta]
    Settings: ClassVar[type[BaseModel]] = NoSettings
    batch_size: ClassVar[int] = 1

    def __init__(self, settings: BaseModel | None = None) -> None:
        self.settings = settings if settings is not None else self.Settings()
        self.device = "cpu"

    def setup(self, device: str) -> None:
        """Load weights and move to ``device``; called once before the first case."""
        self.device = device

    @abc.abstractmethod
    def generate(self, case: Case) -> np.ndarray:
        """``(num_frames, height, width, 3)`` uint8 RGB frames of the case, deterministic in its seed."""

    def run_details(self) -> dict[str, Any]:
        """Provenance beyond the settings for ``run_meta.json`` (checkpoint hashes, resolved defaults).

        Called without :meth:`setup` (a resumed run may generate nothing), so it must be cheap.
        """
        return {}

    def generate_batch(self, cases: Sequence[Case]) -> list[np.ndarray]:
        """One output per case; the default calls :meth:`generate` for each."""
        return [self.generate(case) for case in cases]


class AdapterOutputError(ValueError):
    """An adapter returned something that is not a valid video for its case."""

    def __init__(self, adapter: str, video_id: str, problem: str) -> None:
        self.adapter, self.video_id, self.problem = adapter, video_id, problem
        super().__init__(f"adapter {adapter!r}, case {video_id}: {problem}")


def check_output(adapter: str, case: Case, frames: object) -> np.ndarray:
    """Return ``frames`` if they are a valid output for ``case``, else raise :class:`AdapterOutputError`."""
    expected = (case.num_frames, case.height, case.width, 3)
    if not isinstance(frames, np.ndarray):
        raise AdapterOutputError(
            adapter, case.video_id, f"returned {type(frames).__name__}, not a numpy array"
        )
    if frames.dtype != np.uint8:
        problem = f"returned dtype {frames.dtype}, expected uint8 RGB in 0-255"
        if np.issubdtype(frames.dtype, np.floating) and np.isnan(frames).any():
            problem += f" (and {int(np.isnan(frames).sum())} NaN values)"
        raise AdapterOutputError(adapter, case.video_id, problem)
    if frames.shape != expected:
        raise AdapterOutputError(
            adapter,
            case.video_id,
            f"returned shape {frames.shape}, expected (frames, height, width, 3) = {expected}",
        )
    black = [t for t in range(len(frames)) if not frames[t].any()]
    if len(black) == len(frames):
        raise AdapterOutputError(adapter, case.video_id, "returned only black frames")
    return frames
