"""What the dashboard's template draws, computed from the data: the stacked spend series, the
budget bars, the outcome mixes, the review pairs and the tier savings (numbers only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubrails.core.dashboard.build import Dashboard
from hubrails.render.html.charts import (
    PALETTE,
    nice_max,
    scale,
    shares,
    sparkline,
    stacked_columns,
)

WIDE, TALL = 960.0, 240.0  # the spend chart's drawing area
BAR = 560.0  # the length of a horizontal bar chart's bars
ROW = 22.0  # the height of one of its rows
SPARK_W, SPARK_H = 96.0, 20.0
OUTCOMES = ("resolved", "escalated", "failed", "abandoned")
TOP_N = 15  # rows of the review and saving charts (their tables list all)


@dataclass(frozen=True, slots=True)
class Bar:
    """One labelled row of a horizontal bar chart: its bars (x, w, colour, tooltip, lane: 0 the
    whole row, 1 its upper half, 2 its lower half) and its marks (x, tooltip)."""

    label: str
    y: float
    parts: tuple[tuple[float, float, int, str, int], ...]
    marks: tuple[tuple[float, str], ...] = ()


def spend(data: Dashboard) -> dict[str, Any]:
    """Cost per day stacked by team: the top teams by cost, the rest as one series."""
    s = data.series
    named = list(s.teams[: PALETTE - 1])
    rest = s.teams[PALETTE - 1 :]
    series: list[tuple[str, tuple[float, ...]]] = [(t, s.daily_cost[t]) for t in named]
    if rest:
        other = tuple(sum(s.daily_cost[t][i] for t in rest) for i in range(len(s.days)))
        series.append((f"{len(rest)} other teams", other))
    segments, top = stacked_columns(s.days, series, width=WIDE, height=TALL)
    table = [
        (day, [v[i] for _, v in series], sum(v[i] for _, v in series))
        for i, day in enumerate(s.days)
    ]
    return {"segments": segments, "top": top, "series": [n for n, _ in series], "table": table}


def budgets(data: Dashboard) -> list[Bar]:
    """Month to date per team: spent, projected to month end, and the budget as a mark."""
    lines = data.report.budgets
    top = nice_max(max((max(b.projected, b.budget or 0.0) for b in lines), default=0.0))
    bars = []
    for i, b in enumerate(lines):
        spent, projected = scale(b.spent, top, BAR), scale(b.projected, top, BAR)
        colour = 7 if b.alert else 1
        parts = [(0.0, projected, 8, f"projected ${b.projected:,.2f}", 0)]
        parts.append((0.0, spent, colour, f"spent ${b.spent:,.2f}", 0))
        marks = (
            () if b.budget is None else ((scale(b.budget, top, BAR), f"budget ${b.budget:,.2f}"),)
        )
        bars.append(Bar(b.team, i * ROW, tuple(parts), marks))
    return bars


def outcome_mix(data: Dashboard) -> list[Bar]:
    """Each team's runs by outcome, as shares of one bar."""
    bars = []
    for i, line in enumerate(data.report.rows):
        t = line.totals
        counts = (t.resolved, t.escalated, t.failed, t.abandoned)
        parts = tuple(
            (x, w, k, f"{OUTCOMES[k]}: {counts[k]:,} runs", 0)
            for k, (x, w) in enumerate(shares(counts, width=BAR))
            if w > 0
        )
        bars.append(Bar(line.key, i * ROW, parts))
    return bars


def review_pairs(data: Dashboard) -> tuple[list[Bar], float]:
    """The agents with the most review cost: review cost against model cost."""
    agents = sorted(data.series.agents, key=lambda a: (-a.review_cost, a.team, a.agent))[:TOP_N]
    top = nice_max(max((max(a.review_cost, a.totals.cost) for a in agents), default=0.0))
    bars = []
    for i, a in enumerate(agents):
        bars.append(
            Bar(
                f"{a.team}/{a.agent}",
                i * ROW,
                (
                    (0.0, scale(a.totals.cost, top, BAR), 1, f"model ${a.totals.cost:,.2f}", 1),
                    (0.0, scale(a.review_cost, top, BAR), 4, f"review ${a.review_cost:,.2f}", 2),
                ),
            )
        )
    return bars, top


def savings(data: Dashboard) -> list[Bar]:
    """The cheaper-tier candidates with the largest projected monthly saving."""
    found = data.report.cheaper_tier[:TOP_N]
    top = nice_max(max((c.monthly_saving for c in found), default=0.0))
    return [
        Bar(
            f"{c.team}/{c.agent}",
            i * ROW,
            ((0.0, scale(c.monthly_saving, top, BAR), 2, f"${c.monthly_saving:,.2f} a month", 0),),
        )
        for i, c in enumerate(found)
    ]


def trend(values: tuple[float | None, ...]) -> str:
    """A failure-rate sparkline's points (0 to 100 %)."""
    return sparkline(values, width=SPARK_W, height=SPARK_H)


def tool_matrix(data: Dashboard) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """Tools counted by status (rows) and risk (columns)."""
    tools = data.governance.tools
    risks = sorted({t.risk for t in tools}, key=lambda r: (_RISK.get(r, 9), r))
    statuses = sorted({t.status for t in tools})
    return risks, [
        (s, [sum(1 for t in tools if t.status == s and t.risk == r) for r in risks])
        for s in statuses
    ]


_RISK = {"low": 0, "medium": 1, "high": 2, "critical": 3}
