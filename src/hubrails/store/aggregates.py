"""The report's aggregate queries (portable SQL: SQLite and PostgreSQL): the sums of the runs
in a time span, grouped by team, agent, model or day, read from the daily sums and the runs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from hubrails.store.reader import DAY_MS, SUMS, SUMS_SQL, Queries, Query

# What each grouping key is in the runs; the daily sums have a column of each key's name
# (the same values in both).
_RUN_KEYS = {
    "team": "team",
    "agent": "agent",
    "model": "coalesce(price_model, model)",
    "day": f"ts_ms / {DAY_MS}",
}
_DAILY_SUMS = ", ".join(f"sum({c})" for c in SUMS)


def grouped_queries(
    since_ms: int, until_ms: int, keys: Sequence[str], team: str | None = None
) -> list[Query]:
    """The queries whose rows are ``keys`` then the sums (in the order of ``SUMS``) of the
    runs from ``since_ms`` to ``until_ms``: whole days from the daily sums, the partial days
    at either end from the runs."""
    unknown = [k for k in keys if k not in _RUN_KEYS]
    if unknown:
        raise ValueError(f"unknown grouping keys: {', '.join(unknown)}")
    first = -(-since_ms // DAY_MS)  # the first whole day
    end = until_ms // DAY_MS  # the day after the last whole day
    only = " AND team = :team" if team else ""
    n = len(keys)
    group = " GROUP BY " + ", ".join(str(i + 1) for i in range(n)) if n else ""
    queries: list[Query] = []
    if first < end:
        cols = "".join(f"{k}, " for k in keys)
        queries.append(
            (
                f"SELECT {cols}{_DAILY_SUMS} FROM ledger_daily "
                f"WHERE day >= :a AND day < :b{only}{group}",
                {"a": first, "b": end, "team": team},
            )
        )
        edges = [(since_ms, first * DAY_MS), (end * DAY_MS, until_ms)]
    else:
        edges = [(since_ms, until_ms)]
    cols = "".join(f"{_RUN_KEYS[k]}, " for k in keys)
    for a, b in edges:
        if a < b:
            queries.append(
                (
                    f"SELECT {cols}{SUMS_SQL} FROM ledger_runs "
                    f"WHERE ts_ms >= :a AND ts_ms < :b{only}{group}",
                    {"a": a, "b": b, "team": team},
                )
            )
    return queries


def grouped_rows(
    store: Queries, since_ms: int, until_ms: int, keys: Sequence[str], team: str | None = None
) -> Iterator[tuple[tuple[Any, ...], Sequence[Any]]]:
    """Each group's key (the values of ``keys``) and its sums, in the order of ``SUMS``; a
    key may come more than once (from the daily sums and from a partial day's runs), and
    groups without runs are left out."""
    n = len(keys)
    for rows in store.queries(grouped_queries(since_ms, until_ms, keys, team)):
        for row in rows:
            if row[n] is None or row[n] == 0:  # no runs (an aggregate without GROUP BY)
                continue
            yield tuple(row[:n]), row[n:]
