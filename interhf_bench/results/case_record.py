"""The schema of the record written next to each generated video: how it was made, or why it was not."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Status = Literal["ok", "failed", "timeout"]


class CaseRecord(BaseModel):
    """One case's outcome."""

    model_config = ConfigDict(extra="forbid")

    video_id: str
    method: str
    status: Status
    seed: int
    started: str
    generate_seconds: float | None = None
    write_seconds: float | None = None
    video_sha256: str | None = None
    error: str | None = None
    traceback: str | None = None
    rank: int = 0
    fingerprint: dict[str, str] | None = None  # what made the video: method, args, code, seed, protocol, data
