"""Claude Code's tool_result, tool_decision and mcp_server_connection events become evidence
rows when the collector closes their runs: once, however often a request is retried."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, text

from hubrails.core.ledger.claude_code_evidence import detail
from hubrails.store import normalise_url
from tests.otlp_json import api_request, event, logs
from tests.unit.core.collector.test_buffer import collector


def test_detail_of_each_event() -> None:
    params = json.dumps({"mcp_server_name": "jira", "mcp_tool_name": "get"})
    mcp = {"tool_name": "mcp_tool", "tool_parameters": params}
    assert detail("tool_result", {"tool_name": "Bash"}) == "tool:Bash"
    assert detail("tool_result", mcp) == "tool:mcp__jira__get"
    assert detail("tool_result", {"tool_parameters": "{not json mcp_server_name"}) is None
    assert detail("tool_decision", {"tool_name": "X", "decision": "reject", "source": "hook"}) == (
        "denied:X"
    )
    asked = {"tool_name": "X", "decision": "accept", "source": "user_temporary"}
    assert detail("tool_decision", asked) == "gated:X"
    assert detail("tool_decision", {**asked, "source": "config"}) is None
    assert detail("mcp_server_connection", {"status": "connected", "server_name": "gh"}) == (
        "mcp_server:gh"
    )
    assert detail("mcp_server_connection", {"status": "failed", "server_name": "gh"}) is None
    assert detail("api_request", {"tool_name": "Bash"}) is None


def test_events_become_evidence_once(registry: Path, ledger_db: str) -> None:
    now = [1000.0]
    c = collector(registry, ledger_db, now)
    export = logs(
        api_request("s1", "p1", 1),
        event("tool_result", "s1", "p1", 2, tool_name="mcp__github__create_issue"),
        event("tool_result", "s1", "p1", 3, tool_name="mcp__github__create_issue"),
        event("tool_decision", "s1", "p1", 4, tool_name="mcp__pastebin__share",
              decision="reject", source="hook"),
        event("tool_decision", "s1", "p1", 5, tool_name="Bash", decision="accept",
              source="config"),  # says nothing
        event("mcp_server_connection", "s1", None, 6, status="connected", server_name="github"),
        **{"hub.agent": "triage"},
    )  # fmt: skip
    c.handle("logs", export, None)
    c.handle("logs", export, None)  # a retry
    now[0] += 61
    closed = c.close()
    assert closed.runs == 1  # the decision and the connection are no calls
    c.store.engine.dispose()
    engine = create_engine(normalise_url(ledger_db, Path.cwd()))
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT team, agent, kind, subject, run_key, calls FROM ledger_evidence "
                 "ORDER BY run_key, kind, subject")
        ).all()  # fmt: skip
        tools = conn.execute(text("SELECT tool_calls FROM ledger_runs")).scalar_one()
    engine.dispose()
    assert tools == 2
    assert [tuple(r) for r in rows] == [
        ("sre", "triage", "mcp_server", "github", "claude-code:s1", 1),
        ("sre", "triage", "denied", "mcp__pastebin__share", "claude-code:s1:p1", 1),
        ("sre", "triage", "mcp_action", "github/create_issue", "claude-code:s1:p1", 2),
        ("sre", "triage", "mcp_server", "github", "claude-code:s1:p1", 2),
        ("sre", "triage", "tool", "mcp__github__create_issue", "claude-code:s1:p1", 2),
    ]
