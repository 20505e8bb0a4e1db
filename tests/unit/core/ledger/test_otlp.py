"""GenAI spans into ledger records: odd attribute values are data, never an internal error."""

from __future__ import annotations

from typing import Any

from hubrails.core.ledger import otlp


def _attr(key: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "value": value}


def test_an_operation_name_that_is_not_a_string_names_no_operation() -> None:
    # Found by the fuzzer: a list as gen_ai.operation.name was a TypeError (exit 3).
    agent = {
        "traceId": "5b8efff798038103d269b633813fc60c",
        "spanId": "a1",
        "startTimeUnixNano": "1780755600000000000",
        "endTimeUnixNano": "1780755660000000000",
        "attributes": [
            _attr("gen_ai.operation.name", {"stringValue": "invoke_agent"}),
            _attr("gen_ai.agent.name", {"stringValue": "incident-triage"}),
            _attr("gen_ai.request.model", {"stringValue": "claude-sonnet-4-5"}),
            _attr("gen_ai.usage.input_tokens", {"intValue": "12000"}),
            _attr("gen_ai.usage.output_tokens", {"intValue": "800"}),
        ],
    }
    odd = {
        "traceId": agent["traceId"],
        "spanId": "t1",
        "parentSpanId": "a1",
        "attributes": [_attr("gen_ai.operation.name", {"stringValue": ["execute_tool"]})],
    }
    resource = {"attributes": [_attr("hub.team", {"stringValue": "sre"})]}
    export = {"resourceSpans": [{"resource": resource, "scopeSpans": [{"spans": [agent, odd]}]}]}
    [found] = otlp.records(export, "spans.json", 1)
    assert isinstance(found, tuple), found
    _, record = found
    assert (record.team, record.agent, record.input_tokens) == ("sre", "incident-triage", 12000)
    assert record.tool_calls == 0  # the odd span is no tool call
