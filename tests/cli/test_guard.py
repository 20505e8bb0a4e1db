"""``hub guard pre-tool-use``: Claude Code's PreToolUse hook, with real hook payloads."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run_cli
from tests.runtime_helpers import hub_process, payload


@pytest.fixture
def project(registry: Path, tmp_path: Path) -> Path:
    """An agent project exported for invoice-triage (at most 25 tool calls per session)."""
    folder = tmp_path / "app"
    run = run_cli("export", "claude-code", "invoice-triage", str(folder))
    assert run.exit_code == 0, run.stderr
    return folder


def _ask(project: Path, stdin: str | bytes, *args: str) -> dict[str, Any]:
    done = hub_process(
        ["guard", "pre-tool-use", *args], stdin, env={"CLAUDE_PROJECT_DIR": str(project)}
    )
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def _decision(answer: dict[str, Any]) -> tuple[str | None, str]:
    out = answer.get("hookSpecificOutput")
    if out is None:
        return None, ""
    assert out["hookEventName"] == "PreToolUse"
    return out["permissionDecision"], out["permissionDecisionReason"]


def test_allowed_call_leaves_the_decision_to_claude_code(project: Path) -> None:
    assert _ask(project, payload("mcp__stripe-refunds__list_invoices")) == {}
    assert _ask(project, payload("Read")) == {}  # not an MCP tool: only counted


def test_gated_call_asks(project: Path) -> None:
    decision, reason = _decision(_ask(project, payload("mcp__stripe-refunds__create_refund")))
    assert decision == "ask"
    assert "@acme/billing-leads" in reason and "risk high" in reason and "destructive" in reason


@pytest.mark.parametrize(
    ("tool", "named"),
    [
        ("mcp__jira__transition_issue", "servers.jira.actions"),  # undeclared action
        ("mcp__pastebin-share__share", "denied_servers.pastebin-share"),  # revoked and denied
        ("mcp__legacy-wiki__search", "denied_servers.legacy-wiki"),  # deprecated
        ("mcp__github__search_code", "denied_servers.github"),  # not declared by the agent
        ("mcp__rogue__anything", "not in the compiled policy"),  # not in the catalog at all
        ("mcp__broken", "not an mcp__SERVER__ACTION"),
    ],
)
def test_undeclared_or_revoked_calls_are_denied(project: Path, tool: str, named: str) -> None:
    decision, reason = _decision(_ask(project, payload(tool)))
    assert decision == "deny" and named in reason
    assert "hub-policy.json" in reason or tool == "mcp__broken"


def test_the_policy_file_can_be_given(project: Path, tmp_path: Path) -> None:
    policy = project / ".claude" / "hub-policy.json"
    moved = tmp_path / "elsewhere.json"
    policy.rename(moved)
    decision, reason = _decision(_ask(project, payload("mcp__stripe-refunds__list_invoices")))
    assert decision == "deny" and "no compiled policy" in reason
    answer = _ask(project, payload("mcp__stripe-refunds__list_invoices"), "--policy", str(moved))
    assert answer == {}


def test_an_edited_policy_fails_closed(project: Path) -> None:
    policy = project / ".claude" / "hub-policy.json"
    data = json.loads(policy.read_text())
    data["servers"]["stripe-refunds"]["actions"]["create_refund"]["decision"] = "allow"
    policy.write_text(json.dumps(data))
    decision, reason = _decision(_ask(project, payload("mcp__stripe-refunds__create_refund")))
    assert decision == "deny" and "edited after export" in reason


def test_limit_per_session_counts_each_call_once(project: Path) -> None:
    for i in range(25):
        assert _ask(project, payload("mcp__jira__get_issue", call=f"toolu_{i}")) == {}
    again = _ask(project, payload("mcp__jira__get_issue", call="toolu_3"))  # the same call
    assert again == {}
    decision, reason = _decision(_ask(project, payload("Read", call="toolu_25")))
    assert decision == "deny" and "limits.max_tool_calls_per_run" in reason and "25" in reason
    other = _ask(project, payload("Read", call="toolu_25", session="sess-2"))
    assert other == {}  # another session has its own count


def test_concurrent_hook_processes_count_each_call_once(project: Path) -> None:
    calls = [f"toolu_{i % 20}" for i in range(40)]  # 20 calls, each judged by two processes
    calls += [f"toolu_x{i}" for i in range(10)]  # 10 more: 30 > 25 in all

    def one(call: str) -> str | None:
        return _decision(_ask(project, payload("mcp__jira__get_issue", call=call)))[0]

    with ThreadPoolExecutor(8) as pool:
        decisions = list(pool.map(one, calls))
    assert decisions[:40] == [None] * 40  # every call of the first 20 counted once, allowed
    assert decisions[40:].count(None) == 5 and decisions[40:].count("deny") == 5
    state = json.loads(next((project / ".claude/hub-guard").glob("*.json")).read_text())
    assert len(state["calls"]) == 25 and len(set(state["calls"])) == 25


@pytest.mark.parametrize(
    "stdin",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00",
        b"[1, 2]",
        b"null",
        b'"a string"',
        b"{}",
        b'{"session_id": 5, "tool_name": "Read", "tool_input": {}}',
        b'{"session_id": "s", "tool_name": ["Read"], "tool_input": {}}',
        b'{"session_id": "s", "tool_name": "Read", "tool_input": "x"}',
        b'{"session_id": "s", "tool_name": "Read"}',
        b'{"session_id": "s", "tool_name": "Read", "tool_input": {}, "tool_use_id": 7}',
        b'{"session_id": "s", "tool_name": "Read", "tool_input": {}, "hook_event_name": "Stop"}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": "' + b"x" * (9 * 1024 * 1024) + b'"}',
    ],
    ids=lambda b: repr(b[:30]),
)
def test_malformed_input_is_denied_without_a_traceback(project: Path, stdin: bytes) -> None:
    decision, reason = _decision(_ask(project, stdin))
    assert decision == "deny" and reason.startswith("hub guard: ")


def test_wrong_types_in_the_policy_fail_closed(project: Path) -> None:
    from hubrails.core.runtime.guard import digest_of

    policy = project / ".claude" / "hub-policy.json"
    data = json.loads(policy.read_text())
    data["servers"]["stripe-refunds"]["actions"] = ["list_invoices"]
    data["limits"] = "many"
    data["digest"] = digest_of(data)
    policy.write_text(json.dumps(data))
    decision, _ = _decision(_ask(project, payload("mcp__stripe-refunds__list_invoices")))
    assert decision == "deny"
    assert _ask(project, payload("Read")) == {}  # a limit of the wrong type is no limit


def test_a_damaged_state_file_blocks_with_exit_2(project: Path) -> None:
    _ask(project, payload("Read"))
    state = next((project / ".claude/hub-guard").glob("*.json"))
    state.write_text('{"calls": "oops"}')
    done = hub_process(
        ["guard", "pre-tool-use"], payload("Read"), env={"CLAUDE_PROJECT_DIR": str(project)}
    )
    assert done.returncode == 2 and b"damaged" in done.stderr and b"Traceback" not in done.stderr


def test_guard_imports_nothing_heavy(project: Path) -> None:
    code = (
        "import sys, io; from hubrails.cli import main; "
        "sys.stdin = io.TextIOWrapper(io.BytesIO(sys.argv[1].encode())); "
        "main(['guard', 'pre-tool-use']); "
        "heavy = {'typer', 'rich', 'yaml', 'jsonschema', 'click', 'sqlalchemy', 'hashlib', "
        "'dataclasses', 'typing', 'pathlib'} & set(sys.modules); "
        "print(sorted(heavy), file=sys.stderr)"
    )
    import subprocess
    import sys

    env = {**os.environ, "CLAUDE_PROJECT_DIR": str(project)}
    done = subprocess.run(
        [sys.executable, "-c", code, payload("mcp__jira__get_issue")],
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.stderr.decode().strip().splitlines()[-1] == "[]", done.stderr
