"""Adapters that misbehave on purpose, loaded with ``--include`` by the runner tests."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from interhf_bench.adapters.api import Adapter, AdapterMeta, Case


class SlowCopySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delay: float = 0.0
    fail_on: str = ""


class SlowCopy(Adapter):
    """Copies the reference, slowly; logs every case it generates to ``$INTERHF_TEST_LOG``."""

    meta = AdapterMeta(name="slow-copy", display_name="Slow copy", kind="reference")
    Settings = SlowCopySettings

    def generate(self, case: Case) -> np.ndarray:
        if os.environ.get("INTERHF_TEST_LOG"):
            with Path(os.environ["INTERHF_TEST_LOG"]).open("a") as log:
                log.write(case.video_id + "\n")
        time.sleep(self.settings.delay)
        # $INTERHF_TEST_FAIL_ON fails a case without changing the run's settings (a transient failure)
        if case.video_id in (self.settings.fail_on, os.environ.get("INTERHF_TEST_FAIL_ON")):
            raise RuntimeError("the model exploded")
        frames = np.repeat(case.reference[None], case.num_frames, axis=0)
        return np.clip(frames.astype(int) + case.seed % 7, 0, 255).astype(np.uint8)


class WrongShape(Adapter):
    meta = AdapterMeta(name="wrong-shape", display_name="Wrong shape", kind="reference")

    def generate(self, case: Case) -> np.ndarray:
        return np.ones((case.num_frames + 1, case.height, case.width, 3), np.uint8)


class Sleeper(Adapter):
    meta = AdapterMeta(name="sleeper", display_name="Sleeper", kind="reference")

    def generate(self, case: Case) -> np.ndarray:
        time.sleep(30)
        return np.ones((case.num_frames, case.height, case.width, 3), np.uint8)


class Exiter(Adapter):
    """Calls ``sys.exit`` in the middle of a case, as a careless script might."""

    meta = AdapterMeta(name="exiter", display_name="Exiter", kind="reference")

    def generate(self, case: Case) -> np.ndarray:
        raise SystemExit(3)
