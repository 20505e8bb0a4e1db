"""The contents of Claude Code's files (and Agent SDK options) for a compiled policy.

Keys follow Claude Code's settings reference and SchemaStore's ``claude-code-settings.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hubrails.core.runtime.compile import Compiled

DEFAULT_OTLP_ENDPOINT = "http://127.0.0.1:4318"
UNCERTIFIED_KEY = "//hubrails"  # a comment key: Claude Code ignores unknown top-level keys
PROJECT_POLICY = '"$CLAUDE_PROJECT_DIR"/.claude/hub-policy.json'
MANAGED_POLICY = "/etc/claude-code/hub-policy.json"
TRANSPORTS = {"stdio": "stdio", "streamable-http": "http", "sse": "sse"}


@dataclass(frozen=True, slots=True)
class Options:
    """How the files are written: the guard's command, the policy path, the OTLP endpoint."""

    hub_command: str = "hub"
    policy_path: str = PROJECT_POLICY
    otlp_endpoint: str = DEFAULT_OTLP_ENDPOINT


def rule(server: str, action: str | None = None) -> str:
    """A Claude Code permission rule for an MCP server (or one of its tools)."""
    return f"mcp__{server}" if action is None else f"mcp__{server}__{action}"


def permissions(compiled: Compiled) -> dict[str, Any]:
    """``permissions``: allow declared actions, ask gated ones, deny everything else."""
    allow: list[str] = []
    ask: list[str] = []
    deny: list[str] = []
    for server in compiled.servers.values():
        for action, decision in server.actions.items():
            (ask if decision["decision"] == "ask" else allow).append(rule(server.name, action))
        deny += [rule(server.name, a) for a in server.undeclared]
    deny += [rule(name) for name in compiled.denied]
    return {
        "allow": allow,
        "ask": ask,
        "deny": deny,
        "disableBypassPermissionsMode": "disable",
    }


def telemetry_env(compiled: Compiled, options: Options) -> dict[str, str]:
    """Claude Code's OpenTelemetry switched on and pointed at the ledger's collector."""
    if not compiled.telemetry:
        return {}
    attributes = [f"hub.team={compiled.team}"] if compiled.team else []
    if compiled.agent:
        attributes.append(f"hub.agent={compiled.agent}")
    env = {
        "CLAUDE_CODE_ENABLE_TELEMETRY": "1",
        "OTEL_METRICS_EXPORTER": "otlp",
        "OTEL_LOGS_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        "OTEL_EXPORTER_OTLP_ENDPOINT": options.otlp_endpoint,
    }
    if attributes:
        env["OTEL_RESOURCE_ATTRIBUTES"] = ",".join(attributes)
    return env


def hooks(options: Options) -> dict[str, Any]:
    """The guard on every tool call and at the end of every session."""

    def command(sub: str, timeout: int) -> dict[str, Any]:
        line = f"{options.hub_command} guard {sub} --policy {options.policy_path}"
        return {"hooks": [{"type": "command", "command": line, "timeout": timeout}]}

    return {
        "PreToolUse": [{"matcher": "*", **command("pre-tool-use", 10)}],
        "SessionEnd": [command("session-end", 60)],
    }


def settings(compiled: Compiled, options: Options) -> dict[str, Any]:
    """``.claude/settings.json`` (project scope)."""
    out: dict[str, Any] = {
        "$schema": "https://json.schemastore.org/claude-code-settings.json",
    }
    if not compiled.certified:
        out[UNCERTIFIED_KEY] = uncertified_note(compiled)
    out["permissions"] = permissions(compiled)
    if compiled.model:
        out["model"] = compiled.model
    if compiled.models is not None:
        out["availableModels"] = list(compiled.models)
    env = telemetry_env(compiled, options)
    if env:
        out["env"] = env
    out["hooks"] = hooks(options)
    return out


def uncertified_note(compiled: Compiled) -> str:
    """The comment that an uncertified export carries."""
    return (
        "exported with --allow-uncertified: this agent fails certification ("
        + ", ".join(compiled.failing or ["unknown"])
        + ")"
    )


def server_config(mcp: dict[str, Any]) -> dict[str, Any]:
    """One ``mcpServers`` entry from a Tool's ``spec.mcp`` (env names, never values)."""
    kind = TRANSPORTS.get(str(mcp.get("transport")), "stdio")
    if kind != "stdio":
        return {"type": kind, "url": str(mcp.get("url", ""))}
    out: dict[str, Any] = {"type": "stdio", "command": str(mcp.get("command", ""))}
    out["args"] = [str(a) for a in mcp.get("args") or []]
    names = [str(n) for n in mcp.get("env") or []]
    if names:
        out["env"] = {n: "${" + n + "}" for n in names}
    return out


def mcp_json(compiled: Compiled) -> dict[str, Any]:
    """``.mcp.json`` (or ``managed-mcp.json``): the vetted servers."""
    return {"mcpServers": {n: server_config(s.mcp) for n, s in compiled.servers.items()}}


def _match(mcp: dict[str, Any]) -> dict[str, Any] | None:
    """An ``allowedMcpServers``/``deniedMcpServers`` entry: exact command or URL."""
    config = server_config(mcp)
    if config["type"] == "stdio":
        return (
            {"serverCommand": [config["command"], *config["args"]]} if config["command"] else None
        )
    return {"serverUrl": config["url"]} if config["url"] else None


def managed_settings(compiled: Compiled, options: Options) -> dict[str, Any]:
    """``managed-settings.json``: the organisation-wide form, managed rules and servers only."""
    out = settings(compiled, options)
    out.pop("model", None)
    allowed = [m for s in compiled.servers.values() if (m := _match(s.mcp)) is not None]
    denied = [m for mcp in compiled.denied_mcp.values() if (m := _match(mcp)) is not None]
    out.update(
        {
            "allowManagedPermissionRulesOnly": True,
            "allowManagedHooksOnly": True,
            "allowManagedMcpServersOnly": True,
            "allowedMcpServers": allowed,
            "deniedMcpServers": denied,
        }
    )
    return out


def agent_sdk_options(compiled: Compiled, options: Options) -> dict[str, Any]:
    """Keyword arguments for ``claude_agent_sdk.ClaudeAgentOptions`` (plain JSON)."""
    perms = permissions(compiled)
    flags = {"permissions": {"ask": perms["ask"], "deny": perms["deny"],
                             "disableBypassPermissionsMode": "disable"},
             "hooks": hooks(options)}  # fmt: skip
    out: dict[str, Any] = {
        "allowed_tools": perms["allow"],
        "disallowed_tools": perms["deny"],
        "mcp_servers": mcp_json(compiled)["mcpServers"],
        "permission_mode": "default",
        "settings": json.dumps(flags, separators=(",", ":")),
    }
    if compiled.model:
        out["model"] = compiled.model
    if compiled.max_cost_usd is not None:
        out["max_budget_usd"] = compiled.max_cost_usd
    env = telemetry_env(compiled, options)
    if env:
        out["env"] = env
    return out
