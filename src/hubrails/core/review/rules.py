"""The conditions of a review, each a function from the ledger's figures to reasons."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hubrails.core.ledger.query import Totals
from hubrails.core.ledger.report import Thresholds as ReportThresholds
from hubrails.core.ledger.report import failing_agents
from hubrails.core.review.facts import AgentFacts, RegistryFacts
from hubrails.core.review.items import ERROR, WARNING, Reason, Thresholds
from hubrails.store import evidence_data as evidence
from hubrails.store.reader import Queries

DAY_MS = 86_400_000
MAD_SCALE = 1.4826  # a MAD times this estimates the standard deviation of normal data
SHOWN = 3  # evidence lines per reason


@dataclass(frozen=True, slots=True)
class Seen:
    """Evidence of one kind and subject over the window."""

    kind: str
    subject: str
    runs: int
    calls: int
    last_ms: int
    first_run: str
    last_run: str

    def line(self) -> str:
        """One evidence line, naming runs."""
        named = self.first_run if self.runs == 1 else f"{self.first_run} … {self.last_run}"
        return (
            f"{self.kind} {self.subject}: {self.calls} call(s) in {self.runs} run(s), "
            f"last {iso(self.last_ms)} (runs {named})"
        )


def iso(ms: int) -> str:
    """``ms`` since the epoch, RFC 3339 in UTC to the second."""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def window_rows(
    store: Queries, since_ms: int, until_ms: int, team: str | None = None
) -> list[Sequence[Any]]:
    """Evidence rows per (team, agent, kind, subject) in the window: from the per-group sums
    when the window ends at or after the latest evidence (a review up to now), else from
    every run's rows."""
    latest, found, denied = store.queries(evidence.seen_queries(since_ms, until_ms, team))
    if latest[0][0] is None or latest[0][0] < until_ms:
        return [*found, *denied]
    [rows] = store.queries([evidence.window_query(since_ms, until_ms, team)])
    return rows


def by_agent(rows: Iterable[Sequence[Any]]) -> dict[tuple[str, str], list[Seen]]:
    """The rows of :func:`window_rows` per (team, agent)."""
    found: dict[tuple[str, str], list[Seen]] = {}
    for team, agent, kind, subject, runs, calls, last, first_run, last_run in rows:
        seen = Seen(kind, subject, int(runs), int(calls or 0), int(last), first_run, last_run)
        found.setdefault((team, agent), []).append(seen)
    for seen_list in found.values():
        seen_list.sort(key=lambda s: (s.kind, s.subject))
    return found


def tool_use(reg: RegistryFacts, facts: AgentFacts, seen: Sequence[Seen]) -> list[Reason]:
    """MCP servers and actions used that the manifest does not declare or that are unvetted."""
    out: dict[str, list[tuple[str, Seen]]] = {}
    for s in seen:
        found = reg.contradictions(facts, s.kind, s.subject)
        if found is not None:
            out.setdefault(found[0], []).append((found[1], s))
    actions = {
        "unknown-mcp-server": "find out what the server is; block it (hub export claude-code "
        "writes the guard's policy) or propose it to the catalog",
        "undeclared-mcp-server": f"declare it in spec.tools of {facts.path} and certify again, "
        "or block it with hub export claude-code",
        "undeclared-mcp-action": f"add the action to spec.tools of {facts.path} (and certify "
        "again), or deny it",
        "unvetted-tool": "stop using it, or take it through the catalog's review to vetted",
    }
    return [
        Reason(
            code,
            ERROR,
            "; ".join(why for why, _ in found),
            tuple(s.line() for _, s in found[:SHOWN]),
            actions[code],
        )
        for code, found in sorted(out.items())
    ]


def denials(seen: Sequence[Seen], th: Thresholds) -> list[Reason]:
    """Calls the guard (or Claude Code's rules) denied, above the threshold."""
    denied = sorted((s for s in seen if s.kind == "denied"), key=lambda s: -s.calls)
    total = sum(s.calls for s in denied)
    if total < th.denials:
        return []
    return [
        Reason(
            "guard-denials",
            WARNING,
            f"{total} tool calls denied in the window",
            tuple(s.line() for s in denied[:SHOWN]),
            "read the runs: a prompt asking for what the policy forbids, or a policy that "
            "forbids what the agent needs (then declare and certify it)",
        )
    ]


def failing(
    per_agent: dict[tuple[str, str], Totals],
    weekly: dict[tuple[str, str, int], Totals],
    th: ReportThresholds,
) -> dict[tuple[str, str], Reason]:
    """Quietly failing agents (an error) and those failing more and more (a warning), by
    ``hub ledger report``'s rule."""
    found = {}
    for f in failing_agents(per_agent, weekly, th):
        quiet = f.failure_rate > th.failure_rate
        found[f.team, f.agent] = Reason(
            "quietly-failing" if quiet else "failures-rising",
            ERROR if quiet else WARNING,
            f.reason,
            (f"{f.runs} runs in the window, {f.failure_rate:.0%} failed or abandoned",),
            "read its failed runs (hub ledger report --by day --team TEAM); fix or pause it",
        )
    return found


def median_mad(values: Sequence[float]) -> tuple[float, float]:
    """The median and the median absolute deviation of ``values``."""
    median = statistics.median(values)
    return median, statistics.median(abs(v - median) for v in values)


def cost(days: dict[int, Totals], last_day: int, th: Thresholds) -> list[Reason]:
    """Cost per day and per run of the last 7 days against the 28 before (median and MAD)."""
    recent = [days[d] for d in range(last_day - th.recent_days + 1, last_day + 1) if d in days]
    first = last_day - th.recent_days - th.baseline_days + 1
    base = [days.get(d) or Totals() for d in range(first, last_day - th.recent_days + 1)]
    ran = [t for t in base if t.runs]
    if len(ran) < th.min_baseline_days or not recent:
        return []
    spent, runs = sum(t.cost for t in recent), sum(t.runs for t in recent)
    out = []
    checks = [("day", spent / th.recent_days, [t.cost for t in base])]
    if runs >= th.min_recent_runs:
        checks.append(("run", spent / runs, [t.cost / t.runs for t in ran]))
    for per, value, values in checks:
        median, mad = median_mad(values)
        bound = max(median + th.mad_k * MAD_SCALE * mad, th.min_ratio * median)
        if value > bound and value > 0:
            out.append(
                Reason(
                    f"cost-per-{per}",
                    WARNING,
                    f"cost per {per} ${value:.4f} over the last {th.recent_days} days, "
                    f"{value / median:.1f}x its baseline median"
                    if median
                    else f"cost per {per} ${value:.4f}, against a baseline of $0",
                    (
                        f"baseline ({th.baseline_days} days before): median ${median:.4f}, "
                        f"MAD ${mad:.4f}, bound ${bound:.4f}",
                        f"last {th.recent_days} days: {runs} runs, ${spent:.2f}",
                    ),
                    "look at its runs of the last week: a model, prompt or input change, or "
                    "a loop; lower the cost or confirm it",
                )
            )
    return out
