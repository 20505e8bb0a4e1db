"""``build_dashboard``: the page's data gathered from a real ledger (SQLite and PostgreSQL):
the very report ``hub ledger report`` builds, its series at the registry's review rate, the
registry's governance, and the projected saving of the cheaper-tier candidates together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from hubrails.core.certify.agent_files import Workspace
from hubrails.core.dashboard.build import build_dashboard
from hubrails.core.dashboard.series import series
from hubrails.core.hub.locate import find_hub
from hubrails.core.ledger.registry_facts import registry_report
from hubrails.core.ledger.window import Window
from hubrails.core.registry.config import load_config
from hubrails.store.reader import Queries, sqlite_reader
from tests.dashboard_page import seed
from tests.helpers import jsonl, record, run_cli

AS_OF = dt.datetime(2026, 6, 20, tzinfo=dt.UTC)
SPAN = Window(
    int(dt.datetime(2026, 5, 21, tzinfo=dt.UTC).timestamp() * 1000),
    int(AS_OF.timestamp() * 1000),
)
NOW = dt.datetime(2026, 6, 20, 12, tzinfo=dt.UTC)


@contextmanager
def opened(url: str) -> Iterator[Queries]:
    """The ledger at ``url`` opened for reading, as ``hub dashboard`` opens it."""
    reader = sqlite_reader(url)
    if reader is not None:
        try:
            yield reader
        finally:
            reader.close()
        return
    from hubrails.store.sql import open_store

    store = open_store(url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def store(registry: Path, ledger_db: str) -> Iterator[Queries]:
    runs = [
        record(run_id="1", team="sre", agent="incident-triage", ts="2026-06-01T10:00:00Z"),
        record(run_id="2", team="sre", agent="incident-triage", ts="2026-06-02T10:00:00Z"),
        record(run_id="3", team="support", agent="ticket-responder", ts="2026-06-03T10:00:00Z"),
        record(run_id="4", team="support", agent="ticket-responder", ts="2026-04-01T10:00:00Z"),
    ]
    ingest = run_cli("ledger", "ingest", "--db", ledger_db, str(jsonl(registry / "r.jsonl", runs)))
    assert ingest.exit_code == 0, ingest.stderr
    with opened(ledger_db) as queries:
        yield queries


def workspace(root: Path) -> Workspace:
    config = load_config(root, remember=False)
    return Workspace(config, find_hub(config))


def test_the_dashboard_holds_the_report_and_series_of_the_window(
    registry: Path, store: Queries
) -> None:
    ws = workspace(registry)
    found = build_dashboard(ws, store, SPAN, as_of=AS_OF, team=None, ledger_url=None, now=NOW)
    assert (found.title, found.team) == ("hub", None)
    assert found.report == registry_report(ws.config, store, SPAN, as_of=AS_OF)
    assert found.report.total.totals.runs == 3  # run 4 is before the window
    assert found.report.review_hourly_usd == 90  # hub.yaml's ledger.review_hourly_usd
    assert found.series == series(store, SPAN, None, 90)
    assert found.series.days[0] == "2026-05-21" and found.series.days[-1] == "2026-06-19"
    triage = next(a for a in found.series.agents if a.agent == "incident-triage")
    assert triage.review_cost == pytest.approx(2 * 4 / 60 * 90)  # 4 minutes a run
    assert {a.agent for a in found.governance.agents} >= {"incident-triage", "ticket-responder"}
    assert found.saving == 0.0 and found.report.cheaper_tier == ()


def test_one_teams_dashboard_is_that_teams_only(registry: Path, store: Queries) -> None:
    found = build_dashboard(
        workspace(registry), store, SPAN, as_of=AS_OF, team="sre", ledger_url=None, now=NOW
    )
    assert found.team == "sre"
    assert [line.key for line in found.report.rows] == ["sre"]
    assert found.series.teams == ("sre",)
    assert [a.agent for a in found.governance.agents] == ["incident-triage"]
    assert len(found.governance.tools) == 11  # the tool catalog is everyone's


def test_the_saving_is_that_of_every_cheaper_tier_candidate(registry: Path, ledger_db: str) -> None:
    seed(registry, ledger_db)
    with opened(ledger_db) as queries:
        found = build_dashboard(
            workspace(registry), queries, SPAN, as_of=AS_OF, team=None, ledger_url=None, now=NOW
        )
    candidates = found.report.cheaper_tier
    assert len(candidates) >= 1
    assert found.saving == pytest.approx(sum(c.monthly_saving for c in candidates))
    assert found.saving > 0
