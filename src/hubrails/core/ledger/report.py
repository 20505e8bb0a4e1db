"""``hub ledger report``: cost, review time and failures over a window, in sections that
answer the platform's questions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from hubrails.core.ledger.budget import BudgetLine, budget_status
from hubrails.core.ledger.pricing import PriceBook
from hubrails.core.ledger.query import Sums, Totals, grouped
from hubrails.core.ledger.window import DAY_MS, Window
from hubrails.store.reader import Queries

BY = ("team", "agent", "model", "day")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a section lists something."""

    failure_rate: float = 0.2  # failed + abandoned share that counts as quietly failing
    rising_by: float = 0.1  # week-over-week rise of that share that counts too
    min_runs: int = 10  # fewer runs than this say nothing about rates
    success_rate: float = 0.85  # resolved share that makes a cheaper tier worth trying
    top: int = 5  # how many cost drivers to list


@dataclass(frozen=True, slots=True)
class Line:
    """Totals for one key, with what they cost including review."""

    key: str
    totals: Totals
    review_cost: float
    share: float

    @property
    def cost_per_resolved(self) -> float | None:
        """Model cost per resolved task."""
        return self.totals.cost / self.totals.resolved if self.totals.resolved else None


@dataclass(frozen=True, slots=True)
class TierCandidate:
    """An agent that succeeds on an expensive tier, and what the next cheaper one would save."""

    team: str
    agent: str
    model: str
    tier: str
    runs: int
    success_rate: float
    cost: float
    cheaper_model: str
    cheaper_tier: str
    cheaper_cost: float
    monthly_saving: float


@dataclass(frozen=True, slots=True)
class Flagged:
    """An agent listed by a section, with the figures that put it there."""

    team: str
    agent: str
    runs: int
    reason: str
    cost: float = 0.0
    review_cost: float = 0.0
    failure_rate: float = 0.0


@dataclass(frozen=True, slots=True)
class Report:
    """Every section of a report."""

    window: Window
    as_of: datetime
    by: str
    review_hourly_usd: float
    total: Line
    rows: tuple[Line, ...]
    top_drivers: tuple[Line, ...]
    cheaper_tier: tuple[TierCandidate, ...]
    review_hotspots: tuple[Flagged, ...]
    failing: tuple[Flagged, ...]
    budgets: tuple[BudgetLine, ...]
    unknown: tuple[Flagged, ...] = ()  # agents in the ledger that the registry does not declare


def _day(day: int) -> str:
    return datetime.fromtimestamp(day * DAY_MS / 1000, UTC).date().isoformat()


def _lines(sums: dict[str, Totals], rate: float, total_cost: float) -> list[Line]:
    lines = [
        Line(key, t, t.review_minutes / 60 * rate, t.cost / total_cost if total_cost else 0.0)
        for key, t in sums.items()
    ]
    return sorted(lines, key=lambda line: (-line.totals.cost, line.key))


def _cheaper(
    per_model: dict[tuple[str, str, str], Totals], book: PriceBook, span: Window, th: Thresholds
) -> list[TierCandidate]:
    found = []
    for (team, agent, name), t in per_model.items():
        model = book.resolve(name)
        if model is None or t.runs < th.min_runs or t.success_rate < th.success_rate:
            continue
        tokens = (t.input_tokens, t.output_tokens, t.cache_read_tokens, t.cache_write_tokens)
        options = [(m.current.cost(*tokens), m) for m in book.cheaper_tier(model)]
        if not options:
            continue
        cheaper_cost, cheaper = max(options, key=lambda o: (o[0], o[1].id))  # the safe estimate
        saving = (t.cost - cheaper_cost) * 30 / span.days
        if saving > 0:
            found.append(
                TierCandidate(
                    team,
                    agent,
                    model.id,
                    model.tier,
                    t.runs,
                    t.success_rate,
                    t.cost,
                    cheaper.id,
                    cheaper.tier,
                    cheaper_cost,
                    saving,
                )
            )
    return sorted(found, key=lambda c: (-c.monthly_saving, c.team, c.agent))


def weekly_sums(store: Queries, span: Window, team: str | None = None) -> Sums:
    """Per (team, agent, week): week 0 the last 7 days of ``span``, 1 the 7 days before."""
    weekly = Sums()
    last_day = (span.until_ms - 1) // DAY_MS
    for week in (0, 1):
        since = max(span.since_ms, (last_day - 6 - 7 * week) * DAY_MS)
        until = min(span.until_ms, (last_day + 1 - 7 * week) * DAY_MS)
        if since < until:
            for (t, a), sums in grouped(
                store, Window(since, until), ("team", "agent"), team
            ).items():
                weekly.add((t, a, week), sums)
    return weekly


