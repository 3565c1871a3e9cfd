"""Custom protocol files: round trip through ``as_dict``, and the checks on what they may change."""

from __future__ import annotations

import json

import pytest

from interhf_bench.protocol.spec import INTERHF_MINI_V1, get_protocol


def test_custom_protocol_files_round_trip_and_are_checked(tmp_path) -> None:
    custom = {**INTERHF_MINI_V1.as_dict(), "id": "my-lab-v1", "num_target_frames": 8, "num_frames": 9}
    path = tmp_path / "my-lab-v1.json"
    path.write_text(json.dumps(custom))
    spec = get_protocol(str(path))
    assert (spec.id, spec.num_target_frames, spec.classes) == ("my-lab-v1", 8, INTERHF_MINI_V1.classes)
    assert spec.hash != INTERHF_MINI_V1.hash
    path.write_text(json.dumps({**custom, "id": "interhf-mini-v1"}))
    with pytest.raises(ValueError, match="registered protocol with different values"):
        get_protocol(str(path))
    custom["classes"][0] = {**custom["classes"][0], "finger_count": 5}
    path.write_text(json.dumps(custom))
    with pytest.raises(ValueError, match="not one of this taxonomy's classes"):
        get_protocol(str(path))
    path.write_text(json.dumps({**INTERHF_MINI_V1.as_dict(), "num_frames": 3}))
    with pytest.raises(ValueError, match="num_frames 3 does not match"):
        get_protocol(str(path))
