"""Sanity rows that need no weights: the metrics' best case and the do-nothing case.

``ground-truth`` returns the target frames themselves, so every metric shows its ideal value (PSNR 100,
SSIM 1, L1 0, LPIPS 0, Fréchet distances near 0): a run that does not show them has a broken pipeline.
``copy-reference`` repeats the reference frame: a method that moves nothing. Any learned method should
beat it on the video metrics.
"""

from __future__ import annotations

import numpy as np

from interhf_bench.adapters.api import Adapter, AdapterMeta, Case


class GroundTruth(Adapter):
    meta = AdapterMeta(
        name="ground-truth",
        display_name="Ground truth",
        description="returns the target frames: the metrics' ideal values (sanity row)",
        kind="reference",
        license="Apache-2.0",
        uses_ground_truth=True,
    )

    def generate(self, case: Case) -> np.ndarray:
        if case.ground_truth is None:
            raise ValueError(f"case {case.video_id}: the runner gave no ground truth to {self.meta.name}")
        return case.ground_truth.copy()


class CopyReference(Adapter):
    meta = AdapterMeta(
        name="copy-reference",
        display_name="Copy reference",
        description="repeats the reference frame for every target frame (sanity row)",
        kind="reference",
        license="Apache-2.0",
    )

    def generate(self, case: Case) -> np.ndarray:
        return np.repeat(case.reference[None], case.num_frames, axis=0)
