"""The aggregate queries reports are built from (portable SQL: SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import text

from hubrails.core.ledger.window import DAY_MS, Window
from hubrails.store.sql import Store

WEEK_MS = 7 * DAY_MS


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

    def __add__(self, other: Totals) -> Totals:
        pairs = zip(_values(self), _values(other), strict=True)
        return Totals(*(a + b for a, b in pairs))  # type: ignore[arg-type]

    @property
    def failure_rate(self) -> float:
        """Failed and abandoned runs as a share of all runs."""
        return (self.failed + self.abandoned) / self.runs if self.runs else 0.0

    @property
    def success_rate(self) -> float:
        """Resolved runs as a share of all runs."""
        return self.resolved / self.runs if self.runs else 0.0


def _values(t: Totals) -> tuple[float, ...]:
    return tuple(getattr(t, name) for name in Totals.__slots__)


@dataclass(frozen=True, slots=True)
class Group:
    """Totals of one team, agent, priced model and bucket (week back from the end, or day)."""

    team: str
    agent: str
    model: str
    bucket: int
    totals: Totals


_SUMS = (
    "count(*), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), "
    "sum(cache_write_tokens), sum(cost_usd), "
    "sum(CASE WHEN cost_usd IS NULL THEN 1 ELSE 0 END), sum(review_minutes), "
    "sum(CASE WHEN outcome = 'resolved' THEN 1 ELSE 0 END), "
    "sum(CASE WHEN outcome = 'escalated' THEN 1 ELSE 0 END), "
    "sum(CASE WHEN outcome = 'failed' THEN 1 ELSE 0 END), "
    "sum(CASE WHEN outcome = 'abandoned' THEN 1 ELSE 0 END)"
)


def _totals(values: tuple[object, ...]) -> Totals:
    cast = (int, int, int, int, int, float, int, float, int, int, int, int)
    return Totals(*(kind(v or 0) for kind, v in zip(cast, values, strict=True)))


def groups(store: Store, span: Window, team: str | None, *, daily: bool) -> Iterator[Group]:
    """Totals per team, agent, model and bucket: weeks back from the end of ``span`` (0 is
    the last seven days), or with ``daily`` days since the epoch."""
    last = int(span.until_ms) - 1  # an int, inlined: the bucket must be an integer expression
    bucket = f"ts_ms / {DAY_MS}" if daily else f"({last} - ts_ms) / {WEEK_MS}"
    where = "ts_ms >= :since AND ts_ms < :until" + (" AND team = :team" if team else "")
    sql = (
        f"SELECT team, agent, coalesce(price_model, model), {bucket} AS bucket, {_SUMS} "
        f"FROM ledger_runs WHERE {where} GROUP BY 1, 2, 3, 4"
    )
    params = {"since": span.since_ms, "until": span.until_ms, "team": team}
    with store.read() as conn:
        for row in conn.execute(text(sql), params):
            yield Group(row[0], row[1], row[2], int(row[3]), _totals(tuple(row[4:])))


def team_costs(store: Store, span: Window) -> dict[str, tuple[float, int]]:
    """Per team: the priced cost and the number of unpriced runs in ``span``."""
    sql = (
        "SELECT team, sum(cost_usd), sum(CASE WHEN cost_usd IS NULL THEN 1 ELSE 0 END) "
        "FROM ledger_runs WHERE ts_ms >= :since AND ts_ms < :until GROUP BY team"
    )
    with store.read() as conn:
        rows = conn.execute(text(sql), {"since": span.since_ms, "until": span.until_ms})
        return {team: (float(cost or 0), int(unpriced or 0)) for team, cost, unpriced in rows}
