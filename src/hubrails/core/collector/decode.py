"""OTLP/HTTP bodies: gzip, ``application/x-protobuf`` and ``application/json``, both ways."""

from __future__ import annotations

import zlib
from typing import Any

import orjson

PROTOBUF, JSON = "application/x-protobuf", "application/json"
SIGNALS = ("traces", "logs", "metrics")
_REJECTED = {
    "traces": "rejected_spans",
    "logs": "rejected_log_records",
    "metrics": "rejected_data_points",
}


class BadBodyError(Exception):
    """A body the receiver refuses: its HTTP status and why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def gunzip(body: bytes, limit: int) -> bytes:
    """``body`` decompressed, at most ``limit`` bytes (413 beyond, 400 when not whole gzip)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise BadBodyError(400, f"the gzip body cannot be decompressed: {exc}") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise BadBodyError(413, f"the decompressed body is larger than {limit} bytes")
    if not inflater.eof:
        raise BadBodyError(400, "the gzip body is truncated")
    return out


def _messages(signal: str) -> tuple[Any, Any]:
    if signal == "traces":
        from opentelemetry.proto.collector.trace.v1 import trace_service_pb2 as traces

        return traces.ExportTraceServiceRequest, traces.ExportTraceServiceResponse
    if signal == "logs":
        from opentelemetry.proto.collector.logs.v1 import logs_service_pb2 as logs

        return logs.ExportLogsServiceRequest, logs.ExportLogsServiceResponse
    from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2 as metrics

    return metrics.ExportMetricsServiceRequest, metrics.ExportMetricsServiceResponse


def decode(signal: str, body: bytes, content_type: str) -> dict[str, Any]:
    """The export request in ``body`` as OTLP/JSON (a dict), whatever its encoding."""
    if content_type == JSON:
        try:
            obj = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise BadBodyError(400, f"the body is not valid JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise BadBodyError(400, "the body is not an OTLP/JSON export request (a JSON object)")
        return obj
    from google.protobuf.message import DecodeError

    from hubrails.core.collector import proto

    request_class, _ = _messages(signal)
    message = request_class()
    try:
        message.ParseFromString(body)
    except (DecodeError, RuntimeWarning, ValueError) as exc:
        raise BadBodyError(
            400, f"the body is not a valid {request_class.__name__}: {exc}"
        ) from None
    convert = {"traces": proto.spans, "logs": proto.logs, "metrics": proto.metrics}[signal]
    return convert(message)


def response(signal: str, content_type: str, rejected: int, message: str) -> bytes:
    """The ``Export*ServiceResponse``, with ``partial_success`` when some were rejected."""
    _, response_class = _messages(signal)
    out = response_class()
    if rejected or message:
        setattr(out.partial_success, _REJECTED[signal], rejected)
        out.partial_success.error_message = message
    if content_type == JSON:
        from google.protobuf import json_format

        return orjson.dumps(json_format.MessageToDict(out))
    data: bytes = out.SerializeToString()
    return data


def status(content_type: str, code: int, message: str) -> bytes:
    """A ``google.rpc.Status`` (code, message) for an error response, encoded by hand."""
    if content_type == JSON:
        return orjson.dumps({"code": code, "message": message})
    text = message.encode()
    return b"\x08" + _varint(code) + b"\x12" + _varint(len(text)) + text


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)
