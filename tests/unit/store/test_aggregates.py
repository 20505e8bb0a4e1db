"""The report's aggregate queries: whole days from the daily sums, part-days from the runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hubrails.store.aggregates import grouped_queries, grouped_rows
from hubrails.store.reader import DAY_MS, sqlite_reader
from hubrails.store.sql import Store
from tests.ledger_rows import ledger_of, run_row


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A SQLite ledger with runs on days 10 (two, at noon), 11 (one, at 01:00) and 12 (one)."""
    rows = [
        run_row("a", 10 * DAY_MS + DAY_MS // 2),
        run_row("b", 10 * DAY_MS + DAY_MS // 2 + 1, team="web", cost=None, outcome="failed"),
        run_row("c", 11 * DAY_MS + 3_600_000),
        run_row("d", 12 * DAY_MS + 3_600_000, price_model="m-priced"),
    ]
    made = ledger_of(tmp_path / "ledger.db", rows)
    yield made
    made.close()


def test_whole_days_come_from_the_daily_sums_and_the_edges_from_the_runs() -> None:
    queries = grouped_queries(10 * DAY_MS + 5, 13 * DAY_MS - 5, ("team",), team="sre")
    assert [sql.split(" FROM ")[1].split()[0] for sql, _ in queries] == [
        "ledger_daily",
        "ledger_runs",
        "ledger_runs",
    ]
    assert queries[0][1] == {"a": 11, "b": 12, "team": "sre"}
    assert queries[1][1]["a"] == 10 * DAY_MS + 5 and queries[1][1]["b"] == 11 * DAY_MS
    assert queries[2][1]["a"] == 12 * DAY_MS and queries[2][1]["b"] == 13 * DAY_MS - 5
    assert all("GROUP BY 1" in sql and "team = :team" in sql for sql, _ in queries)


def test_a_span_inside_one_day_reads_only_the_runs() -> None:
    queries = grouped_queries(10 * DAY_MS + 1, 10 * DAY_MS + 2, ())
    assert len(queries) == 1 and "FROM ledger_runs" in queries[0][0]
    assert "GROUP BY" not in queries[0][0] and "team = :team" not in queries[0][0]
    # Exactly whole days: no part-day queries at all.
    assert [q[1]["a"] for q in grouped_queries(10 * DAY_MS, 12 * DAY_MS, ())] == [10]


def test_unknown_grouping_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown grouping keys: colour"):
        grouped_queries(0, DAY_MS, ("team", "colour"))


def test_grouped_rows_add_up_the_runs_in_the_span(store: Store) -> None:
    found = list(grouped_rows(store, 10 * DAY_MS, 13 * DAY_MS, ("team",)))
    by_team: dict[str, list[Any]] = {}
    for (team,), sums in found:
        got = by_team.setdefault(team, [0] * len(sums))
        got[:] = [x + (y or 0) for x, y in zip(got, sums, strict=True)]
    assert by_team["sre"][0] == 3 and by_team["web"][0] == 1  # runs
    assert by_team["web"][6] == 1  # unpriced
    assert by_team["web"][10] == 1  # failed


def test_grouped_rows_by_model_use_the_priced_model(store: Store) -> None:
    # Day 12 partly (from the runs, where the model is coalesce(price_model, model)).
    found = list(grouped_rows(store, 12 * DAY_MS + 1, 12 * DAY_MS + DAY_MS // 2, ("model",)))
    assert [(key, sums[0]) for key, sums in found] == [(("m-priced",), 1)]


def test_an_empty_span_or_team_gives_no_groups(store: Store) -> None:
    assert list(grouped_rows(store, 20 * DAY_MS, 21 * DAY_MS, ())) == []
    assert list(grouped_rows(store, 10 * DAY_MS, 13 * DAY_MS, ("agent",), team="nobody")) == []


def test_the_standard_library_reader_gives_the_same_rows(store: Store, tmp_path: Path) -> None:
    reader = sqlite_reader(f"sqlite:///{tmp_path / 'ledger.db'}")
    assert reader is not None
    span = (10 * DAY_MS + 7, 12 * DAY_MS + 7_200_000, ("team", "day"))
    mine = sorted(grouped_rows(store, *span), key=repr)
    theirs = sorted(grouped_rows(reader, *span), key=repr)
    assert [(k, list(v)) for k, v in mine] == [(k, list(v)) for k, v in theirs]
    assert {k for k, _ in mine} == {("sre", 10), ("web", 10), ("sre", 11), ("sre", 12)}
