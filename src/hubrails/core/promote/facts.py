"""Facts a promotion reports: the tools a skill needs, the agents that use it and their
certification, and the platform team that will own it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from hubrails.core.promote.outcome import AgentUse, ToolUse
from hubrails.core.registry import safeyaml
from hubrails.core.validate.reports import FileReport

Reader = Callable[[Iterable[str]], dict[str, bytes | None]]


def _parse(data: bytes | None) -> dict[str, Any]:
    try:
        return safeyaml.parse(safeyaml.decode(data)).data if data is not None else {}
    except safeyaml.LoadError:
        return {}


def _spec(data: dict[str, Any]) -> dict[str, Any]:
    spec = data.get("spec")
    return spec if isinstance(spec, dict) else {}


def platform_team(teams: Iterable[bytes | None]) -> tuple[str, tuple[str, ...]] | None:
    """The platform team's name and owners among the Team manifests ``teams``, or ``None``."""
    for data in teams:
        team = _parse(data)
        spec, meta = _spec(team), team.get("metadata")
        if spec.get("platform") is True and isinstance(meta, dict):
            owners = spec.get("owners") or []
            return str(meta.get("name")), tuple(o for o in owners if isinstance(o, str))
    return None


def tool_uses(skill: dict[str, Any], reports: Iterable[FileReport], read: Reader) -> list[ToolUse]:
    """Each tool in the skill's ``spec.tools``, with the hub catalog's status and risk."""
    catalog = {
        r.asset.name: r.path for r in reports if r.asset is not None and r.asset.kind == "Tool"
    }
    items = [
        i
        for i in _spec(skill).get("tools") or []
        if isinstance(i, dict) and isinstance(i.get("name"), str)
    ]
    manifests = read(catalog[i["name"]] for i in items if i["name"] in catalog)
    uses = []
    for item in items:
        name = item["name"]
        tool = _spec(_parse(manifests.get(catalog.get(name, ""))))
        risks = {
            a.get("name"): a.get("risk", "?")
            for a in tool.get("actions") or []
            if isinstance(a, dict)
        }
        actions = tuple((a, str(risks.get(a, "?"))) for a in item.get("actions") or [])
        uses.append(
            ToolUse(
                name=name,
                version=str(item.get("version", "*")),
                status=str(tool.get("status", "missing")),
                risk=str(tool.get("risk", "unknown")),
                actions=actions,
            )
        )
    return uses


def agent_uses(
    skill: str, agents: Iterable[tuple[str, bytes]], certificates: Reader
) -> list[AgentUse]:
    """The agents among ``agents`` (path, bytes) whose ``spec.skills`` name ``skill``, with
    their certificates (read as ``certificates/TEAM/AGENT.json``)."""
    users = []
    for path, data in agents:
        doc = _parse(data)
        names = {s.get("name") for s in _spec(doc).get("skills") or [] if isinstance(s, dict)}
        meta = doc.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        name, team = meta.get("name"), meta.get("team")
        if skill in names and isinstance(name, str) and isinstance(team, str):
            users.append((path, data, name, team, f"certificates/{team}/{name}.json"))
    found = certificates(u[4] for u in users)
    uses = [
        AgentUse(name, team, path, certification(found.get(cert), data))
        for path, data, name, team, cert in users
    ]
    return sorted(uses, key=lambda a: (a.team, a.name))


def certification(certificate: bytes | None, agent: bytes) -> str:
    """A one-phrase certification status from ``certificates/TEAM/AGENT.json``."""
    if certificate is None:
        return "not certified"
    try:
        predicate = json.loads(certificate)["predicate"]
        digests = {s["digest"]["sha256"] for s in json.loads(certificate)["subject"]}
        verdict, issued = predicate["verdict"], str(predicate["issued_at"])
        expires = datetime.fromisoformat(str(predicate["expires_at"]).replace("Z", "+00:00"))
        expires = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
    except (ValueError, KeyError, TypeError, RecursionError):  # RecursionError: "[[[[..."
        return "unreadable certificate"
    if hashlib.sha256(agent).hexdigest() not in digests:
        return "stale certificate (the agent changed since)"
    if verdict != "pass":
        return "certification failed"
    if expires < datetime.now(UTC):
        return f"certificate expired on {expires.date().isoformat()}"
    return f"certified ({issued[:10]})"
