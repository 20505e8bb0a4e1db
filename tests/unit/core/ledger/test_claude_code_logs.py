"""Claude Code's log events: one run per prompt.id, added up over its api_request events."""

from __future__ import annotations

from typing import Any

import pytest

from hubrails.core.ledger import claude_code_logs
from tests.otlp_json import MODEL, api_request, event, logs


def runs(*requests: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = [e for r in requests for e in claude_code_logs.events(r)]
    return {r["run_id"]: r for r in claude_code_logs.runs(found)}


def test_one_run_per_prompt_with_tokens_cost_and_tools_summed() -> None:
    request = logs(
        event("user_prompt", "s1", "p1", 1, prompt_length=12),
        api_request("s1", "p1", 2),
        event("tool_result", "s1", "p1", 3, tool_name="Bash", success="true"),
        event("tool_result", "s1", "p1", 4, tool_name="Read", success="true"),
        api_request("s1", "p1", 5, input_tokens="300", cost_usd="0.02", output_tokens=25),
        api_request("s1", "p2", 6),
        **{"hub.agent": "coder"},
    )
    found = runs(request)
    assert set(found) == {"claude-code:s1:p1", "claude-code:s1:p2"}
    run = found["claude-code:s1:p1"]
    # Claude Code's input_tokens already exclude the cache: nothing is subtracted.
    assert (run["input_tokens"], run["output_tokens"]) == (400, 75)
    assert (run["cache_read_tokens"], run["cache_write_tokens"]) == (2000, 20)
    assert run["cost_usd"] == pytest.approx(0.03)
    assert (run["team"], run["agent"], run["model"]) == ("sre", "coder", MODEL)
    assert (run["tool_calls"], run["task_outcome"]) == (2, "resolved")
    assert run["ts"] == "2026-06-06T14:21:05Z"
    assert run["duration_ms"] == 4000


def test_api_error_fails_the_run_and_session_is_the_fallback() -> None:
    found = runs(
        logs(api_request("s2", None, 1), event("api_error", "s2", None, 2, model=MODEL, error="x"))
    )
    [run] = found.values()
    assert run["run_id"] == "claude-code:s2"
    assert run["task_outcome"] == "failed"
    assert run["agent"] == "claude-code"  # no hub.agent: the default


def test_events_of_a_prompt_in_several_requests_and_resent_ones_count_once() -> None:
    first = logs(api_request("s3", "p", 1))
    second = logs(api_request("s3", "p", 2), api_request("s3", "p", 1))  # 1 is a resend
    events = {e.event_key: e for r in (first, second) for e in claude_code_logs.events(r)}
    [run] = claude_code_logs.runs(events.values())
    assert run["input_tokens"] == 200


def test_other_logs_and_runs_without_a_model_call_are_left_out() -> None:
    request = logs(
        {"body": {"stringValue": "GET /"}, "attributes": []},
        event("tool_result", "s4", "p", 1, tool_name="Bash"),
        event("api_request", "", "p", 2),  # no session: not Claude Code's
    )
    assert runs(request) == {}
