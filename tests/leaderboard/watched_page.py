"""A headless Chromium page that records everything a self-contained page must never do."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def watched_page(chromium: str) -> Iterator[tuple[Any, list[str]]]:
    """``(page, problems)``: console errors, page errors, dialogs (dismissed) and any request that
    leaves the folder are appended to ``problems``; the test asserts it stays empty."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("dialog", lambda dialog: (problems.append(f"dialog {dialog.message}"), dialog.dismiss()))
        page.on("request", lambda request: None if request.url.startswith(("file:", "data:")) else
                problems.append(f"network request {request.url}"))  # fmt: skip
        try:
            yield page, problems
        finally:
            browser.close()
