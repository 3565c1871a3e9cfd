"""The manifest: one JSON object per line describing one video of a dataset.

Paths inside a manifest are POSIX paths relative to the dataset root. They may not be absolute, may
not contain ``..`` and may not resolve (through symlinks) outside the root, so a manifest from
someone else can never make the suite read or overwrite files elsewhere.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from interhf_bench.io.files import write_text_atomic
from interhf_bench.protocol.spec import canonical_json, canonical_sha256
from interhf_bench.protocol.taxonomy import CLASS_CODES

MANIFEST_NAME = "manifest.jsonl"
VIDEO_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
Split = Literal["train", "val", "test"]


class ManifestRow(BaseModel):
    """One video. ``class`` is a Python keyword, so the field is ``interaction`` with alias ``class``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    video_id: str = Field(pattern=VIDEO_ID_PATTERN)
    interaction: str = Field(alias="class")
    subject_id: str = Field(min_length=1)
    split: Split
    path: str = Field(min_length=1)
    fps: float = Field(gt=0)
    num_frames: int = Field(gt=0)
    height: int = Field(gt=0)
    width: int = Field(gt=0)
    sha256: str = Field(pattern=SHA256_PATTERN)
    pose_path: str | None = None
    pose_sha256: str | None = Field(default=None, pattern=SHA256_PATTERN)
    mask_path: str | None = None
    mask_sha256: str | None = Field(default=None, pattern=SHA256_PATTERN)
    identity_path: str | None = None
    identity_sha256: str | None = Field(default=None, pattern=SHA256_PATTERN)
    pose_backend: str | None = None  # what produced the keypoints (``data prepare``'s backend)

    @field_validator("interaction")
    @classmethod
    def _known_class(cls, code: str) -> str:
        if code not in CLASS_CODES:
            raise ValueError(f"unknown interaction class {code!r}; valid codes: {', '.join(CLASS_CODES)}")
        return code

    def to_json(self) -> dict[str, object]:
        """The row as written to the manifest (``class`` key, no null optional fields)."""
        return self.model_dump(by_alias=True, exclude_none=True)


@dataclass(frozen=True)
class Violation:
    """One broken rule: where (file, manifest line, video, field) and what is wrong."""

    file: str
    message: str
    field: str | None = None
    line: int | None = None
    video_id: str | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        what = ", ".join(
            p for p in (f"video {self.video_id}" if self.video_id else "", self.field or "") if p
        )
        return f"{where}: {what + ': ' if what else ''}{self.message}"


class DatasetError(ValueError):
    """A dataset breaks one or more rules; ``violations`` lists every one."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        shown = "\n".join(f"  {v}" for v in violations[:50])
        more = f"\n  ... and {len(violations) - 50} more" if len(violations) > 50 else ""
        super().__init__(f"{len(violations)} problem(s):\n{shown}{more}")


def resolve_in_root(root: Path, relative: str) -> Path:
    """Resolve a manifest path against the root, refusing anything that would escape it."""
    pure = PurePosixPath(relative)
    if "\\" in relative or pure.is_absolute() or Path(relative).is_absolute():
        raise ValueError(f"path {relative!r} must be relative to the dataset root (POSIX separators)")
    if any(part == ".." for part in pure.parts):
        raise ValueError(f"path {relative!r} contains '..'")
    root_resolved = root.resolve()
    resolved = (root_resolved / pure).resolve()
    if not resolved.is_relative_to(root_resolved):
        raise ValueError(f"path {relative!r} resolves outside the dataset root (to {resolved})")
    return resolved


def parse_manifest(path: Path) -> tuple[list[tuple[int, ManifestRow]], list[Violation]]:
    """Parse every line, collecting rows (with their line numbers) and every schema violation."""
    rows: list[tuple[int, ManifestRow]] = []
    violations: list[Violation] = []
    if not path.is_file():
        return rows, [Violation(str(path), "manifest file not found")]
    with open(path, encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                violations.append(Violation(str(path), f"not valid JSON ({exc.msg})", line=number))
                continue
            if not isinstance(data, dict):
                violations.append(Violation(str(path), "a row must be a JSON object", line=number))
                continue
            try:
                rows.append((number, ManifestRow.model_validate(data)))
            except ValidationError as exc:
                video_id = data.get("video_id") if isinstance(data.get("video_id"), str) else None
                for error in exc.errors():
                    field = ".".join(str(p) for p in error["loc"]) or None
                    violations.append(Violation(str(path), error["msg"], field, number, video_id))
    if not rows and not violations:
        violations.append(Violation(str(path), "manifest has no rows"))
    return rows, violations


def load_manifest(path: str | os.PathLike[str]) -> list[ManifestRow]:
    """Load a manifest, raising :class:`DatasetError` with every schema problem if there is any."""
    rows, violations = parse_manifest(Path(path))
    if violations:
        raise DatasetError(violations)
    return [row for _, row in rows]


def sort_rows(rows: list[ManifestRow]) -> list[ManifestRow]:
    return sorted(rows, key=lambda row: row.video_id)


def write_manifest(path: str | os.PathLike[str], rows: list[ManifestRow]) -> Path:
    """Write rows sorted by video id, one canonical JSON object per line, atomically."""
    text = "".join(canonical_json(row.to_json()) + "\n" for row in sort_rows(rows))
    write_text_atomic(path, text)
    return Path(path)


def manifest_hash(rows: list[ManifestRow]) -> str:
    """sha256 of the canonical manifest: rows sorted by video id, canonical JSON, independent of layout."""
    return canonical_sha256([row.to_json() for row in sort_rows(rows)])
