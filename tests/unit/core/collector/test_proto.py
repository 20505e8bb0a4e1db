"""OTLP protobuf messages as the OTLP/JSON dicts the mappings read: ids in hex, attributes as a
plain mapping (scalars only), bodies, event names, metric sums and their points; and the
mappings find the same events and points in either form."""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.logs.v1 import logs_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.resource.v1 import resource_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

from hubrails.core.collector import proto
from hubrails.core.ledger import claude_code_logs, claude_code_metrics
from tests.otlp_json import api_request, event, logs, metrics, point


def _kv(key: str, **value: Any) -> Any:
    return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(**value))


def _resource(**attrs: str) -> Any:
    return resource_pb2.Resource(attributes=[_kv(k, string_value=v) for k, v in attrs.items()])


def test_attributes_keep_scalars_and_make_anything_else_none() -> None:
    span = trace_pb2.Span(
        attributes=[
            _kv("s", string_value="text"),
            _kv("b", bool_value=False),
            _kv("i", int_value=-7),
            _kv("d", double_value=0.5),
            _kv("bytes", bytes_value=b"\x00"),
            _kv("list", array_value=common_pb2.ArrayValue(values=[common_pb2.AnyValue()])),
            _kv("map", kvlist_value=common_pb2.KeyValueList()),
            common_pb2.KeyValue(key="unset"),
        ]
    )
    message = trace_service_pb2.ExportTraceServiceRequest(
        resource_spans=[trace_pb2.ResourceSpans(scope_spans=[trace_pb2.ScopeSpans(spans=[span])])]
    )
    [found] = proto.spans(message)["resourceSpans"][0]["scopeSpans"][0]["spans"]
    assert found["attributes"] == {
        "s": "text", "b": False, "i": -7, "d": 0.5,
        "bytes": None, "list": None, "map": None, "unset": None,
    }  # fmt: skip


def test_a_span_has_hex_ids_times_status_and_its_resource() -> None:
    span = trace_pb2.Span(
        trace_id=bytes.fromhex("5b8efff798038103d269b633813fc60c"),
        span_id=bytes.fromhex("00f067aa0ba902b7"),
        name="invoke_agent triage",
        start_time_unix_nano=1,
        end_time_unix_nano=2,
        status=trace_pb2.Status(code=trace_pb2.Status.STATUS_CODE_ERROR),
    )
    message = trace_service_pb2.ExportTraceServiceRequest(
        resource_spans=[
            trace_pb2.ResourceSpans(
                resource=_resource(**{"hub.team": "sre"}),
                scope_spans=[trace_pb2.ScopeSpans(spans=[span])],
            )
        ]
    )
    assert proto.spans(message) == {
        "resourceSpans": [
            {
                "resource": {"attributes": {"hub.team": "sre"}},
                "scopeSpans": [
                    {
                        "spans": [
                            {
                                "traceId": "5b8efff798038103d269b633813fc60c",
                                "spanId": "00f067aa0ba902b7",
                                "parentSpanId": "",  # a root span
                                "name": "invoke_agent triage",
                                "startTimeUnixNano": 1,
                                "endTimeUnixNano": 2,
                                "attributes": {},
                                "status": {"code": 2},
                            }
                        ]
                    }
                ],
            }
        ]
    }


def test_a_log_record_has_its_times_body_and_event_name_when_set() -> None:
    records = [
        logs_pb2.LogRecord(
            time_unix_nano=5,
            observed_time_unix_nano=6,
            body=common_pb2.AnyValue(string_value="claude_code.api_request"),
            event_name="claude_code.api_request",
        ),
        logs_pb2.LogRecord(body=common_pb2.AnyValue(int_value=3)),
        logs_pb2.LogRecord(body=common_pb2.AnyValue(bytes_value=b"x")),  # no scalar kind
        logs_pb2.LogRecord(),  # no body at all
    ]
    message = logs_service_pb2.ExportLogsServiceRequest(
        resource_logs=[logs_pb2.ResourceLogs(scope_logs=[logs_pb2.ScopeLogs(log_records=records)])]
    )
    found = proto.logs(message)["resourceLogs"][0]["scopeLogs"][0]["logRecords"]
    assert found[0] == {
        "timeUnixNano": 5,
        "observedTimeUnixNano": 6,
        "body": {"stringValue": "claude_code.api_request"},
        "attributes": {},
        "eventName": "claude_code.api_request",
    }
    assert [r["body"] for r in found[1:]] == [{"intValue": 3}, {}, {}]
    assert all("eventName" not in r for r in found[1:])


def test_metrics_keep_sums_with_their_points_and_only_name_the_others() -> None:
    points = [
        metrics_pb2.NumberDataPoint(as_double=0.25, time_unix_nano=9, start_time_unix_nano=1),
        metrics_pb2.NumberDataPoint(as_int=12, attributes=[_kv("type", string_value="input")]),
        metrics_pb2.NumberDataPoint(),  # no value
    ]
    counter = metrics_pb2.Metric(
        name="claude_code.cost.usage",
        unit="USD",
        sum=metrics_pb2.Sum(
            data_points=points,
            aggregation_temporality=metrics_pb2.AGGREGATION_TEMPORALITY_CUMULATIVE,
            is_monotonic=True,
        ),
    )
    gauge = metrics_pb2.Metric(
        name="g", gauge=metrics_pb2.Gauge(data_points=[metrics_pb2.NumberDataPoint()])
    )
    message = metrics_service_pb2.ExportMetricsServiceRequest(
        resource_metrics=[
            metrics_pb2.ResourceMetrics(
                scope_metrics=[metrics_pb2.ScopeMetrics(metrics=[counter, gauge])]
            )
        ]
    )
    found = proto.metrics(message)["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]
    assert found[1] == {"name": "g", "unit": ""}
    assert found[0]["sum"]["aggregationTemporality"] == 2
    assert found[0]["sum"]["isMonotonic"] is True
    assert found[0]["sum"]["dataPoints"] == [
        {"attributes": {}, "startTimeUnixNano": 1, "timeUnixNano": 9, "asDouble": 0.25},
        {"attributes": {"type": "input"}, "startTimeUnixNano": 0, "timeUnixNano": 0, "asInt": 12},
        {"attributes": {}, "startTimeUnixNano": 0, "timeUnixNano": 0},
    ]


def test_claude_codes_events_are_the_same_from_protobuf_as_from_json() -> None:
    request = logs(
        api_request("s1", "p1", 1),
        event("tool_result", "s1", "p1", 2, tool_name="Bash", success="true"),
        event("api_error", "s1", "p1", 3, model="m", status_code="529"),
        team="sre",
        **{"hub.agent": "claude-code"},
    )
    message = json_format.ParseDict(request, logs_service_pb2.ExportLogsServiceRequest())
    from_json = list(claude_code_logs.events(request))
    assert len(from_json) == 3
    assert list(claude_code_logs.events(proto.logs(message))) == from_json


def test_claude_codes_points_are_the_same_from_protobuf_as_from_json() -> None:
    request = metrics(
        [point("s1", 0.01, 10), point("s1", 0.03, 70)],
        [point("s1", 100, 70, type="input"), point("s1", 40, 70, type="output")],
    )
    message = json_format.ParseDict(request, metrics_service_pb2.ExportMetricsServiceRequest())
    from_json = list(claude_code_metrics.points(request))
    assert len(from_json) == 4
    assert list(claude_code_metrics.points(proto.metrics(message))) == from_json
