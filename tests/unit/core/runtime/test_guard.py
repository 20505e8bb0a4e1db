"""The guard's pure decisions: the hook answer, the policy digest and its checks, the parsing
of the hook input, the call id, the verdict on each kind of tool call and the call limit."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from hubrails.core.runtime import guard
from hubrails.core.runtime.guard import Verdict

WHERE = "/p/.claude/hub-policy.json"


def _policy(**more: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "format": guard.FORMAT,
        "scope": "agent",
        "agent": "invoice-triage",
        "servers": {
            "stripe": {
                "tool": "registry/tools/stripe.yaml",
                "actions": {
                    "get_invoice": {"decision": "allow", "why": "declared"},
                    "refund": {"decision": "ask", "why": "risk high"},
                    "odd": {"decision": "maybe"},
                },
            }
        },
        "denied_servers": {"pastebin": "status deprecated"},
        **more,
    }
    return {"generated_by": "hubrails x", "digest": guard.digest_of(body), **body}


def _event(tool: str = "mcp__stripe__get_invoice", **more: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "session_id": "sess-1",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": {"id": "in_1"},
        "tool_use_id": "toolu_1",
    }
    event.update(more)
    return event


def test_sha256_hex_is_the_standard_digest() -> None:
    assert guard.sha256_hex(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert guard.sha256_hex(b"") == hashlib.sha256(b"").hexdigest()


def test_a_denial_is_prefixed_and_answered_as_claude_code_expects() -> None:
    verdict = guard.deny("no")
    assert (verdict.decision, verdict.reason) == ("deny", "hub guard: no")
    assert guard.answer(verdict) == {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": "hub guard: no",
        }
    }
    assert repr(verdict) == "Verdict('deny', 'hub guard: no')"


def test_no_opinion_answers_an_empty_object() -> None:
    assert guard.answer(Verdict(None, "ignored")) == {}


def test_the_digest_leaves_out_the_unsigned_keys_and_key_order() -> None:
    body = {"format": 1, "servers": {}, "b": [1, "é"]}
    signed = guard.digest_of(body)
    unsigned = {"digest": "x", "generated_by": "y", "registry": {"commit": "z"}}
    assert guard.digest_of({**unsigned, **dict(reversed(list(body.items())))}) == signed
    assert guard.digest_of({**body, "b": [1, "e"]}) != signed


def test_a_compiled_policy_with_its_digest_is_usable() -> None:
    assert guard.policy_problem(_policy()) is None


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ([], "is not a JSON object"),
        ({"format": 2, "servers": {}}, "has format 2; this hub reads format 1"),
        ({"servers": {}}, "has format None; this hub reads format 1"),
        ({"format": 1, "servers": []}, "has no servers mapping"),
    ],
)
def test_a_policy_of_the_wrong_shape_says_why(document: Any, problem: str) -> None:
    assert guard.policy_problem(document) == problem


def test_a_policy_edited_after_export_is_refused() -> None:
    policy = _policy()
    policy["denied_servers"] = {}
    assert guard.policy_problem(policy) == (
        "was edited after export (its digest does not match); export it again"
    )


def test_an_edit_of_an_unsigned_key_keeps_the_policy_usable() -> None:
    policy = _policy()
    policy["generated_by"] = "someone else"
    assert guard.policy_problem(policy) is None


def test_parse_event_reads_a_json_object() -> None:
    assert guard.parse_event(b'{"a": 1}') == ({"a": 1}, "")


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"\xff\xfe", "the hook input is not UTF-8"),
        (b"[1]", "the hook input is a JSON list, not an object"),
        (b'"text"', "the hook input is a JSON str, not an object"),
    ],
)
def test_parse_event_says_why_an_input_is_malformed(raw: bytes, why: str) -> None:
    assert guard.parse_event(raw) == (None, why)


def test_parse_event_quotes_the_json_error_briefly() -> None:
    event, why = guard.parse_event(b"{broken")
    assert event is None
    assert why.startswith("the hook input is not JSON (") and len(why) <= 28 + 80 + 1


def test_parse_event_survives_a_deeply_nested_input() -> None:
    event, why = guard.parse_event(b"[" * 100_000 + b"]" * 100_000)
    assert event is None and why.startswith("the hook input is not JSON")


def test_the_call_id_is_the_tool_use_id_else_a_digest_of_the_call() -> None:
    assert guard.call_id(_event()) == "toolu_1"
    derived = guard.call_id(_event(tool_use_id=""))
    assert derived.startswith("sha256:") and len(derived) == 7 + 64
    assert guard.call_id(_event(tool_use_id=None)) == derived
    assert guard.call_id(_event(tool_use_id="", tool_input={"id": "in_2"})) != derived


def test_an_allowed_action_gets_no_opinion_with_the_session_and_call() -> None:
    verdict = guard.decide(_event(), _policy(), WHERE)
    assert (verdict.decision, verdict.session, verdict.call_id) == (None, "sess-1", "toolu_1")


def test_a_tool_outside_mcp_is_left_to_claude_code() -> None:
    verdict = guard.decide(_event("Bash"), _policy(), WHERE)
    assert verdict.decision is None and verdict.session == "sess-1"


def test_a_gated_action_asks_with_the_reason_and_where_it_is_set() -> None:
    verdict = guard.decide(_event("mcp__stripe__refund"), _policy(), WHERE)
    assert verdict.decision == "ask"
    assert verdict.reason == (
        f"hub policy gates stripe.refund: risk high ({WHERE}: servers.stripe.actions.refund)"
    )
    assert verdict.call_id == "toolu_1"


@pytest.mark.parametrize(
    ("tool", "reason"),
    [
        (
            "mcp__pastebin__share",
            f"MCP server 'pastebin' is denied by {WHERE} (denied_servers.pastebin: "
            "status deprecated)",
        ),
        ("mcp__slack__post", f"MCP server 'slack' is not in the compiled policy {WHERE} (servers)"),
        (
            "mcp__stripe__delete",
            f"'delete' on 'stripe' is not declared for agent 'invoice-triage' in {WHERE} "
            "(servers.stripe.actions)",
        ),
        ("mcp__stripe__odd", f"servers.stripe.actions.odd in {WHERE} has no valid decision"),
        ("mcp__stripe", "'mcp__stripe' is not an mcp__SERVER__ACTION tool name"),
        ("mcp____x", "'mcp____x' is not an mcp__SERVER__ACTION tool name"),
        ("mcp__stripe__", "'mcp__stripe__' is not an mcp__SERVER__ACTION tool name"),
    ],
)
def test_an_mcp_call_outside_the_policy_is_denied_naming_the_key(tool: str, reason: str) -> None:
    verdict = guard.decide(_event(tool), _policy(), WHERE)
    assert (verdict.decision, verdict.reason) == ("deny", f"hub guard: {reason}")


def test_a_scope_policy_names_its_scope_when_an_action_is_undeclared() -> None:
    policy = _policy(agent=None, scope="team")
    verdict = guard.decide(_event("mcp__stripe__delete"), policy, WHERE)
    assert "is not declared for the team in" in verdict.reason


def test_an_action_of_a_server_without_an_actions_mapping_is_denied() -> None:
    policy = _policy(servers={"stripe": {"actions": ["get_invoice"]}})
    assert guard.decide(_event(), policy, WHERE).decision == "deny"


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"hook_event_name": "PostToolUse"}, "expected a PreToolUse event, got 'PostToolUse'"),
        ({"session_id": ""}, "the hook input has no session_id string"),
        ({"session_id": 7}, "the hook input has no session_id string"),
        ({"tool_name": None}, "the hook input has no tool_name string"),
        ({"tool_input": "x"}, "the hook input has no tool_input object"),
        ({"tool_use_id": 5}, "the hook input's tool_use_id is not a string"),
    ],
)
def test_a_malformed_hook_input_is_denied(change: dict[str, Any], why: str) -> None:
    verdict = guard.decide(_event(**change), _policy(), WHERE)
    assert (verdict.decision, verdict.reason) == ("deny", f"hub guard: {why}")


def test_an_event_without_a_name_or_call_id_is_judged() -> None:
    event = _event()
    del event["hook_event_name"], event["tool_use_id"]
    verdict = guard.decide(event, _policy(), WHERE)
    assert verdict.decision is None and verdict.call_id.startswith("sha256:")


def test_a_long_event_name_is_cut_in_the_reason() -> None:
    verdict = guard.decide(_event(hook_event_name="x" * 100), _policy(), WHERE)
    assert verdict.reason == f"hub guard: expected a PreToolUse event, got {'x' * 40!r}"


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        ({"max_tool_calls_per_run": 30}, 30),
        ({"max_tool_calls_per_run": 2.9}, 2),
        ({"max_tool_calls_per_run": 0}, 0),
        ({"max_tool_calls_per_run": None}, None),
        ({"max_tool_calls_per_run": True}, None),
        ({"max_tool_calls_per_run": "30"}, None),
        ({}, None),
        ("30", None),
    ],
)
def test_the_call_limit_is_a_number_or_none(limits: Any, expected: int | None) -> None:
    assert guard.limit_of({"limits": limits}) == expected


def test_a_policy_without_limits_has_no_call_limit() -> None:
    assert guard.limit_of({}) is None


def test_over_the_limit_is_a_denial_naming_the_limit_and_the_policy() -> None:
    verdict = guard.over_limit(3, WHERE)
    assert verdict.decision == "deny"
    assert verdict.reason == (
        "hub guard: this session has made 3 tool calls, the most that "
        f"limits.max_tool_calls_per_run allows ({WHERE})"
    )
