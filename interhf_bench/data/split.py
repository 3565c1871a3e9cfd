"""``interhf-bench data split``: choose a protocol test split from a larger manifest, reproducibly.

The selection depends only on the seed and the ids in the manifest, never on row order, Python's hash
seed or a NumPy version, so anyone with the same manifest and seed gets the same split:

1. Candidates are all rows (any split). For each protocol class, group its candidates by subject.
2. Each subject gets the key ``sha256("<seed>:<class>:<subject_id>")``; subjects are taken in key order.
3. For each chosen subject, its video with the smallest ``sha256("<seed>:<video_id>")`` is chosen.
4. The first ``videos_per_class`` subjects of each class form the test split; a class with fewer
   distinct subjects is an error naming the class.

The output manifest has every input row: chosen rows get split ``test``, other ``test`` rows become
``train``, ``train`` and ``val`` rows keep their split.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from interhf_bench.data.manifest import ManifestRow
from interhf_bench.protocol.spec import ProtocolSpec


class SplitError(ValueError):
    """The manifest cannot provide a protocol test split."""


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def select_test_ids(rows: list[ManifestRow], protocol: ProtocolSpec, seed: int) -> set[str]:
    """Video ids of the test split chosen by the documented rule."""
    by_class: dict[str, dict[str, list[ManifestRow]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_class[row.interaction][row.subject_id].append(row)
    chosen: set[str] = set()
    problems: list[str] = []
    for code in protocol.classes:
        subjects = by_class.get(code, {})
        if len(subjects) < protocol.videos_per_class:
            problems.append(
                f"class {code} has {len(subjects)} distinct subjects, {protocol.videos_per_class} needed"
            )
            continue
        order = sorted(subjects, key=lambda subject: _key(f"{seed}:{code}:{subject}"))
        for subject in order[: protocol.videos_per_class]:
            best = min(subjects[subject], key=lambda row: _key(f"{seed}:{row.video_id}"))
            chosen.add(best.video_id)
    if problems:
        raise SplitError(
            "cannot select a test split for protocol " + protocol.id + ":\n  " + "\n  ".join(problems)
        )
    return chosen


def assign_test_split(rows: list[ManifestRow], protocol: ProtocolSpec, seed: int) -> list[ManifestRow]:
    """All rows with their split rewritten: chosen rows ``test``, other former test rows ``train``."""
    chosen = select_test_ids(rows, protocol, seed)

    def new_split(row: ManifestRow) -> str:
        if row.video_id in chosen:
            return "test"
        return "train" if row.split == "test" else row.split

    return [row.model_copy(update={"split": new_split(row)}) for row in rows]
