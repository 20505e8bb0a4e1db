"""OTLP/JSON trace exports that follow the OpenTelemetry GenAI semantic conventions.

Each ``invoke_agent`` span is one run (usage on its model-call child spans summed into it when
it has none); a trace of model-call (``chat``) spans only is one run. The GenAI conventions
count cached tokens inside ``gen_ai.usage.input_tokens``; the ledger does not, so they are
taken out here, once.
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
    """OTLP ``[{key, value: {stringValue|intValue|…}}]`` as a plain mapping (one given already
    plain, as the collector's protobuf reader makes them, is returned as it is)."""
    if isinstance(items, dict):
        return items
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


def span_record(
    span: dict[str, Any],
    resource: dict[str, Any],
    tools: int,
    attrs: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ledger record (before validation) of one ``invoke_agent`` span (``attrs``: its
    attributes, when decoded already)."""
    attrs = attributes(span.get("attributes")) if attrs is None else attrs
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


CHAT_OPERATIONS = frozenset(("chat", "text_completion", "generate_content"))
_USAGE = (
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.output_tokens",
    "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.usage.cache_creation.input_tokens",
)


class _Span:
    """One span of an export, with its resource's attributes and where it was."""

    __slots__ = ("attrs", "children", "op", "raw", "resource", "where")

    def __init__(self, raw: dict[str, Any], resource: dict[str, Any], where: str) -> None:
        self.raw, self.resource, self.where = raw, resource, where
        self.attrs = attributes(raw.get("attributes"))
        op = self.attrs.get("gen_ai.operation.name")
        self.op = op if isinstance(op, str) else None  # a list or map names no operation
        self.children: list[_Span] = []


def _below(span: _Span) -> Iterator[_Span]:
    """The descendants of ``span``, not entering another run span's subtree."""
    for child in span.children:
        if child.op != RUN_OPERATION:
            yield child
            yield from _below(child)


def _add_usage(target: dict[str, Any], spans: list[_Span]) -> None:
    """Sum the usage of the model-call ``spans`` into ``target`` (span attributes)."""
    if not spans:
        return
    calls = [s for s in spans if s.op in CHAT_OPERATIONS or any(k in s.attrs for k in _USAGE)]
    for key in _USAGE:
        values = [s.attrs[key] for s in calls if type(s.attrs.get(key)) is int]
        if values and key not in target:
            target[key] = sum(values)
    if "gen_ai.request.model" not in target and "gen_ai.response.model" not in target:
        models = [
            s.attrs.get("gen_ai.request.model", s.attrs.get("gen_ai.response.model")) for s in calls
        ]
        named = [m for m in models if isinstance(m, str)]
        if named:
            target["gen_ai.request.model"] = max(set(named), key=named.count)


def _trace_span(spans: list[_Span]) -> dict[str, Any]:
    """One synthetic run span for a trace of model-call spans only."""
    first = spans[0]
    attrs: dict[str, Any] = {
        k: first.attrs[k] for k in ("hub.team", "gen_ai.agent.name") if k in first.attrs
    }
    _add_usage(attrs, spans)
    starts = [int(s.raw["startTimeUnixNano"]) for s in spans if s.raw.get("startTimeUnixNano")]
    ends = [int(s.raw["endTimeUnixNano"]) for s in spans if s.raw.get("endTimeUnixNano")]
    failed = any(_dict(s.raw, "status").get("code") in _STATUS_ERROR for s in spans)
    raw: dict[str, Any] = {
        "traceId": first.raw.get("traceId", ""),
        "status": {"code": 2} if failed else {},
        **({"startTimeUnixNano": min(starts)} if starts else {}),
        **({"endTimeUnixNano": max(ends)} if ends else {}),
    }
    return {"raw": raw, "attrs": attrs}


def _spans(obj: dict[str, Any]) -> dict[str, list[_Span]]:
    """Every span of the export, by trace, each linked to its children."""
    traces: dict[str, list[_Span]] = {}
    for n, resource_spans in enumerate(_list(obj, "resourceSpans")):
        resource = attributes(_dict(resource_spans, "resource").get("attributes"))
        for s, scope_spans in enumerate(_list(resource_spans, "scopeSpans")):
            for i, raw in enumerate(_list(scope_spans, "spans")):
                if isinstance(raw, dict):
                    where = f"resourceSpans[{n}].scopeSpans[{s}].spans[{i}]"
                    span = _Span(raw, resource, where)
                    traces.setdefault(str(raw.get("traceId", "")), []).append(span)
    for spans in traces.values():
        by_id = {str(x.raw.get("spanId", "")): x for x in spans}
        for x in spans:
            parent = by_id.get(str(x.raw.get("parentSpanId", "")))
            if parent is not None and parent is not x:
                parent.children.append(x)
    return traces


def _checked(
    record: dict[str, Any], where: str, name: str, number: int
) -> tuple[int, Record] | Reject:
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
        return Reject(name, number, found, "")
    return number, checked


def run_records(obj: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, record before validation) of each run of an export: every ``invoke_agent``
    span (usage of its model-call descendants summed into it when it has none), and each trace
    of model-call spans only as one run."""
    for trace, spans in _spans(obj).items():
        agents = [x for x in spans if x.op == RUN_OPERATION]
        for span in agents:
            attrs, tools = span.attrs, 0
            if span.children:
                below = list(_below(span))
                attrs = dict(attrs)
                _add_usage(attrs, below)
                tools = sum(1 for x in below if x.op == TOOL_OPERATION)
            yield span.where, span_record(span.raw, span.resource, tools, attrs)
        calls = [x for x in spans if x.op in CHAT_OPERATIONS]
        if not agents and calls:
            made = _trace_span(calls)
            tools = sum(1 for x in spans if x.op == TOOL_OPERATION)
            record = span_record(made["raw"], calls[0].resource, tools, made["attrs"])
            record["run_id"] = f"otel:{trace}"
            yield f"trace {trace}", record


def records(obj: dict[str, Any], name: str, number: int) -> Iterator[tuple[int, Record] | Reject]:
    """One record (or reject) per run of an export request at line ``number``."""
    for where, record in run_records(obj):
        yield _checked(record, where, name, number)


def trace_spans(obj: dict[str, Any]) -> dict[str, list[tuple[dict[str, Any], dict[str, Any]]]]:
    """Every span of an export by trace id, each with its resource's attributes."""
    out: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for resource_spans in _list(obj, "resourceSpans"):
        resource = attributes(_dict(resource_spans, "resource").get("attributes"))
        for scope_spans in _list(resource_spans, "scopeSpans"):
            for raw in _list(scope_spans, "spans"):
                if isinstance(raw, dict):
                    out.setdefault(str(raw.get("traceId", "")), []).append((resource, raw))
    return out


def needs_more(spans: list[tuple[dict[str, Any], dict[str, Any]]]) -> bool:
    """Whether a trace's runs may need spans sent in other requests: it has model-call spans
    (their agent span, or more of them, may come later) or an agent span without usage."""
    for _resource, raw in spans:
        attrs = attributes(raw.get("attributes"))
        op = attrs.get("gen_ai.operation.name")
        if op in CHAT_OPERATIONS:
            return True
        if op == RUN_OPERATION and not all(k in attrs for k in _USAGE[:2]):
            return True
    return False


def export_of(spans: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """An export request holding ``spans`` (each with its resource's attributes)."""
    return {
        "resourceSpans": [
            {"resource": {"attributes": resource}, "scopeSpans": [{"spans": [raw]}]}
            for resource, raw in spans
        ]
    }
