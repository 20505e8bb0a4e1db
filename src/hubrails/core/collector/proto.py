"""OTLP protobuf messages as the OTLP/JSON dicts the mappings read, built directly (several
times faster than protobuf's generic ``MessageToDict``); only the fields the mappings use,
attributes as plain mappings."""

from __future__ import annotations

from typing import Any

_KINDS = {
    "string_value": "stringValue",
    "bool_value": "boolValue",
    "int_value": "intValue",
    "double_value": "doubleValue",
}


def _attrs(items: Any) -> dict[str, Any]:
    """Attributes as a plain mapping (``otlp.attributes`` takes one as it is): scalars only."""
    out: dict[str, Any] = {}
    for kv in items:
        which = kv.value.WhichOneof("value")
        out[kv.key] = getattr(kv.value, which) if which in _KINDS else None
    return out


def _resource(item: Any) -> dict[str, Any]:
    return {"attributes": _attrs(item.resource.attributes)}


def spans(message: Any) -> dict[str, Any]:
    """An ``ExportTraceServiceRequest``."""
    return {
        "resourceSpans": [
            {
                "resource": _resource(rs),
                "scopeSpans": [
                    {
                        "spans": [
                            {
                                "traceId": s.trace_id.hex(),
                                "spanId": s.span_id.hex(),
                                "parentSpanId": s.parent_span_id.hex(),
                                "name": s.name,
                                "startTimeUnixNano": s.start_time_unix_nano,
                                "endTimeUnixNano": s.end_time_unix_nano,
                                "attributes": _attrs(s.attributes),
                                "status": {"code": s.status.code},
                            }
                            for s in ss.spans
                        ]
                    }
                    for ss in rs.scope_spans
                ],
            }
            for rs in message.resource_spans
        ]
    }


def _body(value: Any) -> dict[str, Any]:
    which = value.WhichOneof("value")
    kind = _KINDS.get(which or "")
    return {kind: getattr(value, which)} if kind else {}


def _event_name(record: Any) -> dict[str, Any]:
    name = getattr(record, "event_name", "")  # a field since OTLP 1.5
    return {"eventName": name} if name else {}


def logs(message: Any) -> dict[str, Any]:
    """An ``ExportLogsServiceRequest``."""
    return {
        "resourceLogs": [
            {
                "resource": _resource(rl),
                "scopeLogs": [
                    {
                        "logRecords": [
                            {
                                "timeUnixNano": r.time_unix_nano,
                                "observedTimeUnixNano": r.observed_time_unix_nano,
                                "body": _body(r.body),
                                "attributes": _attrs(r.attributes),
                                **_event_name(r),
                            }
                            for r in sl.log_records
                        ]
                    }
                    for sl in rl.scope_logs
                ],
            }
            for rl in message.resource_logs
        ]
    }


def _point(p: Any) -> dict[str, Any]:
    which = p.WhichOneof("value")
    value = {"asDouble": p.as_double} if which == "as_double" else {"asInt": p.as_int}
    return {
        "attributes": _attrs(p.attributes),
        "startTimeUnixNano": p.start_time_unix_nano,
        "timeUnixNano": p.time_unix_nano,
        **(value if which else {}),
    }


def _metric(m: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": m.name, "unit": m.unit}
    if m.WhichOneof("data") == "sum":
        out["sum"] = {
            "dataPoints": [_point(p) for p in m.sum.data_points],
            "aggregationTemporality": m.sum.aggregation_temporality,
            "isMonotonic": m.sum.is_monotonic,
        }
    return out


def metrics(message: Any) -> dict[str, Any]:
    """An ``ExportMetricsServiceRequest`` (sums only: the counters the mappings read)."""
    return {
        "resourceMetrics": [
            {
                "resource": _resource(rm),
                "scopeMetrics": [
                    {"metrics": [_metric(m) for m in sm.metrics]} for sm in rm.scope_metrics
                ],
            }
            for rm in message.resource_metrics
        ]
    }
