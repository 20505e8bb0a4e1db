"""Debian's headless Chromium, driven by Playwright (never a browser Playwright downloads): the
dashboard's tests load pages in it. Without it the tests skip, or fail under
``HUB_REQUIRE_CHROMIUM=1`` (what .ci/run sets, as it installs the ``chromium`` package)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = Path(os.environ.get("HUB_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def running_browser() -> Iterator[Browser | str]:
    """The browser, or why there is none."""
    if not CHROMIUM.is_file():
        yield f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        return
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        yield "playwright is not installed (pip install -e '.[dev]')"
        return
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        except Error as exc:
            yield f"Chromium at {CHROMIUM} does not start: {exc.message.splitlines()[0]}"
            return
        try:
            yield browser
        finally:
            browser.close()
