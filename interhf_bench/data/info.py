"""``dataset.json``: which protocol a dataset root is meant for and how it was made."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from interhf_bench.io.files import write_text_atomic
from interhf_bench.protocol import get_protocol
from interhf_bench.protocol.spec import ProtocolSpec

INFO_NAME = "dataset.json"


class DatasetInfo(BaseModel):
    """Optional header of a dataset root. Commands use ``protocol`` as their default protocol."""

    model_config = ConfigDict(extra="forbid")

    protocol: str
    protocol_hash: str
    manifest_sha256: str | None = None  # None while the dataset is still being written
    created_by: str
    parameters: dict[str, Any] = {}


def read_info(root: str | os.PathLike[str]) -> DatasetInfo | None:
    """The root's ``dataset.json``, or ``None`` if there is none. A malformed file is an error."""
    path = Path(root) / INFO_NAME
    if not path.is_file():
        return None
    try:
        return DatasetInfo.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise ValueError(f"{path}: invalid dataset info: {exc}") from exc


def write_info(root: str | os.PathLike[str], info: DatasetInfo) -> Path:
    path = Path(root) / INFO_NAME
    write_text_atomic(path, info.model_dump_json(indent=2) + "\n")
    return path


def protocol_for(root: Path, protocol_id: str | None) -> ProtocolSpec:
    """The protocol named by ``protocol_id``, or else the one the dataset's ``dataset.json`` declares."""
    if protocol_id is None:
        info = read_info(root)
        if info is None:
            raise ValueError(f"{root}/dataset.json not found: pass --protocol (e.g. interhf-v1)")
        protocol_id = info.protocol
    return get_protocol(protocol_id)
