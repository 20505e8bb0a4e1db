"""``hub review``: every declared agent held against its runs and evidence in the window."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from hubrails.core.ledger.budget import OVER, budget_status
from hubrails.core.ledger.query import Totals, grouped
from hubrails.core.ledger.report import Thresholds as ReportThresholds
from hubrails.core.ledger.report import weekly_sums
from hubrails.core.ledger.window import Window
from hubrails.core.review import rules
from hubrails.core.review.facts import RegistryFacts, certified, telemetry_declared
from hubrails.core.review.items import ERROR, WARNING, Item, Reason, Review, Thresholds
from hubrails.store import evidence_data as evidence
from hubrails.store.reader import Queries

if TYPE_CHECKING:
    from hubrails.core.certify.waivers import Waiver

DAY_MS = rules.DAY_MS


def build_review(
    store: Queries,
    reg: RegistryFacts,
    span: Window,
    *,
    as_of: dt.datetime,
    budgets: dict[str, float] | None = None,
    waivers: list[Waiver] | None = None,
    thresholds: Thresholds | None = None,
) -> Review:
    """The review queue of ``span``: one item per agent (or team) that needs a person."""
    th = thresholds or Thresholds()
    last_day = (span.until_ms - 1) // DAY_MS
    first_day = last_day - th.recent_days - th.baseline_days + 1
    per_agent = grouped(store, span, ("team", "agent")).totals()
    weekly = weekly_sums(store, span).totals()
    days: dict[tuple[str, str], dict[int, Totals]] = {}
    baseline = Window(first_day * DAY_MS, span.until_ms)
    for (team, agent, day), totals in (
        grouped(store, baseline, ("team", "agent", "day")).totals().items()
    ):
        days.setdefault((team, agent), {})[int(day)] = totals
    seen = rules.by_agent(rules.window_rows(store, span.since_ms, span.until_ms))
    failing = rules.failing(per_agent, weekly, ReportThresholds())
    reasons: dict[tuple[str, str], list[Reason]] = {}
    silent: list[tuple[str, str]] = []
    for key, facts in reg.agents.items():
        found = reasons.setdefault(key, [])
        used = seen.get(key, [])
        found += rules.tool_use(reg, facts, used)
        found += rules.denials(used, th)
        if key in failing:
            found.append(failing[key])
        found += rules.cost(days.get(key, {}), last_day, th)
        if key not in per_agent and not used and certified(reg.root, *key, as_of):
            silent.append(key)
    last = _last_days(store) if silent else {}
    for key in silent:
        if telemetry_declared(reg.root, reg.agents[key].path):
            day = last.get(key)
            reasons[key].append(
                Reason(
                    "certified-silent",
                    WARNING,
                    "certified, telemetry declared, and no run or event in the window",
                    (f"last seen {_date(day)}" if day is not None else "never seen",),
                    "check its exporter and token (hub ledger serve), or retire it",
                )
            )
    for waiver in waivers or []:
        _waiver(reg, waiver, as_of.date(), th, reasons)
    items = [
        Item(
            team,
            agent,
            reg.agents[team, agent].path,
            tuple(found),
            _seen(days.get((team, agent), {}), seen.get((team, agent), [])),
        )
        for (team, agent), found in reasons.items()
        if found
    ]
    items += _budgets(store, budgets or {}, as_of, per_agent, reg.teams)
    order = sorted(items, key=lambda i: (i.severity != ERROR, i.team, i.agent or ""))
    return Review(span, as_of, len(reg.agents), tuple(order), th)


def _waiver(
    reg: RegistryFacts,
    waiver: Waiver,
    today: dt.date,
    th: Thresholds,
    reasons: dict[tuple[str, str], list[Reason]],
) -> None:
    left = (waiver.expires - today).days
    if left > th.waiver_days:
        return
    for team, agent in reg.agents:
        if agent == waiver.agent and waiver.team in (None, team):
            reasons[team, agent].append(
                Reason(
                    "waiver-expiring",
                    WARNING,
                    f"the waiver of check '{waiver.check}' ends on {waiver.expires} "
                    f"(in {left} days)",
                    (f"{waiver.path}: {waiver.reason}",),
                    f"fix the check before then, or renew {waiver.path}",
                )
            )


def _budgets(
    store: Queries,
    budgets: dict[str, float],
    as_of: dt.datetime,
    per_agent: dict[tuple[str, str], Totals],
    teams: dict[str, str],
) -> list[Item]:
    items = []
    for line in budget_status(store, budgets, as_of):
        if not line.alert:
            continue
        top = sorted(
            ((t.cost, a) for (team, a), t in per_agent.items() if team == line.team), reverse=True
        )[:3]
        over = line.status == OVER
        items.append(
            Item(
                line.team,
                None,
                teams.get(line.team),
                (
                    Reason(
                        "over-budget" if over else "projected-over-budget",
                        ERROR if over else WARNING,
                        f"month to date ${line.spent:.2f} of ${line.budget or 0:.2f}; "
                        f"projected ${line.projected:.2f} by month end",
                        tuple(f"{a}: ${c:.2f} in the window" for c, a in top),
                        "lower the cost of its top agents (a cheaper tier, fewer runs) or raise "
                        "spec.budget.monthly_usd in its Team manifest",
                    ),
                ),
            )
        )
    return items


def _last_days(store: Queries) -> dict[tuple[str, str], int]:
    [rows] = store.queries([evidence.last_seen_query()])
    return {(t, a): int(d) for t, a, d in rows}


def _date(day: int) -> str:
    return dt.datetime.fromtimestamp(day * DAY_MS / 1000, dt.UTC).date().isoformat()


def _seen(days: dict[int, Totals], seen: list[rules.Seen]) -> str | None:
    moments = [rules.iso(s.last_ms) for s in seen]
    if days:
        moments.append(_date(max(days)))
    return max(moments) if moments else None
