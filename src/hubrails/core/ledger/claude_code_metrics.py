"""Claude Code's OTLP metrics as ledger runs, for sessions that send no log events.

``claude_code.cost.usage`` (USD, attribute ``model``) and ``claude_code.token.usage`` (tokens,
attributes ``type`` = input, output, cacheRead, cacheCreation and ``model``) are counters per
``session.id``. One run per session and window: a cumulative series counts its last value
less the last value already counted (its latest *closed* point), a delta series the sum of its
new points. A session with log events is counted from the logs only (docs/collector.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from hubrails.core.ledger.claude_code_logs import DEFAULT_AGENT, _dict, _list, _text, rfc3339
from hubrails.core.ledger.otlp import attributes

COST, TOKENS = "claude_code.cost.usage", "claude_code.token.usage"
TOKEN_TYPES = {
    "input": "input_tokens",
    "output": "output_tokens",
    "cacheRead": "cache_read_tokens",
    "cacheCreation": "cache_write_tokens",
}
_CUMULATIVE = (2, "2", "AGGREGATION_TEMPORALITY_CUMULATIVE")


class Point(NamedTuple):
    """One data point of a Claude Code counter (the columns of ``ledger_open_points``)."""

    point_key: str
    session_id: str
    series: str
    metric: str  # cost_usd or one of TOKEN_TYPES' values
    cumulative: int
    baseline: int
    team: str | None
    agent: str | None
    model: str | None
    start_ms: int
    ts_ms: int
    value: float


def is_export(obj: dict[str, Any]) -> bool:
    """Whether ``obj`` is an OTLP/JSON ``ExportMetricsServiceRequest``."""
    return "resourceMetrics" in obj


def _nanos_ms(value: Any) -> int:
    try:
        return int(value or 0) // 1_000_000
    except (TypeError, ValueError):
        return 0


def _value(point: dict[str, Any]) -> float | None:
    for key in ("asDouble", "asInt"):
        if key in point:
            try:
                return float(point[key])
            except (TypeError, ValueError):
                return None
    return None


def points(obj: dict[str, Any]) -> Iterator[Point]:
    """The Claude Code cost and token points of an ``ExportMetricsServiceRequest``."""
    for resource_metrics in _list(obj, "resourceMetrics"):
        resource = attributes(_dict(resource_metrics, "resource").get("attributes"))
        for scope_metrics in _list(resource_metrics, "scopeMetrics"):
            for metric in _list(scope_metrics, "metrics"):
                name = metric.get("name") if isinstance(metric, dict) else None
                if name not in (COST, TOKENS):
                    continue
                total = _dict(metric, "sum")
                cumulative = int(total.get("aggregationTemporality") in _CUMULATIVE)
                for point in _list(total, "dataPoints"):
                    if not isinstance(point, dict):
                        continue
                    attrs = attributes(point.get("attributes"))
                    session = attrs.get("session.id", resource.get("session.id"))
                    value = _value(point)
                    kind = "cost_usd" if name == COST else TOKEN_TYPES.get(attrs.get("type", ""))
                    if not isinstance(session, str) or not session or value is None or not kind:
                        continue
                    model = _text(attrs.get("model"))
                    series = f"{kind}|{model or ''}"
                    start, ts = (
                        _nanos_ms(point.get("startTimeUnixNano")),
                        _nanos_ms(point.get("timeUnixNano")),
                    )
                    yield Point(
                        f"{session}|{series}|{cumulative}|{start}|{ts}",
                        session,
                        series,
                        kind,
                        cumulative,
                        0,
                        _text(attrs.get("hub.team", resource.get("hub.team"))),
                        _text(attrs.get("hub.agent", resource.get("hub.agent"))),
                        model,
                        start,
                        ts,
                        value,
                    )


def _amounts(group: list[Point]) -> dict[tuple[str, str | None], float]:
    """What each (metric, model) adds in this window."""
    out: dict[tuple[str, str | None], float] = {}
    series: dict[tuple[str, int, int], list[Point]] = {}
    for p in group:
        series.setdefault((p.series, p.cumulative, p.start_ms), []).append(p)
    for (_name, cumulative, _start), found in series.items():
        new = [p for p in found if not p.baseline]
        if not new:
            continue
        if cumulative:
            last = max(new, key=lambda p: p.ts_ms)
            counted = [p for p in found if p.baseline and p.ts_ms <= last.ts_ms]
            before = max(counted, key=lambda p: p.ts_ms).value if counted else 0.0
            amount = max(last.value - before, 0.0)
        else:
            amount = sum(p.value for p in new)
        key = (new[0].metric, new[0].model)
        out[key] = out.get(key, 0.0) + amount
    return out


def runs(found: Iterable[Point]) -> Iterator[dict[str, Any]]:
    """One ledger record (before validation) per session of ``found`` with new points."""
    by_session: dict[str, list[Point]] = {}
    for p in found:
        by_session.setdefault(p.session_id, []).append(p)
    for session, group in by_session.items():
        new = [p for p in group if not p.baseline]
        if not new:
            continue
        amounts = _amounts(group)
        sums = dict.fromkeys(("cost_usd", *TOKEN_TYPES.values()), 0.0)
        spent: dict[str, float] = {}
        for (metric, model), amount in amounts.items():
            sums[metric] += amount
            if metric == "cost_usd" and model:
                spent[model] = spent.get(model, 0.0) + amount
        models = spent or {p.model: 0.0 for p in new if p.model}
        first, last = min(p.ts_ms for p in new), max(p.ts_ms for p in new)
        record: dict[str, Any] = {
            "run_id": f"claude-code:{session}:metrics:{first}",
            "team": next((p.team for p in group if p.team), None),
            "agent": next((p.agent for p in group if p.agent), DEFAULT_AGENT),
            "model": max(models, key=models.__getitem__) if models else None,
            "input_tokens": round(sums["input_tokens"]),
            "output_tokens": round(sums["output_tokens"]),
            "cache_read_tokens": round(sums["cache_read_tokens"]),
            "cache_write_tokens": round(sums["cache_write_tokens"]),
            "cost_usd": round(sums["cost_usd"], 10),
            "tool_calls": 0,
            "human_review_minutes": 0,
            "task_outcome": "resolved",
            "ts": rfc3339(last),
        }
        yield {k: v for k, v in record.items() if v is not None}
