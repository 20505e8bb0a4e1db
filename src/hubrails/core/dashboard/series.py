"""The ledger's series the report does not keep: cost per team per day, and each agent's
weekly failure rate, from grouped queries (the report's own ``grouped``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from hubrails.core.ledger.query import Sums, Totals, grouped
from hubrails.core.ledger.window import DAY_MS, Window
from hubrails.store.reader import SUMS, Queries

COST = SUMS.index("cost_usd")  # the cost's place in a group's sums


@dataclass(frozen=True, slots=True)
class AgentTrend:
    """One agent's totals over the window and its failure rate per week (oldest first; ``None``
    for a week without runs)."""

    team: str
    agent: str
    totals: Totals
    review_cost: float
    weekly_failure: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class Series:
    """Daily cost per team and weekly trends per agent over a window."""

    days: tuple[str, ...]  # ISO dates, every day of the window
    teams: tuple[str, ...]  # by cost, highest first
    daily_cost: dict[str, tuple[float, ...]]  # team -> cost per day, aligned with ``days``
    agents: tuple[AgentTrend, ...]  # by failure rate, highest first


def iso_day(day: int) -> str:
    """The date of day number ``day`` (days since the epoch, UTC)."""
    return datetime.fromtimestamp(day * DAY_MS / 1000, UTC).date().isoformat()


def series(store: Queries, span: Window, team: str | None, review_hourly_usd: float) -> Series:
    """The series of ``span`` (of ``team`` only, when given): per team and day, and per agent
    and week, each summed in SQL (a few thousand groups, not one per agent and day)."""
    first, last = span.since_ms // DAY_MS, (span.until_ms - 1) // DAY_MS
    cost: dict[str, list[float]] = {}
    for (t, day), values in grouped(store, span, ("team", "day"), team).items():
        cost.setdefault(t, [0.0] * (last - first + 1))[int(day) - first] += values[COST]
    weeks = (last - first) // 7 + 1  # the last week ends on the window's last day
    per_agent, weekly = Sums(), list[dict[tuple[str, str], Totals]]()
    for week in range(weeks):
        since = max(span.since_ms, (last + 1 - 7 * (weeks - week)) * DAY_MS)
        until = min(span.until_ms, (last + 1 - 7 * (weeks - week - 1)) * DAY_MS)
        sums = grouped(store, Window(since, until), ("team", "agent"), team)
        weekly.append(sums.totals())
        for key, values in sums.items():
            per_agent.add(key, values)
    agents = []
    for (t, a), totals in per_agent.totals().items():
        rates = tuple(w[(t, a)].failure_rate if (t, a) in w else None for w in weekly)
        review = totals.review_minutes / 60 * review_hourly_usd
        agents.append(AgentTrend(t, a, totals, review, rates))
    agents.sort(key=lambda x: (-x.totals.failure_rate, x.team, x.agent))
    teams = sorted(cost, key=lambda t: (-sum(cost[t]), t))
    return Series(
        days=tuple(iso_day(d) for d in range(first, last + 1)),
        teams=tuple(teams),
        daily_cost={t: tuple(cost[t]) for t in teams},
        agents=tuple(agents),
    )
