"""The gallery page in headless Chromium: every video plays, one clock for all, filters, escaped names.

The gallery is built from real runs of the built-in methods on the embedded set (``builtin_runs``), one
of them renamed with HTML. Chromium is Debian's (``chromium`` fixture), driven by Playwright.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from interhf_bench.protocol.spec import INTERHF_MINI_V1 as MINI
from leaderboard.gallery.build import GalleryOptions, write_gallery
from tests.leaderboard.gallery_runs import EVIL
from tests.leaderboard.watched_page import watched_page

FRAME = 1 / MINI.fps
LOADED = "Array.from(document.querySelectorAll('video')).every(v => v.readyState === 4 || v.error)"
STATES = """Array.from(document.querySelectorAll('video')).map(v => ({
  ready: v.readyState, error: v.error && v.error.message, paused: v.paused, time: v.currentTime,
  duration: v.duration, decoded: v.getVideoPlaybackQuality().totalVideoFrames}))"""
TIMES = "Array.from(document.querySelectorAll('video')).map(v => v.currentTime)"


@pytest.fixture(scope="module")
def gallery_page(
    builtin_runs: list[Path], mini_dataset: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("gallery")
    return write_gallery(
        builtin_runs, out, mini_dataset, options=GalleryOptions(cases=4, progress=False)
    ).page


def spread(times: list[float], duration: float) -> float:
    """The largest gap between two videos' clocks, around the loop (0.01 s and 1.59 s are close)."""
    gaps = [abs(a - b) for a in times for b in times]
    return max(min(gap, duration - gap) for gap in gaps)


def test_the_gallery_plays_in_sync_filters_and_shows_names_as_text(chromium: str, gallery_page: Path) -> None:
    with watched_page(chromium) as (page, problems):
        page.goto(gallery_page.as_uri())
        page.wait_for_function(LOADED, timeout=30_000)
        states = page.evaluate(STATES)
        assert len(states) == 4 * (2 + 4)  # per case: pose, ground truth and four runs
        assert all(state["ready"] == 4 and state["error"] is None for state in states)
        check_one_clock(page, states[0]["duration"])
        check_scrubbing_and_stepping(page)
        check_filters(page)
        assert page.locator("thead th").nth(6).inner_text() == EVIL
        assert page.locator("img[src='x']").count() == 0 and page.locator("script").count() == 1
    assert problems == []


def check_one_clock(page, duration: float) -> None:
    """One click plays every video; they advance together, within a frame of each other."""
    page.click("#play")
    start = time.monotonic()
    samples = []
    while time.monotonic() - start < 2.5:  # longer than the 1.6 s videos: across a loop
        time.sleep(0.2)
        samples.append(page.evaluate(TIMES))
    states = page.evaluate(STATES)
    assert all(not state["paused"] and state["decoded"] > 0 for state in states)
    assert all(spread(times, duration) < FRAME for times in samples), samples
    assert len({round(times[0], 2) for times in samples}) > 5  # the clock moved
    page.click("#play")
    assert all(state["paused"] for state in page.evaluate(STATES))


def check_scrubbing_and_stepping(page) -> None:
    """The scrubber moves every video to one frame; the arrow keys step all of them."""
    page.locator("#scrubber").fill("10")
    assert all(abs(seconds - 10.5 * FRAME) < 1e-3 for seconds in page.evaluate(TIMES))
    assert page.locator("#frame").inner_text() == f"11 / {MINI.num_target_frames}"
    page.locator("body").press("ArrowRight")
    assert all(abs(seconds - 11.5 * FRAME) < 1e-3 for seconds in page.evaluate(TIMES))
    page.locator("body").press("ArrowLeft")
    page.locator("body").press("ArrowLeft")
    assert all(abs(seconds - 9.5 * FRAME) < 1e-3 for seconds in page.evaluate(TIMES))
    assert page.locator("#frame").inner_text() == f"10 / {MINI.num_target_frames}"


def check_filters(page) -> None:
    """A class hides the other classes' rows; unticking a method hides its column."""
    page.select_option("#class-filter", "LH-NP")
    cases = page.locator("tbody.case")
    shown = [
        cases.nth(i).get_attribute("data-class") for i in range(cases.count()) if cases.nth(i).is_visible()
    ]
    hidden = [
        cases.nth(i).get_attribute("data-class") for i in range(cases.count()) if cases.nth(i).is_hidden()
    ]
    assert shown == ["LH-NP"] * 2 and hidden == ["LC-SF"] * 2
    page.select_option("#class-filter", "")
    assert all(cases.nth(i).is_visible() for i in range(cases.count()))
    page.locator("input.method-filter[value='run2']").uncheck()
    assert page.locator("[data-column='run2']").count() == 1 + 4  # the header and one cell per case
    assert all(not cell.is_visible() for cell in page.locator("[data-column='run2']").all())
    assert page.locator("[data-column='run1']").first.is_visible()
