"""Helpers for the dashboard tests: a seeded ledger for the example registry, and the numbers
of a written page read back with the standard library's HTML parser."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from tests.helpers import run_cli

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
AS_OF = "2026-06-20T00:00:00Z"
WINDOW = ("--since", "2026-05-21", "--until", "2026-06-19", "--as-of", AS_OF)


def seed(registry: Path, db: str) -> None:
    """Ingest ``benchmarks/dashboard_seed.py``'s 90 days of runs of the example's agents."""
    runs = registry / "seed.jsonl"
    subprocess.run([sys.executable, str(BENCHMARKS / "dashboard_seed.py"), str(runs)], check=True)
    ingest = run_cli("ledger", "ingest", "--db", db, str(runs))
    assert ingest.exit_code == 0, ingest.stderr


class Tables(HTMLParser):
    """Every table of a page by id: its rows, each a list of (text, data-value) cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[tuple[str, str | None]]]] = {}
        self.ids: set[str] = set()
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._value: str | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "table":
            self._table = found.get("id") or ""
            self.tables[self._table] = []
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body and self._table is not None:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._in_body:
            self._cell, self._value = [], found.get("data-value")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append(("".join(self._cell).strip(), self._value))
            self._cell = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> Tables:
    """The tables of ``html``."""
    parser = Tables()
    parser.feed(html)
    return parser
