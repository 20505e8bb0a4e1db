"""OTLP/JSON trace exports that follow the OpenTelemetry GenAI semantic conventions.

Each ``invoke_agent`` span is one run. The GenAI conventions count cached tokens inside
``gen_ai.usage.input_tokens``; the ledger does not, so they are taken out here, once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from hubrails.core.ledger.records import Record, Reject, check

RUN_OPERATION = "invoke_agent"
TOOL_OPERATION = "execute_tool"
_STATUS_ERROR = (2, "STATUS_CODE_ERROR")


def is_export(obj: dict[str, Any]) -> bool:
    """Whether ``obj`` is an OTLP/JSON ``ExportTraceServiceRequest``."""
    return "resourceSpans" in obj


def _value(value: Any) -> Any:
    if not isinstance(value, dict):
        return None
    for kind in ("stringValue", "boolValue", "doubleValue"):
        if kind in value:
            return value[kind]
    if "intValue" in value:  # int64 is a JSON string in OTLP/JSON
        try:
            return int(value["intValue"])
        except (TypeError, ValueError):
            return value["intValue"]
    return None


def attributes(items: Any) -> dict[str, Any]:
    """OTLP ``[{key, value: {stringValue|intValue|…}}]`` as a plain mapping."""
    if not isinstance(items, list):
        return {}
    return {
        item["key"]: _value(item.get("value"))
        for item in items
        if isinstance(item, dict) and isinstance(item.get("key"), str)
    }


def _dict(obj: Any, key: str) -> dict[str, Any]:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, dict) else {}


def _list(obj: Any, key: str) -> list[Any]:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, list) else []


def _rfc3339(nanos: Any) -> Any:
    try:
        count = int(nanos)
        if count < 0:
            return str(nanos)  # not a time: the record's check says so
        return datetime.fromtimestamp(count / 1e9, UTC).isoformat(timespec="milliseconds")
    except (TypeError, ValueError, OverflowError, OSError):  # OverflowError: 30 nines
        return nanos if not isinstance(nanos, int | float) else str(nanos)


def span_record(span: dict[str, Any], resource: dict[str, Any], tools: int) -> dict[str, Any]:
    """The ledger record (before validation) of one ``invoke_agent`` span."""
    attrs = attributes(span.get("attributes"))
    record: dict[str, Any] = {
        "run_id": f"otel:{span.get('traceId', '')}:{span.get('spanId', '')}",
        "team": attrs.get("hub.team", resource.get("hub.team")),
        "agent": attrs.get("gen_ai.agent.name", resource.get("service.name")),
        "model": attrs.get("gen_ai.request.model", attrs.get("gen_ai.response.model")),
        "output_tokens": attrs.get("gen_ai.usage.output_tokens"),
        "tool_calls": attrs.get("hub.tool_calls", tools),
        "human_review_minutes": attrs.get("hub.human_review_minutes", 0),
        "ts": _rfc3339(span.get("endTimeUnixNano")),
    }
    status = _dict(span, "status").get("code")
    record["task_outcome"] = attrs.get(
        "hub.task_outcome", "failed" if status in _STATUS_ERROR else "resolved"
    )
    cache_read = attrs.get("gen_ai.usage.cache_read.input_tokens", 0)
    cache_write = attrs.get("gen_ai.usage.cache_creation.input_tokens", 0)
    total = attrs.get("gen_ai.usage.input_tokens")
    record["input_tokens"] = total
    if all(type(n) is int for n in (total, cache_read, cache_write)):
        record["input_tokens"] = total - cache_read - cache_write
        record["cache_read_tokens"] = cache_read
        record["cache_write_tokens"] = cache_write
    if "hub.cost_usd" in attrs:
        record["cost_usd"] = attrs["hub.cost_usd"]
    with contextlib.suppress(KeyError, TypeError, ValueError):
        record["duration_ms"] = (int(span["endTimeUnixNano"]) - int(span["startTimeUnixNano"])) // (
            1_000_000
        )
    return {k: v for k, v in record.items() if v is not None}


_FIELDS = {
    "team": "hub.team (span or resource attribute)",
    "agent": "gen_ai.agent.name",
    "model": "gen_ai.request.model",
    "input_tokens": "gen_ai.usage.input_tokens",
    "output_tokens": "gen_ai.usage.output_tokens",
    "ts": "endTimeUnixNano",
}

_UNDERCOUNT = (
    "gen_ai.usage.input_tokens is less than its cache reads and writes; "
    "the GenAI conventions count them inside it"
)


def records(obj: dict[str, Any], name: str, number: int) -> Iterator[tuple[int, Record] | Reject]:
    """One record (or reject) per run span of an export request at line ``number``."""
    for n, resource_spans in enumerate(_list(obj, "resourceSpans")):
        resource = attributes(_list(_dict(resource_spans, "resource"), "attributes"))
        for s, scope_spans in enumerate(_list(resource_spans, "scopeSpans")):
            spans = [x for x in _list(scope_spans, "spans") if isinstance(x, dict)]
            tools: dict[str, int] = {}
            for span in spans:
                attrs = attributes(span.get("attributes"))
                if attrs.get("gen_ai.operation.name") == TOOL_OPERATION:
                    parent = str(span.get("parentSpanId", ""))
                    tools[parent] = tools.get(parent, 0) + 1
            for i, span in enumerate(spans):
                attrs = attributes(span.get("attributes"))
                if attrs.get("gen_ai.operation.name") != RUN_OPERATION:
                    continue
                record = span_record(span, resource, tools.get(str(span.get("spanId", "")), 0))
                where = f"resourceSpans[{n}].scopeSpans[{s}].spans[{i}]"
                checked = check(record)
                if type(record.get("input_tokens")) is int and record["input_tokens"] < 0:
                    checked = [("input_tokens", _UNDERCOUNT)]
                if isinstance(checked, list):
                    found = tuple(
                        (
                            f"{where} {f}",
                            why if why == _UNDERCOUNT else f"{why} (from {_FIELDS[f]})",
                        )
                        if f in _FIELDS
                        else (f"{where} {f}", why)
                        for f, why in checked
                    )
                    yield Reject(name, number, found, "")
                else:
                    yield number, checked
