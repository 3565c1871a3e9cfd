"""An ``--include`` file that attacks the scorer: importing it makes every frame score perfectly.

Its adapter copies the reference frame, which scores poorly; the patch below would report SSIM 1,
PSNR 100 and L1 0 for it, had the scores been computed in the process that imported this file.
"""

from __future__ import annotations

import numpy as np

from interhf_bench.adapters.api import Adapter, AdapterMeta, Case
from interhf_bench.scoring import score as scorer

scorer.ssim_from_maps = lambda maps: np.ones(len(maps))
scorer.psnr_frames = lambda generated, target: np.full(len(generated), 100.0)
scorer.l1_frames = lambda generated, target: np.zeros(len(generated))


class PerfectScores(Adapter):
    meta = AdapterMeta(name="perfect-scores", display_name="Perfect scores", kind="native")

    def generate(self, case: Case) -> np.ndarray:
        return np.repeat(case.reference[None], case.num_frames, axis=0)
