"""The Claude Code file contents for a compiled policy: permission rules, telemetry, hooks,
project and managed settings, ``.mcp.json`` entries and the Agent SDK options."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hubrails.core.runtime import claude_code as cc
from hubrails.core.runtime.compile import Compiled, Server
from tests.runtime_helpers import schema_errors

STDIO = {"transport": "stdio", "command": "npx", "args": ["-y", "srv", 3], "env": ["TOKEN"]}
HTTP = {"transport": "streamable-http", "url": "https://mcp.example.com/mcp"}


def _compiled(**more: Any) -> Compiled:
    servers = {
        "github": Server(
            "github",
            "registry/tools/github.yaml",
            STDIO,
            {
                "get_issue": {"decision": "allow", "why": "w"},
                "merge": {"decision": "ask", "why": "risk high"},
            },
            ("delete_repo",),
        ),
        "docs": Server("docs", "registry/tools/docs.yaml", HTTP, {"search": {"decision": "allow"}}),
    }
    fields: dict[str, Any] = {
        "scope": "agent",
        "agent": "triage",
        "team": "sre",
        "source": "registry/agents/triage.yaml",
        "servers": servers,
        "denied": {"pastebin": "status deprecated"},
        "denied_mcp": {"pastebin": {"transport": "sse", "url": "https://paste.example/sse"}},
        "model": "sonnet",
        "models": ["sonnet", "haiku"],
        **more,
    }
    return Compiled(**fields)


def test_a_rule_names_a_server_or_one_of_its_actions() -> None:
    assert cc.rule("github") == "mcp__github"
    assert cc.rule("github", "get_issue") == "mcp__github__get_issue"


def test_permissions_allow_declared_ask_gated_and_deny_the_rest() -> None:
    assert cc.permissions(_compiled()) == {
        "allow": ["mcp__github__get_issue", "mcp__docs__search"],
        "ask": ["mcp__github__merge"],
        "deny": ["mcp__github__delete_repo", "mcp__pastebin"],
        "disableBypassPermissionsMode": "disable",
    }


def test_an_empty_policy_still_disables_bypass_mode() -> None:
    empty = Compiled("hub", None, None, "hub guardrails")
    assert cc.permissions(empty) == {"allow": [], "ask": [], "deny": [],
                                     "disableBypassPermissionsMode": "disable"}  # fmt: skip


def test_telemetry_is_off_unless_the_policy_requires_it() -> None:
    assert cc.telemetry_env(_compiled(), cc.Options()) == {}


def test_required_telemetry_points_at_the_collector_with_team_and_agent() -> None:
    env = cc.telemetry_env(_compiled(telemetry=True), cc.Options(otlp_endpoint="http://c:4318"))
    assert env == {
        "CLAUDE_CODE_ENABLE_TELEMETRY": "1",
        "OTEL_METRICS_EXPORTER": "otlp",
        "OTEL_LOGS_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318",
        "OTEL_RESOURCE_ATTRIBUTES": "hub.team=sre,hub.agent=triage",
    }


def test_telemetry_of_the_hub_scope_has_no_resource_attributes() -> None:
    env = cc.telemetry_env(_compiled(telemetry=True, team=None, agent=None), cc.Options())
    assert "OTEL_RESOURCE_ATTRIBUTES" not in env
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == cc.DEFAULT_OTLP_ENDPOINT


def test_the_hooks_run_the_guard_with_the_policy_path() -> None:
    hooks = cc.hooks(cc.Options(hub_command="/venv/bin/hub", policy_path="/p.json"))
    assert hooks == {
        "PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "timeout": 10,
                        "command": "/venv/bin/hub guard pre-tool-use --policy /p.json"}]}],
        "SessionEnd": [{"hooks": [{"type": "command", "timeout": 60,
                        "command": "/venv/bin/hub guard session-end --policy /p.json"}]}],
    }  # fmt: skip


def test_project_settings_follow_the_schema_and_carry_model_and_hooks() -> None:
    settings = cc.settings(_compiled(telemetry=True), cc.Options())
    assert schema_errors(settings) == []
    assert list(settings) == ["$schema", "permissions", "model", "availableModels", "env",
                              "hooks"]  # fmt: skip
    assert (settings["model"], settings["availableModels"]) == ("sonnet", ["sonnet", "haiku"])


def test_settings_leave_out_what_the_policy_does_not_set() -> None:
    settings = cc.settings(_compiled(model=None, models=None), cc.Options())
    assert list(settings) == ["$schema", "permissions", "hooks"]


def test_an_empty_model_allowlist_is_written_as_such() -> None:
    assert cc.settings(_compiled(models=[]), cc.Options())["availableModels"] == []


def test_uncertified_settings_say_which_checks_fail() -> None:
    settings = cc.settings(_compiled(certified=False, failing=["c1", "c2"]), cc.Options())
    assert settings[cc.UNCERTIFIED_KEY] == (
        "exported with --allow-uncertified: this agent fails certification (c1, c2)"
    )
    assert schema_errors(settings) == []
    assert cc.uncertified_note(_compiled(failing=[])).endswith("certification (unknown)")


def test_a_stdio_server_config_names_env_variables_never_values() -> None:
    assert cc.server_config(STDIO) == {
        "type": "stdio",
        "command": "npx",
        "args": ["-y", "srv", "3"],
        "env": {"TOKEN": "${TOKEN}"},
    }


@pytest.mark.parametrize(
    ("mcp", "expected"),
    [
        (HTTP, {"type": "http", "url": "https://mcp.example.com/mcp"}),
        ({"transport": "sse", "url": "u"}, {"type": "sse", "url": "u"}),
        ({"transport": "sse"}, {"type": "sse", "url": ""}),
        ({}, {"type": "stdio", "command": "", "args": []}),
        ({"transport": "carrier-pigeon", "command": "c"}, {"type": "stdio", "command": "c",
                                                           "args": []}),
    ],
)  # fmt: skip
def test_server_config_by_transport(mcp: dict[str, Any], expected: dict[str, Any]) -> None:
    assert cc.server_config(mcp) == expected


def test_mcp_json_lists_only_the_vetted_servers() -> None:
    assert list(cc.mcp_json(_compiled())["mcpServers"]) == ["github", "docs"]


def test_managed_settings_allow_managed_rules_only_and_match_servers_exactly() -> None:
    denied_mcp = {"pastebin": {"transport": "sse", "url": "https://paste.example/sse"},
                  "nameless": {"transport": "stdio"}}  # fmt: skip
    managed = cc.managed_settings(_compiled(denied_mcp=denied_mcp), cc.Options())
    assert "model" not in managed and managed["availableModels"] == ["sonnet", "haiku"]
    assert managed["allowManagedPermissionRulesOnly"] is True
    assert managed["allowManagedHooksOnly"] is managed["allowManagedMcpServersOnly"] is True
    assert managed["allowedMcpServers"] == [
        {"serverCommand": ["npx", "-y", "srv", "3"]},
        {"serverUrl": "https://mcp.example.com/mcp"},
    ]
    assert managed["deniedMcpServers"] == [{"serverUrl": "https://paste.example/sse"}]
    assert schema_errors(managed) == []


def test_agent_sdk_options_carry_the_rules_as_settings_json() -> None:
    options = cc.agent_sdk_options(_compiled(max_cost_usd=2.5, telemetry=True), cc.Options())
    assert options["allowed_tools"] == ["mcp__github__get_issue", "mcp__docs__search"]
    assert options["disallowed_tools"] == ["mcp__github__delete_repo", "mcp__pastebin"]
    assert options["permission_mode"] == "default"
    assert options["model"] == "sonnet" and options["max_budget_usd"] == 2.5
    assert options["env"]["CLAUDE_CODE_ENABLE_TELEMETRY"] == "1"
    assert list(options["mcp_servers"]) == ["github", "docs"]
    flags = json.loads(options["settings"])
    assert flags["permissions"] == {"ask": ["mcp__github__merge"],
                                    "deny": ["mcp__github__delete_repo", "mcp__pastebin"],
                                    "disableBypassPermissionsMode": "disable"}  # fmt: skip
    assert "PreToolUse" in flags["hooks"] and " " not in options["settings"].split('"')[0]


def test_agent_sdk_options_leave_out_an_unset_model_budget_and_env() -> None:
    options = cc.agent_sdk_options(_compiled(model=None), cc.Options())
    assert not {"model", "max_budget_usd", "env"} & options.keys()
