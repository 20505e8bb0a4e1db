"""Time ``hub dashboard`` over a large ledger against ``hub ledger report`` in the same run, and
check the page's size (and, with Chromium, that it loads).

Usage: python benchmarks/bench_dashboard.py [--count 1000000] [--days 90] [--runs 5]

Builds the example hub with the generator's 40 teams (each with a budget), ingests ``--count``
records of its 400 agents spread over ``--days`` days into a SQLite ledger, then alternates
``hub dashboard --since {days}d`` with ``hub ledger report --since {days}d --format json`` (its
floor: the dashboard is that report, one more grouped query, a fresh certification of the
registry's agents and the page). Each run is its own process; medians, the median per-pair
ratio and the 1-minute load average are printed as a markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "benchmarks")]

from tests.chromium import running_browser  # noqa: E402
from tests.helpers import copy_example  # noqa: E402

from ledger_bench import TEAM, hub, pairs, row, timed  # noqa: E402
from ledger_gen import TEAMS, generate  # noqa: E402

END = datetime(2026, 11, 25, tzinfo=UTC)


def browser_load(page: Path) -> str:
    """How long Chromium takes to load ``page`` at 1280 px, or why it was not tried."""
    with running_browser() as browser:
        if isinstance(browser, str):
            return f"not loaded: {browser}"
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        started = time.perf_counter()
        tab.goto(page.as_uri(), wait_until="load")
        rows = tab.locator("#agent-table tbody tr").count()
        return f"Chromium loads it in {time.perf_counter() - started:.2f} s ({rows} agent rows)"


def main() -> None:
    """Build, generate, ingest, time."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as folder:
        root = copy_example(Path(folder) / "hub")
        for i, name in enumerate(TEAMS):
            path = root / "registry" / "teams" / f"{name}.yaml"
            path.write_text(TEAM.format(name=name, budget=500 + 250 * (i % 8)))
        data, url = Path(folder) / "runs.jsonl", f"sqlite:///{folder}/ledger.db"
        generate(args.count, data, days=args.days, seed=1, end=END)
        timed(hub("ledger", "ingest", "--db", url, str(data)), root)
        data.unlink()
        page = Path(folder) / "dashboard.html"
        window = ("--db", url, "--since", f"{args.days}d", "--as-of", END.isoformat())
        dashboard = hub("dashboard", "--out", str(page), *window)
        report = hub("ledger", "report", "--format", "json", *window)
        timed(dashboard, root)  # the first run writes the catalog snapshot and index cache
        ours, floor = pairs(args.runs, lambda: timed(dashboard, root), lambda: timed(report, root))
        print(
            "| step | median s | min s | CPU s | peak MiB | floor s | floor | ratio | load |\n"
            "|---|---:|---:|---:|---:|---:|---|---:|---|"
        )
        label = f"hub dashboard, {args.count:,} runs, {args.days} days"
        print(row(label, ours, floor, "ledger report --format json"))
        size = page.stat().st_size
        print(f"page: {size:,} bytes ({size / 2**20:.2f} MiB); {browser_load(page)}")
        print(f"report alone: median {statistics.median(f[0] for f in floor):.2f} s")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