def failing_agents(
    per_agent: dict[tuple[str, str], Totals],
    weekly: dict[tuple[str, str, int], Totals],
    th: Thresholds,
) -> list[Flagged]:
    """Agents quietly failing (a failure rate above the threshold) or failing more and more
    (week over week), by the report's rule."""
    found = []
    for (team, agent), t in sorted(per_agent.items()):
        if t.runs < th.min_runs:
            continue
        last = weekly.get((team, agent, 0)) or Totals()
        before = weekly.get((team, agent, 1)) or Totals()
        if t.failure_rate > th.failure_rate:
            reason = f"{t.failure_rate:.0%} of runs failed or were abandoned"
        elif (
            last.runs >= th.min_runs
            and before.runs >= th.min_runs
            and last.failure_rate - before.failure_rate >= th.rising_by
        ):
            reason = (
                f"failures rising week over week: {before.failure_rate:.0%} → "
                f"{last.failure_rate:.0%}"
            )
        else:
            continue
        found.append(Flagged(team, agent, t.runs, reason, t.cost, failure_rate=t.failure_rate))
    return sorted(found, key=lambda f: (-f.failure_rate, f.team, f.agent))


def build_report(
    store: Queries,
    book: PriceBook,
    span: Window,
    *,
    as_of: datetime,
    by: str = "team",
    team: str | None = None,
    budgets: dict[str, float] | None = None,
    review_hourly_usd: float = 0.0,
    thresholds: Thresholds = Thresholds(),
    known: frozenset[tuple[str, str]] | None = None,
) -> Report:
    """Aggregate the ledger over ``span`` into every report section; with ``known`` (the
    registry's (team, agent) pairs), the agents it does not declare are listed too. A quietly
    failing agent is no cheaper-tier candidate: a cheaper model would hide, not fix, that."""
    th, rate = thresholds, review_hourly_usd
    per_model = grouped(store, span, ("team", "agent", "model"), team)
    per_agent, everything, by_key = Sums(), Sums(), Sums()
    for (t, a, m), sums in per_model.items():
        per_agent.add((t, a), sums)
        everything.add("total", sums)
        if by != "day":
            by_key.add(t if by == "team" else f"{t}/{a}" if by == "agent" else m, sums)
    if by == "day":
        for (day,), sums in grouped(store, span, ("day",), team).items():
            by_key.add(_day(int(day)), sums)
    weekly = weekly_sums(store, span, team)
    total = everything.totals().get("total", Totals())
    rows = by_key.totals()
    agent_totals = per_agent.totals()
    agents = {f"{t}/{a}": totals for (t, a), totals in agent_totals.items()}
    hotspots = [
        Flagged(
            t, a, s.runs, "review costs more than the model", s.cost, s.review_minutes / 60 * rate
        )
        for (t, a), s in sorted(agent_totals.items())
        if s.review_minutes / 60 * rate > s.cost
    ]
    failing = failing_agents(agent_totals, weekly.totals(), th)
    troubled = {(f.team, f.agent) for f in failing}
    candidates = [
        c for c in _cheaper(per_model.totals(), book, span, th) if (c.team, c.agent) not in troubled
    ]
    unknown = [
        Flagged(t, a, s.runs, "not declared in the registry", s.cost)
        for (t, a), s in sorted(agent_totals.items())
        if known is not None and (t, a) not in known
    ]
    return Report(
        window=span,
        as_of=as_of,
        by=by,
        review_hourly_usd=rate,
        total=Line("total", total, total.review_minutes / 60 * rate, 1.0 if total.cost else 0.0),
        rows=tuple(
            sorted(_lines(rows, rate, total.cost), key=lambda x: x.key)
            if by == "day"
            else _lines(rows, rate, total.cost)
        ),
        top_drivers=tuple(_lines(agents, rate, total.cost)[: th.top]),
        cheaper_tier=tuple(candidates),
        review_hotspots=tuple(sorted(hotspots, key=lambda f: (f.cost - f.review_cost, f.team))),
        failing=tuple(failing),
        budgets=tuple(budget_status(store, budgets or {}, as_of, team)),
        unknown=tuple(unknown),
    )
