"""``hub export claude-code``: Claude Code settings, .mcp.json and the compiled policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import edit, run_cli
from tests.runtime_helpers import AGENTS, export, schema_errors


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize("agent", AGENTS)
def test_every_shipped_agent_exports_valid_settings(agent: str, tmp_path: Path) -> None:
    files = export(agent, tmp_path)
    assert set(files) == {".claude/settings.json", ".mcp.json", ".claude/hub-policy.json"}
    assert schema_errors(files[".claude/settings.json"]) == []
    policy = files[".claude/hub-policy.json"]
    assert policy["agent"] == agent and len(policy["digest"]) == 64
    assert set(files[".mcp.json"]["mcpServers"]) == set(policy["servers"])


@pytest.mark.usefixtures("registry")
def test_settings_map_the_policy(tmp_path: Path) -> None:
    files = export("invoice-triage", tmp_path)
    settings = files[".claude/settings.json"]
    perms = settings["permissions"]
    assert "mcp__stripe-refunds__list_invoices" in perms["allow"]
    assert perms["ask"] == ["mcp__stripe-refunds__create_refund"]  # approvals, high, destructive
    assert "mcp__pastebin-share" in perms["deny"]  # revoked and denied
    assert "mcp__github" in perms["deny"]  # in the catalog, not declared
    assert "mcp__jira__transition_issue" in perms["deny"]  # an undeclared action
    assert perms["disableBypassPermissionsMode"] == "disable"
    assert settings["model"] == "claude-sonnet-4-5"
    assert settings["availableModels"] == ["claude-sonnet-4-5", "claude-haiku-4-5"]  # team ⊓ hub
    env = settings["env"]
    assert env["CLAUDE_CODE_ENABLE_TELEMETRY"] == "1"
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://127.0.0.1:4318"
    assert env["OTEL_RESOURCE_ATTRIBUTES"] == "hub.team=billing-ops,hub.agent=invoice-triage"
    pre = settings["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
    assert pre.startswith("hub guard pre-tool-use --policy")
    assert "session-end" in settings["hooks"]["SessionEnd"][0]["hooks"][0]["command"]
    mcp = files[".mcp.json"]["mcpServers"]
    assert mcp["stripe-refunds"] == {"type": "http", "url": "https://mcp.stripe.com"}
    assert mcp["jira"]["type"] == "sse"
    assert mcp["postgres-readonly"]["env"] == {"PGPASSFILE": "${PGPASSFILE}"}  # no values
    policy = files[".claude/hub-policy.json"]
    assert policy["limits"]["max_tool_calls_per_run"] == 25  # required policy, not advisory 40
    assert policy["registry"]["commit"] is None  # the copied registry is no git repository


def test_otlp_endpoint_from_hub_yaml_and_option(registry: Path, tmp_path: Path) -> None:
    edit(registry / "hub.yaml", "ledger:\n", "ledger:\n  otlp_endpoint: http://collector:4318\n")
    env = export("invoice-triage", tmp_path)[".claude/settings.json"]["env"]
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://collector:4318"
    env = export("invoice-triage", tmp_path, "--otlp-endpoint", "http://x:1")[
        ".claude/settings.json"
    ]["env"]
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://x:1"
    assert run_cli("validate").exit_code == 0


@pytest.mark.usefixtures("registry")
def test_write_is_refused_over_existing_files_without_force(tmp_path: Path) -> None:
    assert run_cli("export", "claude-code", "invoice-triage", str(tmp_path)).exit_code == 0
    written = json.loads((tmp_path / ".claude" / "settings.json").read_text())
    assert schema_errors(written) == []
    again = run_cli("export", "claude-code", "invoice-triage", str(tmp_path))
    assert again.exit_code == 2 and "--force" in again.stderr
    forced = run_cli("export", "claude-code", "invoice-triage", str(tmp_path), "--force")
    assert forced.exit_code == 0, forced.stderr


@pytest.mark.usefixtures("registry")
def test_force_keeps_unrelated_keys_that_do_not_loosen(tmp_path: Path) -> None:
    settings = tmp_path / ".claude" / "settings.json"
    settings.parent.mkdir()
    user = {
        "statusLine": {"type": "command", "command": "echo hi"},
        "permissions": {"allow": ["mcp__github__merge_pull_request"]},
        "env": {"MY_VAR": "1"},
        "hooks": {"PostToolUse": [{"matcher": "Edit", "hooks": [{"type": "command",
                                                                 "command": "fmt"}]}]},
    }  # fmt: skip
    settings.write_text(json.dumps(user))
    run = run_cli("export", "claude-code", "invoice-triage", str(tmp_path), "--force")
    assert run.exit_code == 0, run.stderr
    merged = json.loads(settings.read_text())
    assert merged["statusLine"] == user["statusLine"]
    assert merged["env"]["MY_VAR"] == "1" and merged["env"]["CLAUDE_CODE_ENABLE_TELEMETRY"] == "1"
    assert "PostToolUse" in merged["hooks"] and "PreToolUse" in merged["hooks"]
    assert "mcp__github__merge_pull_request" not in merged["permissions"]["allow"]  # ours rule
    assert schema_errors(merged) == []


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize(
    ("key", "value"),
    [("disableAllHooks", True), ("enableAllProjectMcpServers", True)],
)
def test_force_refuses_an_unrelated_key_that_loosens(
    tmp_path: Path, key: str, value: object
) -> None:
    settings = tmp_path / ".claude" / "settings.json"
    settings.parent.mkdir()
    settings.write_text(json.dumps({key: value}))
    run = run_cli("export", "claude-code", "invoice-triage", str(tmp_path), "--force")
    assert run.exit_code == 1 and key in run.stderr
    assert json.loads(settings.read_text()) == {key: value}  # nothing written
    assert not (tmp_path / ".mcp.json").exists()


def test_uncertified_agent_needs_the_flag(registry: Path, tmp_path: Path) -> None:
    agent = registry / "registry/spokes/growth/agents/release-notes.yaml"
    edit(agent, "model: claude-haiku-4-5", "model: claude-opus-4-1")
    refused = run_cli("export", "claude-code", "release-notes", str(tmp_path))
    assert refused.exit_code == 2 and "--allow-uncertified" in refused.stderr
    files = export("release-notes", tmp_path, "--allow-uncertified")
    settings = files[".claude/settings.json"]
    assert "fails certification" in settings["//hubrails"]
    assert files[".claude/hub-policy.json"]["certified"] is False
    assert schema_errors(settings) == []


@pytest.mark.usefixtures("registry")
def test_unknown_agent_and_team_exit_2_with_a_hint(tmp_path: Path) -> None:
    run = run_cli("export", "claude-code", "nobody", str(tmp_path))
    assert run.exit_code == 2 and "known agents" in run.stderr
    run = run_cli("export", "claude-code", "--managed", "--team", "nope", str(tmp_path))
    assert run.exit_code == 2 and "known teams" in run.stderr


def test_a_tool_without_mcp_is_a_finding(registry: Path, tmp_path: Path) -> None:
    tool = registry / "registry/tools/web-fetch.yaml"
    text = tool.read_text()
    start, end = text.index("  mcp:\n"), text.index("  actions:\n")
    tool.write_text(text[:start] + text[end:])
    run = run_cli("export", "claude-code", "ticket-responder", str(tmp_path), "--allow-uncertified")
    assert run.exit_code == 1
    assert "registry/tools/web-fetch.yaml:" in run.stderr and "spec.mcp" in run.stderr
    settings = json.loads((tmp_path / ".claude" / "settings.json").read_text())
    assert "mcp__web-fetch" in settings["permissions"]["deny"]


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize("team", [None, "billing-ops"])
def test_managed_form(tmp_path: Path, team: str | None) -> None:
    args = ["--team", team] if team else []
    run = run_cli("export", "claude-code", "--managed", *args, str(tmp_path))
    assert run.exit_code == 0, run.stderr
    managed = json.loads((tmp_path / "managed-settings.json").read_text())
    assert schema_errors(managed) == []
    assert managed["allowManagedMcpServersOnly"] is True
    assert managed["allowManagedPermissionRulesOnly"] is True
    assert managed["allowManagedHooksOnly"] is True
    assert {"serverUrl": "https://mcp.stripe.com"} in managed["allowedMcpServers"]
    commands = [e["serverCommand"] for e in managed["allowedMcpServers"] if "serverCommand" in e]
    assert ["uvx", "mcp-server-fetch==2025.4.7",
            "--user-agent=AcmeAgents/1.0 (+https://acme.example/bots)"] in commands  # fmt: skip
    assert not any("serverName" in e for e in managed["allowedMcpServers"])
    denied = managed["deniedMcpServers"]
    assert {"serverUrl": "https://wiki-mcp.internal.acme.example/mcp"} in denied  # deprecated
    assert "mcp__stripe-refunds__create_refund" in managed["permissions"]["ask"]
    servers = json.loads((tmp_path / "managed-mcp.json").read_text())["mcpServers"]
    assert "pastebin-share" not in servers and "stripe-refunds" in servers
    policy = json.loads((tmp_path / "hub-policy.json").read_text())
    assert policy["scope"] == ("team" if team else "hub")
    if team:
        assert managed["availableModels"] == ["claude-sonnet-4-5", "claude-haiku-4-5"]
        assert managed["env"]["OTEL_RESOURCE_ATTRIBUTES"] == "hub.team=billing-ops"


@pytest.mark.usefixtures("registry")
def test_policy_path_is_quoted_into_the_hook_commands(tmp_path: Path) -> None:
    where = "/opt/hub rails/policy.json"
    files = export("invoice-triage", tmp_path, "--policy-path", where, "--hub-command", "uvx hub")
    hooks = files[".claude/settings.json"]["hooks"]
    command = hooks["PreToolUse"][0]["hooks"][0]["command"]
    assert command == "uvx hub guard pre-tool-use --policy '/opt/hub rails/policy.json'"
