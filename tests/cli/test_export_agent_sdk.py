"""``hub export agent-sdk``: options the real Claude Agent SDK accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.runtime_helpers import AGENTS, schema_errors

sdk = pytest.importorskip("claude_agent_sdk")


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize("agent", AGENTS)
def test_claude_agent_options_accept_the_export(agent: str) -> None:
    run = run_cli("export", "agent-sdk", agent)
    assert run.exit_code == 0, run.stderr
    options = sdk.ClaudeAgentOptions(**run.json())  # no API key needed to construct options
    assert options.permission_mode == "default"
    assert options.allowed_tools and all(t.startswith("mcp__") for t in options.allowed_tools)
    assert set(options.mcp_servers) >= {t.split("__")[1] for t in options.allowed_tools}
    for server in options.mcp_servers.values():
        assert server["type"] in ("stdio", "http", "sse")
    flags = json.loads(options.settings)  # the hooks by command, and the ask rules
    assert schema_errors(flags) == []
    assert "hub guard pre-tool-use" in flags["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
    assert options.env["CLAUDE_CODE_ENABLE_TELEMETRY"] == "1"


@pytest.mark.usefixtures("registry")
def test_options_carry_the_policy() -> None:
    options = sdk.ClaudeAgentOptions(**run_cli("export", "agent-sdk", "invoice-triage").json())
    assert options.model == "claude-sonnet-4-5"
    assert options.max_budget_usd == 1.0  # limits.max_cost_usd_per_run of the agent
    assert "mcp__pastebin-share" in options.disallowed_tools
    assert "mcp__stripe-refunds__create_refund" not in options.allowed_tools
    assert json.loads(options.settings)["permissions"]["ask"] == [
        "mcp__stripe-refunds__create_refund"
    ]


def test_unknown_agent_exits_2(registry: Path) -> None:
    run = run_cli("export", "agent-sdk", "nobody")
    assert run.exit_code == 2 and "known agents" in run.stderr
