"""What the registry declares that a review holds the evidence against: each agent's tools and
actions (``spec.tools``), the catalog's tool statuses, certificates and waivers; read from the
catalog snapshot, so 1,000 agents cost no manifest parse."""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubrails.core.registry.config import HubConfig

VETTED = "vetted"


@dataclass(frozen=True, slots=True)
class AgentFacts:
    """One agent as its manifest declares it."""

    team: str
    name: str
    path: str
    tools: dict[str, frozenset[str]] = field(default_factory=dict)  # tool -> actions (∅: all)


@dataclass(frozen=True, slots=True)
class RegistryFacts:
    """The agents, and each catalog tool's status (``None``: no status given)."""

    root: Path
    agents: dict[tuple[str, str], AgentFacts]
    statuses: dict[str, str | None]
    teams: dict[str, str] = field(default_factory=dict)  # team -> its manifest

    def contradictions(self, facts: AgentFacts, kind: str, subject: str) -> tuple[str, str] | None:
        """(code, why) when evidence of ``kind``/``subject`` contradicts ``facts``."""
        if kind == "mcp_server":
            if subject not in self.statuses:
                return "unknown-mcp-server", f"MCP server '{subject}' is no Tool in the catalog"
            if subject not in facts.tools:
                return "undeclared-mcp-server", (
                    f"MCP server '{subject}' is not in the agent's spec.tools"
                )
            status = self.statuses[subject]
            if status != VETTED:
                return "unvetted-tool", f"tool '{subject}' has catalog status {status or 'none'}"
        elif kind == "mcp_action":
            server, _, action = subject.partition("/")
            actions = facts.tools.get(server)
            if actions and action not in actions:
                return "undeclared-mcp-action", (
                    f"action '{action}' of '{server}' is not in the agent's spec.tools actions"
                )
        return None


def registry_facts(config: HubConfig, hub: HubConfig | None = None) -> RegistryFacts:
    """The facts of ``config``'s registry (and its hub's catalog, for a spoke)."""
    from hubrails.core.catalog.snapshot import load

    snapshot = load(config)
    statuses: dict[str, str | None] = {}
    for repo in [hub] if hub is not None and hub.root != config.root else []:
        for entry in load(repo).entries:
            if entry.asset.kind == "Tool":
                statuses[entry.asset.name] = entry.asset.status
    agents: dict[tuple[str, str], AgentFacts] = {}
    teams: dict[str, str] = {}
    for entry in snapshot.entries:
        asset = entry.asset
        if asset.kind == "Team":
            teams[asset.name] = entry.path
        elif asset.kind == "Tool":
            statuses[asset.name] = asset.status
        elif asset.kind == "Agent" and asset.team:
            agents[asset.team, asset.name] = AgentFacts(asset.team, asset.name, entry.path)
    for edge in snapshot.edges:
        if not edge.startswith("Tool/"):
            continue
        tool = edge.removeprefix("Tool/")
        for use in snapshot.users("Tool", tool):
            a = use.entry.asset
            found = agents.get((a.team or "", a.name)) if a.kind == "Agent" else None
            if found is not None:
                found.tools[tool] = frozenset(use.actions)
    return RegistryFacts(config.root, agents, statuses, teams)


def certificate(root: Path, team: str, agent: str) -> dict[str, Any] | None:
    """The predicate of ``certificates/TEAM/AGENT.json`` (a DSSE envelope's payload too), or
    ``None`` when there is none or it cannot be read."""
    from hubrails.core.certify.signatures import MAX_BYTES
    from hubrails.core.registry.safefile import read_bytes
    from hubrails.core.signing.envelope import is_envelope
    from hubrails.errors import LoadError

    try:
        raw = read_bytes(root / "certificates" / team / f"{agent}.json", root, MAX_BYTES)
        data = json.loads(raw)
        if is_envelope(data) and isinstance(data.get("payload"), str):
            data = json.loads(base64.b64decode(data["payload"]))
    except (LoadError, ValueError, TypeError, RecursionError):
        return None
    predicate = data.get("predicate") if isinstance(data, dict) else None
    return predicate if isinstance(predicate, dict) else None


def certified(root: Path, team: str, agent: str, now: dt.datetime) -> bool:
    """Whether the agent holds a passing certificate that has not expired."""
    predicate = certificate(root, team, agent)
    if predicate is None or predicate.get("verdict") != "pass":
        return False
    expires = predicate.get("expires_at")
    try:
        end = dt.datetime.fromisoformat(str(expires).replace("Z", "+00:00"))
    except ValueError:
        return False
    return end > now


def telemetry_declared(root: Path, path: str) -> bool:
    """Whether the agent's manifest sets ``spec.telemetry.enabled: true``."""
    from hubrails.core.registry.safefile import load
    from hubrails.errors import LoadError

    try:
        data = load(root / path, root).data
    except (LoadError, OSError):  # an unreadable manifest declares nothing
        return False
    spec = data.get("spec")
    telemetry = spec.get("telemetry") if isinstance(spec, dict) else None
    return isinstance(telemetry, dict) and telemetry.get("enabled") is True
