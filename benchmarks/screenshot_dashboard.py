"""Make docs/dashboard.png (1280 px, light) and docs/dashboard-390.png (390 px, dark): the page
of the example registry with its seeded ledger (benchmarks/dashboard_seed.py), committed in a
temporary git repository with every agent certified, drawn by Debian's headless Chromium.

Usage: python benchmarks/screenshot_dashboard.py [--out docs]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "benchmarks")]

from tests.chromium import running_browser  # noqa: E402
from tests.helpers import copy_example  # noqa: E402

WINDOW = ("--since", "2026-05-21", "--until", "2026-06-19", "--as-of", "2026-06-20T00:00:00Z")
SHOTS = ((1280, "light", "dashboard.png", True), (390, "dark", "dashboard-390.png", False))


def hub(root: Path, *args: str) -> None:
    """Run ``hub ARGS`` in ``root``; stop on a failure."""
    subprocess.run([sys.executable, "-m", "hubrails", *args], cwd=root, check=True)


def git(root: Path, *args: str) -> None:
    """Run git in ``root`` as a fixed, made-up identity."""
    identity = ("-c", "user.name=Docs", "-c", "user.email=docs@example.com")
    subprocess.run(["git", *identity, *args], cwd=root, check=True, capture_output=True)


def main() -> None:
    """Seed, render, photograph."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hub-shot-") as folder:
        root = copy_example(Path(folder) / "acme-hub")
        runs = Path(folder) / "seed.jsonl"
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "dashboard_seed.py"), str(runs)], check=True
        )
        hub(root, "ledger", "ingest", str(runs))
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "the example registry")
        hub(root, "certify", "--all", "--write")
        page = Path(folder) / "dashboard.html"
        hub(root, "dashboard", "--out", str(page), *WINDOW)
        with running_browser() as browser:
            if isinstance(browser, str):
                raise SystemExit(browser)
            for width, scheme, name, full in SHOTS:
                context = browser.new_context(
                    viewport={"width": width, "height": 1000 if full else 844},
                    color_scheme="dark" if scheme == "dark" else "light",
                )
                tab = context.new_page()
                tab.goto(page.as_uri(), wait_until="load")
                tab.screenshot(path=str(args.out / name), full_page=full)
                print(f"wrote {args.out / name}")
                context.close()


if __name__ == "__main__":
    main()
