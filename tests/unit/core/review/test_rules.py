"""The window's evidence, from the per-group sums (a window up to now) or from every run's
rows (a window that ends earlier); the baseline's median and MAD."""

from __future__ import annotations

from pathlib import Path

from hubrails.core.review.rules import median_mad, window_rows
from hubrails.store import normalise_url
from hubrails.store.sql import open_store
from tests.helpers import jsonl, record, run_cli

DAY = 86_400_000


def test_window_rows_from_the_sums_or_the_runs(registry: Path, ledger_db: str) -> None:
    labels = {"hub.tools": "Read=2", "hub.denied": "X=1"}
    runs = [record(run_id=f"r{n}", ts=f"2026-06-0{n}T12:00:00Z", labels=labels) for n in (1, 2, 3)]
    path = jsonl(registry / "runs.jsonl", runs)
    for _ in range(2):  # a second ingest adds nothing to the sums
        assert run_cli("ledger", "ingest", "--db", ledger_db, str(path)).exit_code == 0
    store = open_store(normalise_url(ledger_db, Path.cwd()))
    try:
        june = 1780272000000  # 2026-06-01T00:00:00Z
        now = window_rows(store, june - DAY, june + 30 * DAY)  # after the latest: the sums
        early = window_rows(store, june - DAY, june + 2 * DAY)  # 1 and 2 June: the runs
        late = window_rows(store, june + DAY + DAY // 2, june + 30 * DAY)
    finally:
        store.close()
    shape = sorted((r[2], r[3], r[4], r[5], r[7], r[8]) for r in now)
    assert shape == [("denied", "X", 3, 3, "r1", "r3"), ("tool", "Read", 3, 6, "r1", "r3")]
    assert sorted((r[2], r[4], r[7], r[8]) for r in early) == [
        ("denied", 2, "r1", "r2"), ("tool", 2, "r1", "r2"),
    ]  # fmt: skip
    # since first seen, the denials in the window only
    assert sorted((r[2], r[4]) for r in late) == [("denied", 2), ("tool", 3)]


def test_median_mad() -> None:
    assert median_mad([1.0, 2.0, 3.0, 4.0, 100.0]) == (3.0, 1.0)
