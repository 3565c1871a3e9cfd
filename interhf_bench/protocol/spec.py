"""Protocol specifications: what a test set must contain and how it is cut into frames and clips.

A protocol is never edited in place. Any change to a value here is a new protocol id
(``interhf-v2``), so a result that names ``interhf-v1`` and its hash means one thing forever.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from interhf_bench.naming import check_path_name, lookup
from interhf_bench.protocol.taxonomy import CLASS_CODES, CLASSES


@dataclass(frozen=True)
class ProtocolSpec:
    """Everything that defines a protocol. ``hash`` covers every field and the class taxonomy."""

    id: str
    description: str
    videos_per_class: int
    num_target_frames: int
    fps: float
    height: int
    width: int
    clip_length: int
    clip_stride: int
    reference_frame: int = 0
    classes: tuple[str, ...] = CLASS_CODES
    distinct_subjects_per_class: bool = True
    superseded_by: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        check_path_name(self.id, "protocol id")  # it names a folder of every run

    @property
    def num_frames(self) -> int:
        """Frames stored per video: the reference frame followed by the target frames."""
        return self.reference_frame + 1 + self.num_target_frames

    @property
    def target_frames(self) -> range:
        """Indices of the frames a method generates and the metrics compare."""
        return range(self.reference_frame + 1, self.num_frames)

    @property
    def num_videos(self) -> int:
        return self.videos_per_class * len(self.classes)

    @property
    def clips_per_video(self) -> int:
        """Number of clip windows (FID-VID, FVD) per video: every window of ``clip_length`` target frames."""
        return max(0, (self.num_target_frames - self.clip_length) // self.clip_stride + 1)

    def as_dict(self) -> dict[str, object]:
        """Canonical JSON-ready form; the taxonomy of each class is spelled out so it is hashed too."""
        by_code = {c.code: c for c in CLASSES}
        return {
            "id": self.id,
            "description": self.description,
            "videos_per_class": self.videos_per_class,
            "num_frames": self.num_frames,
            "num_target_frames": self.num_target_frames,
            "reference_frame": self.reference_frame,
            "fps": self.fps,
            "height": self.height,
            "width": self.width,
            "clip_length": self.clip_length,
            "clip_stride": self.clip_stride,
            "distinct_subjects_per_class": self.distinct_subjects_per_class,
            "classes": [by_code[code].as_dict() for code in self.classes],
            "superseded_by": self.superseded_by,
            "notes": list(self.notes),
        }

    @property
    def hash(self) -> str:
        """sha256 of the canonical JSON of :meth:`as_dict` (sorted keys, no whitespace)."""
        return canonical_sha256(self.as_dict())


def canonical_json(obj: object) -> str:
    """The one serialisation used for hashing: sorted keys, compact separators, UTF-8 kept as is."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_sha256(obj: object) -> str:
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()


INTERHF_V1: Final = ProtocolSpec(
    id="interhf-v1",
    description=(
        "InterHF test protocol of InterAnimate (arXiv 2504.10905): 18 hand-face interaction classes x 10 "
        "videos from distinct subjects; reference frame 0, 48 target frames at 15 fps, 640x384 (HxW)."
    ),
    videos_per_class=10,
    num_target_frames=48,
    fps=15.0,
    height=640,
    width=384,
    clip_length=16,
    clip_stride=1,
    notes=(
        "The paper does not state frame count, fps or orientation; these values are InterHF-Bench's.",
        "Generated frames are resized to the ground-truth size for pixel metrics, as DisCo does.",
    ),
)

INTERHF_MINI_V1: Final = ProtocolSpec(
    id="interhf-mini-v1",
    description=(
        "Embedded synthetic protocol: the same 18 classes x 2 videos from distinct synthetic subjects; "
        "reference frame 0, 24 target frames at 15 fps, 160x96 (HxW). Runs every command on a laptop CPU."
    ),
    videos_per_class=2,
    num_target_frames=24,
    fps=15.0,
    height=160,
    width=96,
    clip_length=16,
    clip_stride=1,
    notes=("Synthetic data from `interhf-bench data synth`; numbers are for testing, not for papers.",),
)

PROTOCOLS: Final[dict[str, ProtocolSpec]] = {p.id: p for p in (INTERHF_V1, INTERHF_MINI_V1)}
DEFAULT_PROTOCOL: Final = INTERHF_MINI_V1.id


def get_protocol(protocol_id: str) -> ProtocolSpec:
    """A registered protocol by id, or a custom one from a ``.json`` file.

    Such a file is what ``interhf-bench protocol ID --json`` prints, edited and renamed. Unknown ids
    list the known ones.
    """
    if protocol_id.endswith(".json"):
        return load_protocol_file(Path(protocol_id))
    return lookup(PROTOCOLS, protocol_id, "protocol")


def protocol_from_dict(data: dict[str, Any]) -> ProtocolSpec:
    """The inverse of :meth:`ProtocolSpec.as_dict`; the classes must be this taxonomy's, unchanged."""
    by_code = {c.code: c.as_dict() for c in CLASSES}
    codes = []
    for entry in data.get("classes", []):
        code = entry.get("code") if isinstance(entry, dict) else None
        if code not in by_code or by_code[code] != entry:
            raise ValueError(f"class {entry!r} is not one of this taxonomy's classes as defined here")
        codes.append(code)
    fields = {k: v for k, v in data.items() if k not in ("classes", "num_frames", "notes")}
    try:
        spec = ProtocolSpec(**fields, classes=tuple(codes), notes=tuple(data.get("notes", ())))
    except TypeError as exc:
        raise ValueError(f"not a protocol specification: {exc}") from exc
    if data.get("num_frames", spec.num_frames) != spec.num_frames:
        raise ValueError(
            f"num_frames {data['num_frames']} does not match reference + targets ({spec.num_frames})"
        )
    return spec


def load_protocol_file(path: Path) -> ProtocolSpec:
    """A custom protocol from a JSON file; its id must not shadow a registered protocol with other values."""
    try:
        spec = protocol_from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{path}: cannot read a protocol: {exc}") from exc
    if spec.id in PROTOCOLS and PROTOCOLS[spec.id].hash != spec.hash:
        raise ValueError(f"{path}: id {spec.id!r} is a registered protocol with different values; rename it")
    return spec
