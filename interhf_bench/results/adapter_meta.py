"""What a method declares about itself, recorded in every run's ``run_meta.json``.

The adapter API (``interhf_bench.adapters.api``) re-exports :class:`AdapterMeta`; it lives with the results
schemas because the results embed it and must not depend on the code that runs methods.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from interhf_bench.naming import NAME_PATTERN


class AdapterMeta(BaseModel):
    """Who made a method and how it was run; copied into every run's ``run_meta.json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=NAME_PATTERN, description="registry name, kebab-case; names the run's folder")
    display_name: str
    description: str = ""
    kind: Literal["reference", "native", "external"] = Field(
        "native",
        description="reference: sanity rows (no learning); native: runs in-process; external: official code",
    )
    paper_url: str | None = None
    code_url: str | None = None
    code_commit: str | None = None
    license: str | None = None
    weights: dict[str, str] = Field(default_factory=dict, description="weight file -> sha256")
    native_height: int | None = None
    native_width: int | None = None
    native_fps: float | None = None
    uses_ground_truth: bool = Field(
        False, description="receives the target frames (only sanity rows such as ground-truth may)"
    )
    citation: str | None = None
