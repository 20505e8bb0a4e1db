"""The aggregate queries reports are built from (portable SQL: SQLite and PostgreSQL)."""

from __future__ import annotations

import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from hubrails.core.ledger.window import Window
from hubrails.store.sql import DAILY_KEY_SQL, DAY_MS, SUMS, SUMS_SQL, Store


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over a group of runs. ``cost`` covers the priced runs only."""

    runs: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost: float = 0.0
    unpriced: int = 0
    review_minutes: float = 0.0
    resolved: int = 0
    escalated: int = 0
    failed: int = 0
    abandoned: int = 0

    @classmethod
    def of(cls, sums: Sequence[Any]) -> Totals:
        """Totals from sums in the order of the fields (and of ``SUMS``)."""
        return cls(*(kind(v or 0) for kind, v in zip(_KINDS, sums, strict=True)))

    @property
    def failure_rate(self) -> float:
        """Failed and abandoned runs as a share of all runs."""
        return (self.failed + self.abandoned) / self.runs if self.runs else 0.0

    @property
    def success_rate(self) -> float:
        """Resolved runs as a share of all runs."""
        return self.resolved / self.runs if self.runs else 0.0


_KINDS = (int, int, int, int, int, float, int, float, int, int, int, int)


class Sums(dict[Any, list[float]]):
    """Running sums per key, turned into :class:`Totals` at the end (adding frozen
    dataclasses a hundred thousand times is slow)."""

    def add(self, key: Any, values: Sequence[float]) -> None:
        """Add ``values`` to the sums of ``key``."""
        found = self.get(key)
        if found is None:
            self[key] = list(values)
        else:
            found[:] = map(operator.add, found, values)

    def totals(self) -> dict[Any, Totals]:
        """The totals per key."""
        return {key: Totals.of(values) for key, values in self.items()}


@dataclass(frozen=True, slots=True)
class Group:
    """Sums (in the order of ``SUMS``) of one team, agent, model (priced id, else as given)
    and day (days since the epoch)."""

    team: str
    agent: str
    model: str
    day: int
    sums: tuple[float, ...]


def days(store: Store, span: Window, team: str | None) -> Iterator[Group]:
    """Sums per team, agent, model and day of the runs in ``span``: whole days from the daily
    sums, the partial days at either end from the runs themselves."""
    first = -(-span.since_ms // DAY_MS)  # the first whole day
    end = span.until_ms // DAY_MS  # the day after the last whole day
    only = " AND team = :team" if team else ""
    raw = f"SELECT {DAILY_KEY_SQL}, {SUMS_SQL} FROM ledger_runs WHERE ts_ms >= :a AND ts_ms < :b"
    queries: list[tuple[str, dict[str, Any]]] = []
    if first < end:
        queries.append(
            (
                f"SELECT day, team, agent, model, {', '.join(SUMS)} FROM ledger_daily "
                f"WHERE day >= :a AND day < :b{only}",
                {"a": first, "b": end},
            )
        )
        edges = [(span.since_ms, first * DAY_MS), (end * DAY_MS, span.until_ms)]
    else:
        edges = [(span.since_ms, span.until_ms)]
    for a, b in edges:
        if a < b:
            queries.append((f"{raw}{only} GROUP BY 1, 2, 3, 4", {"a": a, "b": b}))
    with store.read() as conn:
        for sql, params in queries:
            for row in conn.execute(text(sql), {**params, "team": team}):
                yield Group(row[1], row[2], row[3], int(row[0]), tuple(v or 0 for v in row[4:]))


def team_costs(store: Store, span: Window) -> dict[str, tuple[float, int]]:
    """Per team: the priced cost and the number of unpriced runs in ``span``."""
    sums = Sums()
    for g in days(store, span, None):
        sums.add(g.team, g.sums)
    return {team: (t.cost, t.unpriced) for team, t in sums.totals().items()}
