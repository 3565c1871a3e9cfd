"""Sharding a run over processes started by ``torchrun`` or ``accelerate launch``.

Both launchers set ``RANK``, ``WORLD_SIZE`` and ``LOCAL_RANK`` (and ``MASTER_ADDR``/``MASTER_PORT``).
Each rank takes every ``WORLD_SIZE``-th case of the manifest-ordered selection starting at its rank,
generates on its own device (``cuda:LOCAL_RANK``) and scores its own videos; the score states are then
gathered on rank 0 and merged exactly (:class:`~interhf_bench.scoring.state.ScoreState`). The process
group uses gloo, only for a barrier and that one gather, so generation itself never waits on a collective.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Shard:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def take(self, items: Sequence[T]) -> list[T]:
        """This rank's slice: ``items[rank::world_size]``."""
        return list(items[self.rank :: self.world_size])

    def device(self, device: str) -> str:
        """``cuda`` becomes ``cuda:<local rank>`` when several ranks share a node."""
        if self.world_size > 1 and device == "cuda":
            return f"cuda:{self.local_rank}"
        return device


def shard_from_env(environ: dict[str, str] | None = None) -> Shard:
    """The shard described by the launcher's environment (a single process when it sets nothing)."""
    env = os.environ if environ is None else environ
    try:
        world_size = int(env.get("WORLD_SIZE", "1"))
        rank = int(env.get("RANK", "0"))
        local_rank = int(env.get("LOCAL_RANK", str(rank)))
    except ValueError as exc:
        raise ValueError(f"RANK/WORLD_SIZE/LOCAL_RANK must be integers: {exc}") from exc
    if world_size < 1 or not 0 <= rank < world_size:
        raise ValueError(f"RANK={rank} is not within WORLD_SIZE={world_size}")
    return Shard(rank, world_size, local_rank)


class ProcessGroup:
    """A gloo process group for the barrier and the gather; a no-op for a single process."""

    def __init__(self, shard: Shard) -> None:
        self.shard = shard
        self._dist: Any = None
        if shard.world_size > 1:
            import torch.distributed as dist

            if not dist.is_initialized():
                dist.init_process_group("gloo", rank=shard.rank, world_size=shard.world_size)
            self._dist = dist

    def barrier(self) -> None:
        if self._dist is not None:
            self._dist.barrier()

    def gather(self, obj: T) -> list[T] | None:
        """Every rank's ``obj`` on rank 0 (in rank order); ``None`` on the other ranks."""
        if self._dist is None:
            return [obj]
        gathered: list[T] | None = [None] * self.shard.world_size if self.shard.is_main else None  # type: ignore[list-item]
        self._dist.gather_object(obj, gathered, dst=0)
        return gathered

    def close(self) -> None:
        if self._dist is not None and self._dist.is_initialized():
            self._dist.destroy_process_group()
