"""Budget status: month-to-date cost against each team's budget, worst first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hubrails.core.ledger.budget import NO_BUDGET, OK, OVER, PROJECTED_OVER, budget_status
from hubrails.store.sql import Store
from tests.ledger_rows import ledger_of, run_row

# The 10th of June 2026 at midnight: nine whole days of a 30-day month have passed.
AS_OF = datetime(2026, 6, 10, tzinfo=UTC)
JUNE_1 = int(datetime(2026, 6, 1, tzinfo=UTC).timestamp() * 1000)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    rows = [
        run_row("a", JUNE_1 + 1000, team="sre", cost=90.0),
        run_row("b", JUNE_1 + 2000, team="web", cost=40.0),
        run_row("c", JUNE_1 + 3000, team="data", cost=5.0),
        run_row("d", JUNE_1 + 4000, team="ml", cost=None),  # unpriced
        run_row("e", JUNE_1 - 1000, team="data", cost=500.0),  # last month: not counted
    ]
    made = ledger_of(tmp_path / "ledger.db", rows)
    yield made
    made.close()


def test_statuses_worst_first(store: Store) -> None:
    budgets = {"sre": 80.0, "web": 100.0, "data": 1000.0, "ops": 10.0}
    lines = budget_status(store, budgets, AS_OF)
    assert [(b.team, b.status) for b in lines] == [
        ("sre", OVER),
        ("web", PROJECTED_OVER),  # 40 in 9 days: 133.33 over 30
        ("data", OK),
        ("ops", OK),  # a budget and nothing spent
        ("ml", NO_BUDGET),
    ]
    web = lines[1]
    assert web.spent == 40.0 and round(web.projected, 2) == 133.33 and web.alert
    assert not lines[2].alert and lines[2].spent == 5.0
    assert lines[4].unpriced == 1 and lines[4].budget is None


def test_one_team_only(store: Store) -> None:
    lines = budget_status(store, {"sre": 80.0}, AS_OF, team="web")
    assert [(b.team, b.status) for b in lines] == [("web", NO_BUDGET)]
    assert budget_status(store, {}, AS_OF, team="nobody") == []


def test_the_first_hours_of_a_month_count_as_one_day(store: Store) -> None:
    early = datetime(2026, 6, 1, 6, tzinfo=UTC)
    (sre,) = budget_status(store, {"sre": 3000.0}, early, team="sre")
    assert sre.spent == 90.0 and sre.projected == 90.0 * 30 and sre.status == OK
