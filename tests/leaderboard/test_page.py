"""``index.html`` in headless Chromium: loads without errors, shows every entry, sorts on a header click.

Chromium comes from Debian's package (the ``chromium`` fixture of ``conftest.py``) and is driven by
Playwright through its ``executable_path``, so no browser is downloaded.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leaderboard.build import write_leaderboard
from tests.leaderboard.runs import write_run
from tests.leaderboard.watched_page import watched_page

EVIL = "<script>alert(1)</script>"
PAPER = ["Disco", "AnimateAnyone", "MagicAnimate", "MimicMotion", "DisPose", "StableAnimator", "InterAnimate"]


@pytest.fixture(scope="module")
def page_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("board")
    runs = [
        write_run(root / "runs", "alpha", {"ssim": 0.70, "psnr": 21.0, "fvd": 300.0}),
        write_run(root / "runs", "beta", {"ssim": 0.90, "psnr": 19.0, "fvd": None}),
        write_run(root / "runs", "gamma", {"ssim": 0.80, "psnr": 25.0, "fvd": 200.0}, evaluated=90),
    ]
    submitted = {"source": "a submission", "table": "-", "protocol": "interhf-v1",
                 "rows": [{"method": EVIL, "values": {"ssim": 0.5}}]}  # fmt: skip
    (root / "submitted.json").write_text(json.dumps(submitted))
    write_leaderboard(runs, root / "out", reported_files=[root / "submitted.json"])
    return root / "out" / "index.html"


def test_page_loads_shows_every_entry_and_sorts(chromium: str, page_path: Path) -> None:
    with watched_page(chromium) as (page, problems):
        page.goto(page_path.as_uri())
        table = page.locator("#table1")
        names = table.locator("tbody tr td:first-child").all_inner_texts()
        assert names == ["alpha", "beta", "gamma", *PAPER, EVIL]
        assert table.locator("tr.reported").count() == 8
        assert page.locator("#ablation1 tr.reported").count() == 5
        assert page.locator("img").count() > 0
        ssim_header = table.locator("th", has_text="SSIM")
        ssim_header.click()
        assert ssim_header.get_attribute("aria-sort") == "ascending"
        assert table.locator("tbody tr td:first-child").all_inner_texts() == [
            "AnimateAnyone", "MimicMotion", "Disco", EVIL, "MagicAnimate", "DisPose", "alpha",
            "StableAnimator", "InterAnimate", "gamma", "beta",
        ]  # fmt: skip
        ssim_header.click()
        assert ssim_header.get_attribute("aria-sort") == "descending"
        assert table.locator("tbody tr td:first-child").all_inner_texts()[0] == "beta"
        fvd_header = table.locator("th", has_text="FVD")
        fvd_header.click()
        order = table.locator("tbody tr td:first-child").all_inner_texts()
        assert order[:4] == ["InterAnimate", "StableAnimator", "gamma", "alpha"]
        assert set(order[-2:]) == {"beta", EVIL}  # missing last
        assert "90/180 (incomplete)" in table.inner_text()
    assert problems == []
