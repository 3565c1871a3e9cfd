"""Scoring tests keep the digest store and every other cache out of the user's cache folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INTERHF_BENCH_CACHE", str(tmp_path / "user-cache"))
    return tmp_path / "user-cache"
