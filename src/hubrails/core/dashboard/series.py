"""The ledger's series the report does not keep: cost per team per day, and each agent's
weekly failure rate, from one grouped query (the report's own ``grouped``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from hubrails.core.ledger.query import Sums, Totals, grouped
from hubrails.core.ledger.window import DAY_MS, Window
from hubrails.store.reader import Queries


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
    """The series of ``span`` (of ``team`` only, when given)."""
    first, last = span.since_ms // DAY_MS, (span.until_ms - 1) // DAY_MS
    weeks = (last - first) // 7 + 1  # week 0 ends on the window's last day
    per_day = grouped(store, span, ("team", "agent", "day"), team)
    cost: dict[str, list[float]] = {}
    per_agent, weekly = Sums(), Sums()
    for (t, a, day), sums in per_day.items():
        d = int(day)
        cost.setdefault(t, [0.0] * (last - first + 1))[d - first] += sums[5]  # SUMS: cost
        per_agent.add((t, a), sums)
        weekly.add((t, a, weeks - 1 - (last - d) // 7), sums)
    week_totals = weekly.totals()
    agents = []
    for (t, a), totals in per_agent.totals().items():
        rates = tuple(
            w.failure_rate if (w := week_totals.get((t, a, i))) else None for i in range(weeks)
        )
        agents.append(
            AgentTrend(t, a, totals, totals.review_minutes / 60 * review_hourly_usd, rates)
        )
    agents.sort(key=lambda x: (-x.totals.failure_rate, x.team, x.agent))
    teams = sorted(cost, key=lambda t: (-sum(cost[t]), t))
    return Series(
        days=tuple(iso_day(d) for d in range(first, last + 1)),
        teams=tuple(teams),
        daily_cost={t: tuple(cost[t]) for t in teams},
        agents=tuple(agents),
    )
