"""The compiled policy: what one agent (or a team, or the hub) may call, from the registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hubrails import __version__
from hubrails.core.certify.agent_files import Loaded, Workspace
from hubrails.core.certify.agent_policy import PolicyMemo, meta_of
from hubrails.core.certify.check_context import DEFAULT_ALLOWED_STATUSES, actions_of, spec_of
from hubrails.core.certify.policy import RISKS, EffectivePolicy
from hubrails.core.registry.layout import yaml_files
from hubrails.core.runtime.guard import FORMAT, digest_of
from hubrails.errors import HubError

POLICY_FILE = "hub-policy.json"


@dataclass(frozen=True, slots=True)
class Server:
    """A vetted MCP server the agent may call: its launch config and each action's decision."""

    name: str
    path: str
    mcp: dict[str, Any]
    actions: dict[str, dict[str, str]]  # action -> {"decision": allow|ask, "why": ...}
    undeclared: tuple[str, ...] = ()


@dataclass
class Compiled:
    """An agent's (or a scope's) runtime policy, ready to render as Claude Code settings."""

    scope: str  # agent | team | hub
    agent: str | None
    team: str | None
    source: str
    servers: dict[str, Server] = field(default_factory=dict)
    denied: dict[str, str] = field(default_factory=dict)  # server -> why
    denied_mcp: dict[str, dict[str, Any]] = field(default_factory=dict)
    model: str | None = None
    models: list[str] | None = None
    max_tool_calls: int | None = None
    max_cost_usd: float | None = None
    telemetry: bool = False
    certified: bool = True
    failing: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    commit: str | None = None
    policy: dict[str, Any] = field(default_factory=dict)

    def document(
        self, ledger: dict[str, str], outcomes: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """The ``hub-policy.json`` the guard reads, with its digest (the commit is not in it,
        so only a change that matters makes a file stale)."""
        body: dict[str, Any] = {
            "format": FORMAT,
            "scope": self.scope,
            "agent": self.agent,
            "team": self.team,
            "source": self.source,
            "certified": self.certified,
            "servers": {
                s.name: {"tool": s.path, "actions": s.actions} for s in self.servers.values()
            },
            "denied_servers": self.denied,
            "limits": {"max_tool_calls_per_run": self.max_tool_calls},
            "ledger": ledger,
            "outcome": {"default": "resolved", "by_reason": dict(sorted((outcomes or {}).items()))},
            "policy": self.policy,
        }
        return {
            "generated_by": f"hubrails {__version__}",
            "registry": {"commit": self.commit},
            "digest": digest_of(body),
            **body,
        }


def catalog_tools(ws: Workspace) -> list[str]:
    """Every catalog tool name (the hub's catalog and the repository's own)."""
    names = {n[:-5] for n in yaml_files(ws.hub.config.registry_dir / "tools")}
    names |= {n[:-5] for n in yaml_files(ws.config.registry_dir / "tools")}
    return sorted(names)


def compile_agent(ws: Workspace, given: str) -> Compiled:
    """The compiled policy of the agent named (or at the path) ``given``."""
    from hubrails.core.certify.run import certify

    rel = ws.find_agent(given)
    agent = ws.agent(rel)
    if not agent.ok:
        raise HubError(f"cannot read the agent: {agent.error}", path=agent.path)
    full, required, _ = PolicyMemo(ws).policies(agent)
    meta = meta_of(agent)
    spec = agent.data.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    result = certify(ws, [rel]).results[0]
    compiled = _base(ws, "agent", str(meta.get("name")), str(meta.get("team")), agent.path,
                     full, required)  # fmt: skip
    compiled.certified = result.passed
    compiled.failing = [c.id for c in result.checks if c.status.value == "fail"]
    compiled.model = spec.get("model") if isinstance(spec.get("model"), str) else None
    declared = _declared(spec)
    approvals = _approvals(spec)
    _servers(ws, compiled, full, declared, approvals)
    return compiled


def compile_scope(ws: Workspace, team: str | None) -> Compiled:
    """The compiled policy of a team (``team``) or of the whole hub (``None``): every tool
    the policy allows, each gated action asked for."""
    if team is not None and ws.team(team) is None:
        known = ", ".join(n[:-5] for n in yaml_files(ws.hub.config.registry_dir / "teams"))
        raise HubError(f"no team named '{team}' in this registry", hint=f"known teams: {known}")
    _, full, required = PolicyMemo(ws).levels(team or "")
    scope = "team" if team else "hub"
    compiled = _base(ws, scope, None, team, f"{scope} guardrails", full, required)
    _servers(ws, compiled, full, None, {})
    return compiled


def _base(
    ws: Workspace,
    scope: str,
    agent: str | None,
    team: str | None,
    source: str,
    full: EffectivePolicy,
    required: EffectivePolicy,
) -> Compiled:
    allow = full.get("models.allow")
    deny = full.get("models.deny", [])
    models = [m for m in allow if m not in deny] if isinstance(allow, list) else None
    calls = required.get("limits.max_tool_calls_per_run")
    cost = required.get("limits.max_cost_usd_per_run")
    return Compiled(
        scope=scope,
        agent=agent,
        team=team,
        source=source,
        models=models,
        max_tool_calls=int(calls) if calls is not None else None,
        max_cost_usd=float(cost) if cost is not None else None,
        telemetry=full.get("telemetry.required") is True,
        commit=ws.hub.commit,
        policy=full.to_dict(),
    )


def _declared(spec: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for entry in spec.get("tools") or []:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            acts = entry.get("actions") or []
            found.setdefault(entry["name"], []).extend(str(a) for a in acts)
    return found


def _approvals(spec: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for approval in spec.get("approvals") or []:
        if isinstance(approval, dict):
            who = [str(a) for a in approval.get("approvers") or []]
            for action in approval.get("actions") or []:
                found[(str(approval.get("tool")), str(action))] = who
    return found


def _servers(
    ws: Workspace,
    compiled: Compiled,
    policy: EffectivePolicy,
    declared: dict[str, list[str]] | None,
    approvals: dict[tuple[str, str], list[str]],
) -> None:
    """Sort every catalog tool into allowed servers (with per-action decisions) or denied."""
    statuses = policy.get("tools.allowed_statuses", list(DEFAULT_ALLOWED_STATUSES))
    denied_by = policy.get("tools.deny", [])
    deny_src = policy.source("tools.deny")
    for name in sorted({*catalog_tools(ws), *(declared or {})}):
        tool = ws.tool(name)
        why = _refusal(name, tool, statuses, denied_by, deny_src, declared)
        mcp = spec_of(tool).get("mcp") if tool is not None else None
        if why is None and not isinstance(mcp, dict):
            assert tool is not None
            compiled.findings.append(f"{tool.path}:{tool.line(('spec',))}: tool '{name}' has no "
                                     "spec.mcp; it cannot be configured and is denied")  # fmt: skip
            why = "no spec.mcp in the catalog"
        if why is not None:
            compiled.denied[name] = why
            if isinstance(mcp, dict):
                compiled.denied_mcp[name] = mcp
            continue
        assert tool is not None and isinstance(mcp, dict)
        known = actions_of(tool)
        wanted = [a for a in (declared[name] if declared is not None else known) if a in known]
        actions = {a: _decision(name, a, known[a], tool, policy, approvals) for a in wanted}
        rest = tuple(a for a in known if a not in actions)
        compiled.servers[name] = Server(name, tool.path, mcp, actions, rest)


def _refusal(
    name: str,
    tool: Loaded | None,
    statuses: list[str],
    denied_by: list[str],
    deny_src: Any,
    declared: dict[str, list[str]] | None,
) -> str | None:
    if tool is None or not tool.ok:
        return "not in the catalog"
    status = spec_of(tool).get("status", "proposed")
    if name in denied_by:
        where = f" ({deny_src.path}:{deny_src.line})" if deny_src else ""
        return f"denied by policy tools.deny{where}"
    if status not in statuses:
        return f"status {status}; policy allows {', '.join(statuses) or 'no status'}"
    if declared is not None and name not in declared:
        return "not declared by the agent"
    return None


def _decision(
    tool_name: str,
    action: str,
    spec: dict[str, Any],
    tool: Loaded,
    policy: EffectivePolicy,
    approvals: dict[tuple[str, str], list[str]],
) -> dict[str, str]:
    """allow, or ask with why (approvals, risk at or above the threshold, destructive)."""
    why = []
    if (tool_name, action) in approvals:
        why.append("spec.approvals (" + ", ".join(approvals[(tool_name, action)]) + ")")
    threshold = policy.get("approval.required_for_risk")
    risk = spec.get("risk", spec_of(tool).get("risk"))
    if threshold in RISKS and risk in RISKS and RISKS.index(risk) >= RISKS.index(threshold):
        why.append(f"risk {risk} (approval.required_for_risk: {threshold})")
    hints = spec.get("annotations")
    hints = hints if isinstance(hints, dict) else {}
    if policy.get("approval.destructive_actions") is True and hints.get("destructiveHint", True):
        why.append("destructive (approval.destructive_actions)")
    if why:
        return {"decision": "ask", "why": "; ".join(why)}
    return {"decision": "allow", "why": "declared by the agent on a vetted tool"}
