"""The dashboard's series: cost per team and day, failure rate per agent and week."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubrails.core.dashboard.series import series
from hubrails.core.ledger.window import DAY_MS, Window
from hubrails.store.reader import sqlite_reader
from tests.helpers import jsonl, record, run_cli


def test_days_and_weeks(registry: Path) -> None:
    runs = [
        record(run_id="1", team="sre", agent="a", ts="2026-06-01T10:00:00Z", cost_usd=1.0),
        record(run_id="2", team="sre", agent="a", ts="2026-06-01T11:00:00Z", cost_usd=2.0),
        record(run_id="3", team="sre", agent="a", ts="2026-06-14T10:00:00Z", task_outcome="failed"),
        record(run_id="4", team="ops", agent="b", ts="2026-06-14T23:00:00Z", cost_usd=0.5),
        record(run_id="5", team="ops", agent="b", ts="2026-06-15T00:00:00Z", cost_usd=9.0),
    ]
    url = f"sqlite:///{registry / 'ledger.db'}"
    assert (
        run_cli("ledger", "ingest", "--db", url, str(jsonl(registry / "r.jsonl", runs))).exit_code
        == 0
    )
    reader = sqlite_reader(url)
    assert reader is not None
    since = 20_605 * DAY_MS  # 2026-06-01
    span = Window(since, since + 14 * DAY_MS)  # to the end of 2026-06-14: run 5 is outside
    found = series(reader, span, None, review_hourly_usd=60.0)
    assert found.days[0] == "2026-06-01" and found.days[-1] == "2026-06-14"
    assert found.teams == ("sre", "ops")
    assert found.daily_cost["sre"][0] == pytest.approx(3.0)
    assert found.daily_cost["ops"][13] == pytest.approx(0.5)
    a, b = found.agents
    assert (a.agent, a.totals.runs, a.weekly_failure) == ("a", 3, (0.0, 1.0))
    assert (b.agent, b.weekly_failure) == ("b", (None, 0.0))
    assert a.review_cost == pytest.approx(3 * 4)  # 4 minutes a run at 60 an hour
    only = series(reader, span, "ops", 0.0)
    assert only.teams == ("ops",) and [x.agent for x in only.agents] == ["b"]
