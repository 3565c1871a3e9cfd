"""Part ``data``: the evaluation and training videos the other parts read."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from gpu_parts.context import PartContext, timed


def part_data(ctx: PartContext) -> dict[str, Any]:
    """Render the evaluation videos (b, c, d: the protocol's first class) and the tiny training set (e)
    with every CPU core."""
    from interhf_bench.protocol import get_protocol
    from interhf_bench.synth.build import synthesize_dataset

    workers = os.cpu_count() or 1
    protocol = get_protocol(ctx.sizes.protocol)
    first_class = replace(protocol, classes=protocol.classes[:1])  # every part reads one class at most
    seconds_eval, _ = timed(
        lambda: synthesize_dataset(ctx.eval_data, first_class, workers=workers, progress=False), "cpu"
    )
    ctx.note(eval_set_s=seconds_eval)
    seconds_train, _ = timed(
        lambda: synthesize_dataset(
            ctx.train_data,
            get_protocol("interhf-mini-v1"),
            seed=2,  # the embedded test set is seed 0: no test subject is trained on
            train_per_class=ctx.sizes.train_per_class,
            workers=workers,
            progress=False,
        ),
        "cpu",
    )
    return {"eval_set_s": seconds_eval, "train_set_s": seconds_train, "cpu_workers": workers}
