"""A run's fingerprint: everything that decides what its videos are, so a resume cannot mix two runs.

Each case record carries the fingerprint it was made under; resuming into a folder whose finished cases
were made under another one (another seed, method arguments, adapter code, protocol or dataset) is
refused with the differences, unless the user asks to regenerate (``--overwrite always``).
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

from interhf_bench.adapters.api import Adapter
from interhf_bench.data.dataset import Dataset
from interhf_bench.data.manifest import manifest_hash
from interhf_bench.io.files import sha256_file
from interhf_bench.protocol.spec import ProtocolSpec

Fingerprint = dict[str, str]


class ResumeMismatchError(ValueError):
    """Finished cases in the folder were made under another fingerprint."""


def run_fingerprint(adapter: Adapter, seed: int, protocol: ProtocolSpec, dataset: Dataset) -> Fingerprint:
    """Method, its resolved arguments, the adapter's source file hash, seed, protocol and manifest hashes."""
    return {
        "method": adapter.meta.name,
        "method_args": json.dumps(adapter.settings.model_dump(mode="json"), sort_keys=True),
        "adapter_code_sha256": _source_hash(type(adapter)),
        "seed": str(seed),
        "protocol_hash": protocol.hash,
        "manifest_sha256": manifest_hash(dataset.rows),
    }


def differences(before: Fingerprint, now: Fingerprint) -> list[str]:
    """``"seed: 0 -> 1"`` for every entry that changed."""
    return [
        f"{key}: {before.get(key)} -> {now.get(key)}"
        for key in sorted(set(before) | set(now))
        if before.get(key) != now.get(key)
    ]


def _source_hash(adapter_class: type[Adapter]) -> str:
    try:
        return sha256_file(Path(inspect.getfile(adapter_class)))
    except (TypeError, OSError):  # defined without a file (an interactive session)
        return "unknown"
