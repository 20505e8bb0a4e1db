"""The manifest's pinned actions against a live server's tools: new, changed, removed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubrails.core.mcp.client import LiveTool, Probe
from hubrails.core.mcp.fingerprint import fingerprint, sha256
from hubrails.core.registry.layout import action_name

HINTS = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")


@dataclass(frozen=True, slots=True)
class Change:
    """One action that differs: ``new``, ``changed``, ``removed`` or ``unpinned``."""

    kind: str
    action: str
    old_description: str = ""
    new_description: str = ""
    index: int | None = None  # the action's position in spec.actions, if it has one


def live_fingerprint(tool: LiveTool) -> str:
    """The fingerprint of one live tool."""
    return fingerprint(tool.name, tool.description, tool.input_schema, tool.annotations)


def pins(tool: LiveTool) -> dict[str, Any]:
    """What ``--write`` records for a live tool (besides its name and risk)."""
    found: dict[str, Any] = {}
    if tool.description.strip():
        found["description"] = tool.description
    found["input_schema_sha256"] = sha256(tool.input_schema)
    hints = {k: tool.annotations[k] for k in HINTS if isinstance(tool.annotations.get(k), bool)}
    if hints:
        found["annotations"] = hints
    found["fingerprint"] = live_fingerprint(tool)
    return found


def by_action(probe: Probe) -> dict[str, LiveTool]:
    """The live tools by the action name each becomes."""
    return {action_name(t.name): t for t in probe.tools}


def diff(actions: list[Any], probe: Probe) -> list[Change]:
    """Every difference between ``actions`` (spec.actions) and the live tools."""
    live = by_action(probe)
    changes: list[Change] = []
    seen: set[str] = set()
    for index, action in enumerate(actions):
        if not isinstance(action, dict) or not isinstance(action.get("name"), str):
            continue
        name = action["name"]
        seen.add(name)
        old = str(action.get("description") or "")
        tool = live.get(name)
        if tool is None:
            changes.append(Change("removed", name, old, "", index))
        elif not isinstance(action.get("fingerprint"), str):
            changes.append(Change("unpinned", name, old, tool.description, index))
        elif action["fingerprint"] != live_fingerprint(tool):
            changes.append(Change("changed", name, old, tool.description, index))
    changes += [Change("new", n, "", t.description) for n, t in live.items() if n not in seen]
    return changes


def merged(actions: list[Any], probe: Probe) -> list[dict[str, Any]]:
    """spec.actions as ``--write`` leaves it: the live tools, in the manifest's order, each
    keeping its other keys (risk); new ones appended as ``risk: high``."""
    live = by_action(probe)
    result: list[dict[str, Any]] = []
    for action in actions:
        if isinstance(action, dict) and action.get("name") in live:
            kept = {
                k: v
                for k, v in action.items()
                if k not in ("description", "input_schema_sha256", "annotations", "fingerprint")
            }
            result.append({**kept, **pins(live.pop(action["name"]))})
    for name, tool in live.items():
        result.append({"name": name, "risk": "high", **pins(tool)})
    return result
