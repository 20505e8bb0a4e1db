"""OTLP/JSON export requests, built by hand the way the OpenTelemetry Collector's file exporter
writes them (one request per line), shaped like Claude Code's logs and metrics."""

from __future__ import annotations

from typing import Any

MODEL = "claude-sonnet-4-5-20250929"
T0 = 1780755660000000000  # 2026-06-06T14:21:00Z in nanoseconds


def value(v: Any) -> dict[str, Any]:
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        return {"intValue": str(v)}
    if isinstance(v, float):
        return {"doubleValue": v}
    return {"stringValue": v}


def attrs(values: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"key": k, "value": value(v)} for k, v in values.items()]


def claude_resource(team: str | None = "sre", **more: Any) -> dict[str, Any]:
    values = {"service.name": "claude-code", "service.version": "2.1.0", **more}
    if team:
        values["hub.team"] = team
    return {"attributes": attrs(values)}


def event(
    name: str, session: str, prompt: str | None, sequence: int, **values: Any
) -> dict[str, Any]:
    common: dict[str, Any] = {"session.id": session, "event.name": name,
                              "event.timestamp": f"2026-06-06T14:21:{sequence % 60:02d}.000Z",
                              "event.sequence": sequence}  # fmt: skip
    if prompt:
        common["prompt.id"] = prompt
    return {
        "timeUnixNano": str(T0),
        "body": {"stringValue": f"claude_code.{name}"},
        "attributes": attrs({**common, **values}),
    }


def api_request(session: str, prompt: str | None, sequence: int, **over: Any) -> dict[str, Any]:
    values = {
        "model": MODEL, "cost_usd": 0.01, "duration_ms": 1500, "input_tokens": 100,
        "output_tokens": 50, "cache_read_tokens": 1000, "cache_creation_tokens": 10,
    }  # fmt: skip
    return event("api_request", session, prompt, sequence, **{**values, **over})


def logs(*records: dict[str, Any], team: str | None = "sre", **resource: Any) -> dict[str, Any]:
    return {
        "resourceLogs": [
            {
                "resource": claude_resource(team, **resource),
                "scopeLogs": [
                    {"scope": {"name": "com.anthropic.claude_code.events"},
                     "logRecords": list(records)}
                ],
            }
        ]
    }  # fmt: skip


def point(session: str, value_: float, ts_s: int, start_s: int = 0, **more: Any) -> dict[str, Any]:
    return {
        "attributes": attrs({"session.id": session, "model": MODEL, **more}),
        "startTimeUnixNano": str(T0 + start_s * 10**9),
        "timeUnixNano": str(T0 + ts_s * 10**9),
        "asDouble": value_,
    }


def metrics(
    cost: list[dict[str, Any]],
    tokens: list[dict[str, Any]],
    *,
    cumulative: bool = True,
    team: str | None = "sre",
) -> dict[str, Any]:
    temporality = 2 if cumulative else 1
    return {
        "resourceMetrics": [
            {
                "resource": claude_resource(team),
                "scopeMetrics": [
                    {
                        "scope": {"name": "com.anthropic.claude_code"},
                        "metrics": [
                            {"name": "claude_code.cost.usage", "unit": "USD",
                             "sum": {"dataPoints": cost, "aggregationTemporality": temporality,
                                     "isMonotonic": True}},
                            {"name": "claude_code.token.usage", "unit": "tokens",
                             "sum": {"dataPoints": tokens, "aggregationTemporality": temporality,
                                     "isMonotonic": True}},
                        ],
                    }
                ],
            }
        ]
    }  # fmt: skip
