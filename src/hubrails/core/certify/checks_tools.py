"""Checks on what the agent uses: catalog tools, their actions and data, approvals, skills."""

from __future__ import annotations

from typing import Any

from hubrails.core.certify.agent_files import Loaded
from hubrails.core.certify.check_context import (
    CLASSES,
    DEFAULT_ALLOWED_STATUSES,
    AgentContext,
    Outcome,
    Problem,
    actions_of,
    named_items,
    rank_of,
    spec_of,
    version_of,
)
from hubrails.core.certify.policy import RISKS, EffectivePolicy
from hubrails.core.registry.document import Pointer
from hubrails.core.registry.versions import matches


def check_tools_vetted(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """Every tool resolves, has an allowed status, is not denied and is in the declared range."""
    allowed = policy.get("tools.allowed_statuses", list(DEFAULT_ALLOWED_STATUSES))
    denied = policy.get("tools.deny", [])
    problems = []
    for i, name, entry in ctx.tool_uses():
        at: Pointer = ("spec", "tools", i, "name")
        tool = ctx.tools.get(name)
        if tool is None or not tool.ok:
            problems.append(ctx.at(at, f"tool '{name}' is not in the catalog"))
            continue
        status = spec_of(tool).get("status", "proposed")
        if status not in allowed:
            where = f"{tool.path}:{tool.line(('spec', 'status'))}"
            fix = (
                f"once the platform team has vetted it, set 'status: vetted' at {where}"
                if status == "proposed" and "vetted" in allowed
                else f"use a tool whose status is {' or '.join(allowed)}"
                if allowed
                else "the tools.allowed_statuses lists of the guardrails have no status in common"
            )
            shown = ", ".join(allowed) or "no status"
            problems.append(ctx.at(at, f"tool '{name}' is {status}; policy allows {shown}: {fix}"))
        if name in denied:
            problems.append(ctx.at(at, f"tool '{name}' is denied by policy (tools.deny)"))
        problems += _outside_range(ctx, ("spec", "tools", i), "tool", entry, tool)
    return problems


def _outside_range(
    ctx: AgentContext, at: Pointer, kind: str, ref: dict[str, Any], target: Loaded
) -> list[Problem]:
    """A problem when ``target``'s version is outside the range that ``ref`` asks for."""
    wanted, version = ref.get("version"), version_of(target)
    if not isinstance(wanted, str) or matches(wanted, version) is True:
        return []
    message = f"{kind} '{ref.get('name')}' is at {version or 'no version'}, outside '{wanted}'"
    return [ctx.at((*at, "version"), message)]


def check_tool_actions(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """Every action the agent uses exists on its tool."""
    problems = []
    for i, name, entry in ctx.tool_uses():
        tool = ctx.tools.get(name)
        if tool is None:
            continue  # reported by tools-vetted
        known = actions_of(tool)
        for j, action in named_items(entry.get("actions")):
            if action not in known:
                problems.append(
                    ctx.at(
                        ("spec", "tools", i, "actions", j),
                        f"tool '{name}' has no action '{action}'",
                    )
                )
    return problems


def check_data(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """Tools stay within the agent's data classification, and the agent within the policy's."""
    declared = ctx.spec.get("data_classification")
    ceiling = rank_of(CLASSES, declared)
    if ceiling is None:
        return [ctx.at(("spec", "data_classification"), "the agent declares no data class")]
    problems = []
    limit = policy.get("data.max_classification")
    if limit in CLASSES and ceiling > CLASSES.index(limit):
        src = policy.source("data.max_classification")
        where = f" ({src.path}:{src.line})" if src else ""
        problems.append(
            ctx.at(
                ("spec", "data_classification"),
                f"the agent declares {declared}, above the policy's maximum {limit}{where}",
            )
        )
    for i, name, _ in ctx.tool_uses():
        tool_class = spec_of(ctx.tools.get(name)).get("data_classification")
        rank = rank_of(CLASSES, tool_class)
        if rank is not None and rank > ceiling:
            tool = ctx.tools.get(name)
            line = ctx.agent.line(("spec", "data_classification"))
            lower = (
                f", or lower 'data_classification' at {tool.path}:"
                f"{tool.line(('spec', 'data_classification'))} if the tool handles less"
                if tool is not None
                else ""
            )
            problems.append(
                ctx.at(
                    ("spec", "tools", i, "name"),
                    f"tool '{name}' handles {tool_class} data, above the agent's {declared}: "
                    f"set 'data_classification: {tool_class}' at {ctx.agent.path}:{line}{lower}",
                )
            )
    return problems


def check_approvals(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """Every high-stakes action the agent uses is gated by a human approval."""
    threshold = rank_of(RISKS, policy.get("approval.required_for_risk"))
    destructive = policy.get("approval.destructive_actions") is True
    gated: set[tuple[str, str]] = set()
    approvals = ctx.spec.get("approvals")
    for approval in approvals if isinstance(approvals, list) else []:
        if isinstance(approval, dict):
            gated_tool = str(approval.get("tool"))
            gated.update((gated_tool, a) for _, a in named_items(approval.get("actions")))
    problems = []
    for i, name, entry in ctx.tool_uses():
        tool = ctx.tools.get(name)
        known = actions_of(tool)
        for j, action in named_items(entry.get("actions")):
            if action not in known or (name, action) in gated:
                continue
            spec = known[action]
            risk = spec.get("risk", spec_of(tool).get("risk"))
            hints = spec.get("annotations")
            hints = hints if isinstance(hints, dict) else {}
            why = []
            rank = rank_of(RISKS, risk)
            if threshold is not None and rank is not None and rank >= threshold:
                why.append(f"risk {risk}")
            if destructive and hints.get("destructiveHint", True) is not False:
                why.append("destructive")
            if why:
                problems.append(
                    ctx.at(
                        ("spec", "tools", i, "actions", j),
                        f"'{name}.{action}' ({', '.join(why)}) has no human approval "
                        "in spec.approvals",
                    )
                )
    return problems


def check_skills(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """Every skill resolves, and the tools (and actions) it needs are among the agent's."""
    uses = {
        name: {a for _, a in named_items(entry.get("actions"))}
        for _, name, entry in ctx.tool_uses()
    }
    problems = []
    for i, ref, skill in ctx.skills:
        name = ref.get("name")
        if skill is None or not skill.ok:
            problems.append(ctx.at(("spec", "skills", i, "name"), f"no skill named '{name}'"))
            continue
        problems += _outside_range(ctx, ("spec", "skills", i), "skill", ref, skill)
        needs = spec_of(skill).get("tools")
        for j, need in enumerate(needs if isinstance(needs, list) else []):
            if not isinstance(need, dict) or not isinstance(need.get("name"), str):
                continue
            tool = need["name"]
            needed = named_items(need.get("actions"))
            missing = [a for _, a in needed if a not in uses.get(tool, set())]
            if tool not in uses or missing:
                what = f"tool '{tool}'" if tool not in uses else f"'{tool}' actions {missing}"
                problems.append(
                    ctx.at(
                        ("spec", "skills", i, "name"),
                        f"skill '{name}' needs {what}, which the agent does not list "
                        f"(needed at {skill.path}:{skill.line(('spec', 'tools', j))})",
                    )
                )
    return problems
