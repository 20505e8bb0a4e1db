"""Totals per group of runs, from the store's aggregate queries over a window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hubrails.core.ledger.query import Sums, Totals, grouped, team_costs
from hubrails.core.ledger.window import Window
from hubrails.store.reader import DAY_MS
from hubrails.store.sql import Store
from tests.ledger_rows import ledger_of, run_row


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """Runs of two teams over days 3 to 5; one unpriced, one failed, one abandoned."""
    rows = [
        run_row("a", 3 * DAY_MS + 10, cost=2.0, review_minutes=1.5),
        run_row("b", 4 * DAY_MS + 10, cost=None, outcome="failed"),
        run_row("c", 5 * DAY_MS + 10, team="web", cost=0.5, outcome="abandoned"),
        run_row("d", 5 * DAY_MS + 20, team="web", cost=0.25, outcome="escalated"),
    ]
    made = ledger_of(tmp_path / "ledger.db", rows)
    yield made
    made.close()


def test_totals_of_sums_and_their_rates() -> None:
    totals = Totals.of([4, 40, 20, 0, 0, 2.5, 1, 3.0, 1, 1, 1, 1])
    assert totals.runs == 4 and totals.cost == 2.5 and totals.unpriced == 1
    assert totals.failure_rate == 0.5 and totals.success_rate == 0.25
    assert Totals.of([None] * 12) == Totals()  # sums over no rows are NULL
    assert Totals().failure_rate == 0.0 and Totals().success_rate == 0.0
    with pytest.raises(ValueError):
        Totals.of([1, 2, 3])  # not one value per field


def test_sums_merge_the_same_key() -> None:
    sums = Sums()
    sums.add(("sre",), [1, 10, 5, 0, 0, 1.0, 0, 0.0, 1, 0, 0, 0])
    sums.add(("sre",), [2, 20, 5, 0, 0, 0.5, 1, 2.0, 0, 0, 1, 1])
    sums.add(("web",), [1, 1, 1, 0, 0, 0.0, 1, 0.0, 0, 0, 0, 1])
    totals = sums.totals()
    assert totals[("sre",)] == Totals(3, 30, 10, 0, 0, 1.5, 1, 2.0, 1, 0, 1, 1)
    assert totals[("web",)].abandoned == 1


def test_grouped_over_whole_and_part_days(store: Store) -> None:
    # From the middle of day 3 (so run "a" at 3d+10ms is out) to the end of day 5.
    totals = grouped(store, Window(3 * DAY_MS + 100, 6 * DAY_MS), ("team",)).totals()
    assert set(totals) == {("sre",), ("web",)}
    assert totals[("sre",)].runs == 1 and totals[("sre",)].failed == 1
    assert totals[("sre",)].unpriced == 1 and totals[("sre",)].cost == 0.0
    assert totals[("web",)] == Totals(2, 20, 10, 0, 0, 0.75, 0, 0.0, 0, 1, 0, 1)


def test_grouped_by_day_for_one_team(store: Store) -> None:
    totals = grouped(store, Window(0, 10 * DAY_MS), ("day",), team="sre").totals()
    assert {key: t.runs for key, t in totals.items()} == {(3,): 1, (4,): 1}
    everything = grouped(store, Window(0, 10 * DAY_MS), ()).totals()
    assert everything[()].runs == 4 and everything[()].review_minutes == 1.5


def test_team_costs(store: Store) -> None:
    assert team_costs(store, Window(0, 10 * DAY_MS)) == {"sre": (2.0, 1), "web": (0.75, 0)}
    assert team_costs(store, Window(8 * DAY_MS, 9 * DAY_MS)) == {}
