"""OTLP/HTTP bodies: gzip within a size limit, JSON and protobuf requests decoded (or refused
with the HTTP status and reason), and the responses and error statuses in both encodings."""

from __future__ import annotations

import gzip
from typing import Any

import orjson
import pytest
from google.protobuf import json_format
from google.rpc import status_pb2  # type: ignore[import-untyped]
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from hubrails.core.collector.decode import (
    JSON,
    PROTOBUF,
    BadBodyError,
    _varint,
    decode,
    gunzip,
    response,
    status,
)
from tests.otlp_json import api_request, logs


def _refused(call: Any, *args: Any) -> BadBodyError:
    with pytest.raises(BadBodyError) as caught:
        call(*args)
    assert str(caught.value) == caught.value.message
    return caught.value


def test_a_gzip_body_is_decompressed_up_to_the_limit() -> None:
    body = b"x" * 1000
    assert gunzip(gzip.compress(body), 1000) == body  # exactly the limit
    assert gunzip(gzip.compress(b""), 0) == b""


def test_a_gzip_body_that_inflates_beyond_the_limit_is_too_large() -> None:
    refused = _refused(gunzip, gzip.compress(b"x" * 1001), 1000)
    assert (refused.status, refused.message) == (
        413,
        "the decompressed body is larger than 1000 bytes",
    )


def test_a_body_that_is_not_gzip_or_is_cut_short_is_malformed() -> None:
    refused = _refused(gunzip, b"plain text", 1000)
    assert refused.status == 400
    assert refused.message.startswith("the gzip body cannot be decompressed: ")
    whole = gzip.compress(b"x" * 1000)
    for cut in (whole[:-4], b""):
        refused = _refused(gunzip, cut, 10_000)
        assert (refused.status, refused.message) == (400, "the gzip body is truncated")


def test_a_json_body_is_the_export_request_as_it_is() -> None:
    request = logs(api_request("s1", "p1", 1))
    assert decode("logs", orjson.dumps(request), JSON) == request


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "the body is not valid JSON: "),
        (b"", "the body is not valid JSON: "),
        (b"[]", "the body is not an OTLP/JSON export request (a JSON object)"),
        (b'"resourceLogs"', "the body is not an OTLP/JSON export request (a JSON object)"),
    ],
)
def test_a_json_body_that_is_no_object_is_malformed(body: bytes, reason: str) -> None:
    refused = _refused(decode, "logs", body, JSON)
    assert refused.status == 400
    assert refused.message.startswith(reason)


def test_a_protobuf_body_is_read_as_its_otlp_json_form() -> None:
    request = logs(api_request("s1", "p1", 1))
    message = json_format.ParseDict(request, logs_service_pb2.ExportLogsServiceRequest())
    found = decode("logs", message.SerializeToString(), PROTOBUF)
    [record] = found["resourceLogs"][0]["scopeLogs"][0]["logRecords"]
    assert record["body"] == {"stringValue": "claude_code.api_request"}
    assert record["attributes"]["session.id"] == "s1"
    assert decode("traces", b"", PROTOBUF) == {"resourceSpans": []}  # an empty request
    assert decode("metrics", b"", PROTOBUF) == {"resourceMetrics": []}


@pytest.mark.parametrize(
    ("signal", "name"),
    [
        ("traces", "ExportTraceServiceRequest"),
        ("logs", "ExportLogsServiceRequest"),
        ("metrics", "ExportMetricsServiceRequest"),
    ],
)
def test_a_protobuf_body_that_does_not_parse_names_the_message(signal: str, name: str) -> None:
    refused = _refused(decode, signal, b"\xff\xff\xff\xff", PROTOBUF)
    assert refused.status == 400
    assert refused.message.startswith(f"the body is not a valid {name}: ")


def test_a_full_success_is_an_empty_response() -> None:
    assert response("logs", JSON, 0, "") == b"{}"
    assert response("traces", PROTOBUF, 0, "") == b""


@pytest.mark.parametrize(
    ("signal", "field", "message_class"),
    [
        ("traces", "rejectedSpans", trace_service_pb2.ExportTraceServiceResponse),
        ("logs", "rejectedLogRecords", logs_service_pb2.ExportLogsServiceResponse),
        ("metrics", "rejectedDataPoints", metrics_service_pb2.ExportMetricsServiceResponse),
    ],
)
def test_rejections_are_a_partial_success_in_either_encoding(
    signal: str, field: str, message_class: Any
) -> None:
    answer = orjson.loads(response(signal, JSON, 3, "event x: no team"))
    assert answer == {"partialSuccess": {field: "3", "errorMessage": "event x: no team"}}
    parsed = message_class.FromString(response(signal, PROTOBUF, 3, "event x: no team"))
    assert json_format.MessageToDict(parsed) == answer


def test_a_message_alone_is_a_partial_success_with_nothing_rejected() -> None:
    answer = orjson.loads(response("logs", JSON, 0, "1 run_id(s) stored already"))
    assert answer == {"partialSuccess": {"errorMessage": "1 run_id(s) stored already"}}


def test_an_error_status_is_a_google_rpc_status_in_either_encoding() -> None:
    assert orjson.loads(status(JSON, 16, "no token")) == {"code": 16, "message": "no token"}
    long = "é" * 100  # 200 bytes of UTF-8: a length of two varint bytes
    parsed = status_pb2.Status.FromString(status(PROTOBUF, 300, long))
    assert (parsed.code, parsed.message) == (300, long)
    empty = status_pb2.Status.FromString(status(PROTOBUF, 3, ""))
    assert (empty.code, empty.message) == (3, "")


def test_varints_are_seven_bits_a_byte_lowest_first() -> None:
    assert [_varint(n) for n in (0, 1, 127, 128, 300, 16384)] == [
        b"\x00",
        b"\x01",
        b"\x7f",
        b"\x80\x01",
        b"\xac\x02",
        b"\x80\x80\x01",
    ]
