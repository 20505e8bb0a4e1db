"""Cross-tool shadowing: a Tool action's description that names another Tool or another
Tool's action ("before any send_email, ...") to steer the model's use of it.

Each description's identifiers are facts of its own file (``Mention`` references, see
``poisoning.mention_refs``); which of them name another tool needs every Tool of the registry,
so this is a cross-file rule, and a focused run (which loads every Tool asset) reports what
the whole run reports.
"""

from __future__ import annotations

from collections.abc import Mapping

from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.asset_index import Index
from hubrails.core.validate.reports import FileReport, finding_at

MENTION = "Mention"


def shadowing(reports: list[FileReport], index: Index) -> list[Finding]:
    """A warning for each Tool action description naming another Tool or its action."""
    tools = index.by_kind.get("Tool", {})
    actions: dict[str, set[str]] = {}
    for name, entries in tools.items():
        for _, asset in entries:
            for action in asset.provides:
                actions.setdefault(action, set()).add(name)
    findings: list[Finding] = []
    for report in reports:
        own = report.asset
        if own is None or own.kind != "Tool":
            continue
        for ref in report.refs:
            if ref.kind != MENTION:
                continue
            named = _named(ref.name, own.name, set(own.provides), tools, actions)
            if named:
                findings.append(
                    finding_at(
                        "mcp-cross-tool-shadowing",
                        Severity.WARNING,
                        report.path,
                        ref,
                        f"the description of action '{ref.actions[0]}' names {named}",
                        "a description that steers how the model uses other tools is how a "
                        "poisoned server hijacks them; describe this tool only",
                    )
                )
    return findings


def _named(
    name: str,
    own: str,
    own_actions: set[str],
    tools: Mapping[str, object],
    actions: dict[str, set[str]],
) -> str:
    if name != own and name in tools:
        return f"another tool, '{name}'"
    others = sorted(actions.get(name, set()) - {own})
    if others and name not in own_actions:
        return f"the action '{name}' of tool {', '.join(repr(t) for t in others)}"
    return ""
