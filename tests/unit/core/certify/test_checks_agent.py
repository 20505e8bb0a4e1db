"""The ledger-records check's count: whole days from the daily sums, the first part-day's runs
one by one, the same from SQLAlchemy and from the standard-library reader."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hubrails.core.certify.checks_agent import ledger_records_seen
from hubrails.store.reader import sqlite_reader
from hubrails.store.sql import runs_since
from tests.helpers import jsonl, record, run_cli


def test_counts_runs_since_the_window_start(registry: Path) -> None:
    now = datetime.now(UTC)
    start = now - timedelta(days=3)  # a part-day, then whole days
    day_start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    times = [
        start + timedelta(seconds=60),  # on the first day, after the start: counted
        day_start + timedelta(seconds=1) if day_start + timedelta(seconds=1) < start else None,
        now - timedelta(days=1),
        now - timedelta(days=10),  # before the window
    ]
    runs = [
        record(run_id=f"r{i}", team="sre", agent="incident-triage", ts=t.isoformat())
        for i, t in enumerate(times)
        if t is not None
    ] + [record(run_id="other", team="sre", agent="someone-else", ts=now.isoformat())]
    url = f"sqlite:///{registry / 'ledger.db'}"
    assert (
        run_cli("ledger", "ingest", "--db", url, str(jsonl(registry / "r.jsonl", runs))).exit_code
        == 0
    )
    assert sqlite_reader(url) is not None  # the standard-library path is the one taken
    seen = ledger_records_seen(url, "sre", "incident-triage", 3)
    since_ms = int(time.time() * 1000) - 3 * 86_400_000
    assert seen == runs_since(url, "sre", "incident-triage", since_ms) == 2
    assert ledger_records_seen(f"sqlite:///{registry / 'none.db'}", "sre", "x", 3) is None


@pytest.mark.parametrize("days", [0, 1, 400])
def test_empty_ledger(registry: Path, days: int) -> None:
    url = f"sqlite:///{registry / 'ledger.db'}"
    path = jsonl(registry / "r.jsonl", [record(run_id="x", team="a", agent="b")])
    assert run_cli("ledger", "ingest", "--db", url, str(path)).exit_code == 0
    assert ledger_records_seen(url, "sre", "incident-triage", days) == 0
