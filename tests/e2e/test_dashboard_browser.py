"""``hub dashboard``'s page in a real headless Chromium: it draws at 1280 and 390 px in light
and dark schemes, has every section, logs no error, asks for nothing but its own file, works
without JavaScript, sorts with it; and stays small for 40 teams, 400 agents and 90 days."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.chromium import running_browser
from tests.dashboard_page import BENCHMARKS, WINDOW, seed
from tests.helpers import copy_example, run_cli

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SECTIONS = ("spend", "outcomes", "review", "cheaper-tier", "governance")
LARGE_RUNS = int(os.environ.get("HUB_DASHBOARD_RUNS", "100000"))  # the benchmark takes 1,000,000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with running_browser() as found:
        if isinstance(found, str):
            if os.environ.get("HUB_REQUIRE_CHROMIUM") == "1":
                pytest.fail(f"HUB_REQUIRE_CHROMIUM=1 but {found}")
            pytest.skip(found)
        yield found


@pytest.fixture(scope="module")
def blank(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> dict[int, int]:
    """The size of a screenshot of an empty page at each width (the floor of 'non-blank')."""
    empty = tmp_path_factory.mktemp("blank") / "empty.html"
    empty.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    sizes = {}
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(empty.as_uri())
        sizes[width] = len(page.screenshot(full_page=True))
        page.close()
    return sizes


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page of the example registry with its seeded ledger."""
    root = copy_example(tmp_path_factory.mktemp("seeded") / "hub")
    url = f"sqlite:///{root / '.hub' / 'ledger.db'}"
    seed(root, url)
    out = root / "dashboard.html"
    run = run_cli("dashboard", "--root", str(root), "--db", url, "--out", str(out), *WINDOW)
    assert run.exit_code == 0, run.stderr
    return out


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page of a ledger of 40 teams and 400 agents over 90 days."""
    root = copy_example(tmp_path_factory.mktemp("large") / "hub")
    runs, url = root / "runs.jsonl", f"sqlite:///{root / 'ledger.db'}"
    gen = [sys.executable, str(BENCHMARKS / "ledger_gen.py"), str(LARGE_RUNS), str(runs)]
    subprocess.run([*gen, "--days", "90", "--end", "2026-11-25"], check=True)
    assert run_cli("ledger", "ingest", "--root", str(root), "--db", url, str(runs)).exit_code == 0
    out = root / "dashboard.html"
    window = ("--since", "90d", "--as-of", "2026-11-25T00:00:00Z")
    run = run_cli("dashboard", "--root", str(root), "--db", url, "--out", str(out), *window)
    assert run.exit_code == 0, run.stderr
    return out


class Loaded:
    """A page loaded from its file, with what the browser logged and requested meanwhile."""

    def __init__(self, browser: Browser, path: Path, width: int, scheme: str, js: bool = True):
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            color_scheme="dark" if scheme == "dark" else "light",
            java_script_enabled=js,
        )
        self.page: Page = context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on(
            "console",
            lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None,
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri(), wait_until="load")


def check_page(browser: Browser, path: Path, width: int, scheme: str, blank: int) -> Loaded:
    loaded = Loaded(browser, path, width, scheme)
    page = loaded.page
    for section in SECTIONS:
        assert page.locator(f"section#{section} h2").is_visible(), section
    charts = page.locator("svg.chart")
    assert charts.count() >= 4
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert chart.get_attribute("role") == "img"
        label = chart.locator("title").first.text_content() or ""
        assert label.strip(), chart.get_attribute("id")
        assert chart.bounding_box() is not None
        assert (chart.bounding_box() or {"width": 0})["width"] <= width
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"the page is {overflow} px wide at {width} px"
    shot = page.screenshot(full_page=True)
    assert len(shot) > 10 * blank, (len(shot), blank)
    assert loaded.errors == []
    assert loaded.requests == [path.as_uri()]
    colours = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert colours == ("rgb(15, 20, 25)" if scheme == "dark" else "rgb(255, 255, 255)")
    return loaded


@pytest.mark.parametrize(("width", "scheme"), [(1280, "light"), (390, "dark"), (390, "light")])
def test_the_seeded_page(
    browser: Browser, seeded: Path, blank: dict[int, int], width: int, scheme: str
) -> None:
    loaded = check_page(browser, seeded, width, scheme, blank[width])
    page = loaded.page
    assert page.locator("#team-table tbody tr").count() == 4
    assert page.locator("#spend-chart rect").count() > 30 * 3  # 30 days of 4 teams


def test_sorting_with_javascript_and_a_complete_page_without(
    browser: Browser, seeded: Path
) -> None:
    page = Loaded(browser, seeded, 1280, "light").page
    keys = page.locator("#team-table tbody tr td:first-child")
    before = keys.all_text_contents()
    heading = page.locator("#team-table thead th").nth(1)
    assert heading.text_content() == "runs"
    heading.click()
    runs = page.locator("#team-table tbody tr td:nth-child(2)").all_text_contents()
    assert [int(r.replace(",", "")) for r in runs] == sorted(int(r.replace(",", "")) for r in runs)
    assert heading.get_attribute("aria-sort") == "ascending"
    assert sorted(keys.all_text_contents()) == sorted(before)
    plain = Loaded(browser, seeded, 1280, "light", js=False)
    assert plain.page.locator("#team-table tbody tr td:first-child").all_text_contents() == before
    assert plain.page.locator("#cert-table tbody tr").count() == 4
    assert plain.errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_a_large_ledger(browser: Browser, large: Path, blank: dict[int, int], width: int) -> None:
    size = large.stat().st_size
    assert size < 2 * 1024 * 1024, f"{size} bytes"
    loaded = check_page(browser, large, width, "light", blank[width])
    assert loaded.page.locator("#team-table tbody tr").count() == 40
    assert loaded.page.locator("#agent-table tbody tr").count() == 400
