"""The quality bar: one function per check, each returning the problems it finds.

Check ids are stable (certificates and waivers name them); ``docs/checks.md`` documents each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hubrails.core.policy import RISKS, EffectivePolicy
from hubrails.core.references import matches
from hubrails.core.safeyaml import Pointer, dotted
from hubrails.core.secrets import find_secrets
from hubrails.core.workspace import Loaded, Workspace

CLASSES = ("public", "internal", "confidential", "restricted")
DEFAULT_ALLOWED_STATUSES = ("vetted",)


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong, where: file, line and the field (dotted)."""

    message: str
    path: str
    line: int
    field: str


@dataclass(frozen=True, slots=True)
class Skip:
    """The check could not run, and why."""

    reason: str


@dataclass
class AgentContext:
    """An agent and everything it resolves to, loaded once for all checks."""

    ws: Workspace
    agent: Loaded
    name: str
    team: str
    spec: dict[str, Any]
    tools: dict[str, Loaded | None]
    skills: list[tuple[int, dict[str, Any], Loaded | None]]
    schema_problems: list[Problem]
    ledger_url: str | None = None

    def at(self, pointer: Pointer, message: str, loaded: Loaded | None = None) -> Problem:
        """A problem at ``pointer`` in the agent (or in ``loaded``)."""
        target = loaded or self.agent
        line = target.doc.mark(pointer)[0] if target.doc is not None else 1
        return Problem(message, target.path, line, dotted(pointer))

    def tool_uses(self) -> list[tuple[int, str, dict[str, Any]]]:
        """(index, name, entry) of every well-formed ``spec.tools`` entry."""
        items = self.spec.get("tools")
        return [
            (i, t["name"], t)
            for i, t in enumerate(items if isinstance(items, list) else [])
            if isinstance(t, dict) and isinstance(t.get("name"), str)
        ]


Outcome = list[Problem] | Skip
CheckFunction = Callable[[AgentContext, EffectivePolicy], Outcome]


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """A check's identity and how to run it."""

    id: str
    title: str
    severity: str  # required | advisory
    remediation: str
    run: CheckFunction


def _spec_of(loaded: Loaded | None) -> dict[str, Any]:
    spec = loaded.data.get("spec") if loaded is not None else None
    return spec if isinstance(spec, dict) else {}


def _version_of(loaded: Loaded) -> str:
    meta = loaded.data.get("metadata")
    version = meta.get("version") if isinstance(meta, dict) else None
    return version if isinstance(version, str) else ""


def check_manifest(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """The agent manifest loads and matches its schema."""
    if ctx.agent.doc is None:
        return [Problem(ctx.agent.error or "cannot load", ctx.agent.path, 1, "")]
    return list(ctx.schema_problems)


def check_tools_vetted(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """Every tool resolves, has an allowed status, is not denied and is in the declared range."""
    allowed = policy.get("tools.allowed_statuses", list(DEFAULT_ALLOWED_STATUSES))
    denied = policy.get("tools.deny", [])
    problems = []
    for i, name, entry in ctx.tool_uses():
        at: Pointer = ("spec", "tools", i, "name")
        tool = ctx.tools.get(name)
        if tool is None or tool.doc is None:
            problems.append(ctx.at(at, f"tool '{name}' is not in the catalog"))
            continue
        status = _spec_of(tool).get("status", "proposed")
        if status not in allowed:
            problems.append(
                ctx.at(at, f"tool '{name}' is {status}; policy allows {', '.join(allowed)}")
            )
        if name in denied:
            problems.append(ctx.at(at, f"tool '{name}' is denied by policy (tools.deny)"))
        wanted, version = entry.get("version"), _version_of(tool)
        if isinstance(wanted, str) and matches(wanted, version) is not True:
            problems.append(
                ctx.at(
                    ("spec", "tools", i, "version"),
                    f"tool '{name}' is at {version or 'no version'}, outside '{wanted}'",
                )
            )
    return problems


def _actions(tool: Loaded | None) -> dict[str, dict[str, Any]]:
    items = _spec_of(tool).get("actions")
    return {
        a["name"]: a
        for a in (items if isinstance(items, list) else [])
        if isinstance(a, dict) and isinstance(a.get("name"), str)
    }


def check_tool_actions(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """Every action the agent uses exists on its tool."""
    problems = []
    for i, name, entry in ctx.tool_uses():
        tool = ctx.tools.get(name)
        if tool is None:
            continue  # reported by tools-vetted
        known = _actions(tool)
        for j, action in enumerate(entry.get("actions") or []):
            if action not in known:
                problems.append(
                    ctx.at(
                        ("spec", "tools", i, "actions", j),
                        f"tool '{name}' has no action '{action}'",
                    )
                )
    return problems


def _rank(order: tuple[str, ...], value: Any) -> int | None:
    return order.index(value) if value in order else None


def check_data(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """Tools stay within the agent's data classification, and the agent within the policy's."""
    declared = ctx.spec.get("data_classification")
    ceiling = _rank(CLASSES, declared)
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
        tool_class = _spec_of(ctx.tools.get(name)).get("data_classification")
        rank = _rank(CLASSES, tool_class)
        if rank is not None and rank > ceiling:
            problems.append(
                ctx.at(
                    ("spec", "tools", i, "name"),
                    f"tool '{name}' handles {tool_class} data, above the agent's {declared}",
                )
            )
    return problems


def check_logging(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """Logging is enabled when required and keeps logs at least as long as the policy says."""
    logging = ctx.spec.get("logging")
    logging = logging if isinstance(logging, dict) else {}
    problems = []
    if policy.get("logging.required") and logging.get("enabled") is not True:
        problems.append(ctx.at(("spec", "logging", "enabled"), "logging is not enabled"))
    minimum = policy.get("logging.min_retention_days")
    kept = logging.get("retention_days")
    if isinstance(minimum, int) and (not isinstance(kept, int) or kept < minimum):
        src = policy.source("logging.min_retention_days")
        where = f" ({src.path}:{src.line})" if src else ""
        problems.append(
            ctx.at(
                ("spec", "logging", "retention_days"),
                f"logs are kept {kept if isinstance(kept, int) else 'an unknown number of'} days; "
                f"the policy requires at least {minimum}{where}",
            )
        )
    return problems


def check_approvals(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """Every high-stakes action the agent uses is gated by a human approval."""
    threshold = _rank(RISKS, policy.get("approval.required_for_risk"))
    destructive = policy.get("approval.destructive_actions") is True
    gated: set[tuple[str, str]] = set()
    for approval in ctx.spec.get("approvals") or []:
        if isinstance(approval, dict):
            gated_tool = str(approval.get("tool"))
            gated.update((gated_tool, str(a)) for a in approval.get("actions") or [])
    problems = []
    for i, name, entry in ctx.tool_uses():
        tool = ctx.tools.get(name)
        known = _actions(tool)
        for j, action in enumerate(entry.get("actions") or []):
            if action not in known or (name, action) in gated:
                continue
            spec = known[action]
            risk = spec.get("risk", _spec_of(tool).get("risk"))
            hints = spec.get("annotations")
            hints = hints if isinstance(hints, dict) else {}
            why = []
            rank = _rank(RISKS, risk)
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


def check_telemetry(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """Telemetry is declared and enabled when the policy requires it."""
    telemetry = ctx.spec.get("telemetry")
    enabled = isinstance(telemetry, dict) and telemetry.get("enabled") is True
    if policy.get("telemetry.required") and not enabled:
        return [ctx.at(("spec", "telemetry", "enabled"), "telemetry is not enabled")]
    return []


def ledger_records_seen(store_url: str, team: str, agent: str, window_days: int) -> int | None:
    """How many ledger records the agent has within the window; ``None`` when the store at
    ``store_url`` cannot be read. The ledger store is built separately (issue 4); until this hook
    is wired to it, no store is readable from here."""
    return None


def check_ledger(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """Where a ledger store is configured and reachable, the agent has recent records."""
    if not ctx.ledger_url:
        return Skip("no ledger configured")
    window = policy.get("telemetry.ledger_window_days", 30)
    seen = ledger_records_seen(ctx.ledger_url, ctx.team, ctx.name, window)
    if seen is None:
        return Skip(f"the ledger at {ctx.ledger_url} is not reachable")
    if seen == 0:
        return [ctx.at(("metadata", "name"), f"no ledger records in the last {window} days")]
    return []


def check_guardrails(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """No team or agent policy loosens the policy above it."""
    return [
        Problem(loose.message(), loose.source.path, loose.source.line, loose.field)
        for loose in policy.loosenings
    ]


def check_skills(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """Every skill resolves, and the tools (and actions) it needs are among the agent's."""
    uses = {name: set(entry.get("actions") or []) for _, name, entry in ctx.tool_uses()}
    problems = []
    for i, ref, skill in ctx.skills:
        name, wanted = ref.get("name"), ref.get("version")
        if skill is None or skill.doc is None:
            problems.append(ctx.at(("spec", "skills", i, "name"), f"no skill named '{name}'"))
            continue
        version = _version_of(skill)
        if isinstance(wanted, str) and matches(wanted, version) is not True:
            problems.append(
                ctx.at(
                    ("spec", "skills", i, "version"),
                    f"skill '{name}' is at {version or 'no version'}, outside '{wanted}'",
                )
            )
        needs = _spec_of(skill).get("tools")
        for j, need in enumerate(needs if isinstance(needs, list) else []):
            if not isinstance(need, dict) or not isinstance(need.get("name"), str):
                continue
            tool = need["name"]
            missing = [a for a in need.get("actions") or [] if a not in uses.get(tool, set())]
            if tool not in uses or missing:
                what = f"tool '{tool}'" if tool not in uses else f"'{tool}' actions {missing}"
                problems.append(
                    ctx.at(
                        ("spec", "skills", i, "name"),
                        f"skill '{name}' needs {what}, which the agent does not list "
                        f"(needed at {skill.path}:{skill.doc.mark(('spec', 'tools', j))[0]})",
                    )
                )
    return problems


def check_model(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """The model is allowed by policy and priced in the pricing table."""
    model = ctx.spec.get("model")
    if not isinstance(model, str):
        return [ctx.at(("spec", "model"), "the agent names no model")]
    names = {model}
    priced = False
    models = _spec_of(ctx.ws.pricing()).get("models")
    for entry in models if isinstance(models, list) else []:
        if not isinstance(entry, dict):
            continue
        known = {entry.get("id"), *(entry.get("aliases") or [])}
        if model in known:
            priced = True
            names |= {n for n in known if isinstance(n, str)}
    problems = []
    if not priced:
        problems.append(ctx.at(("spec", "model"), f"model '{model}' is not in the pricing table"))
    allow = policy.get("models.allow")
    if allow is not None and not names & set(allow):
        problems.append(ctx.at(("spec", "model"), f"model '{model}' is not in models.allow"))
    if names & set(policy.get("models.deny", [])):
        problems.append(ctx.at(("spec", "model"), f"model '{model}' is denied (models.deny)"))
    return problems


def check_owner(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """The owning team exists and names its owners."""
    team = ctx.ws.team(ctx.team) if ctx.team else None
    if team is None or team.doc is None:
        return [ctx.at(("metadata", "team"), f"no team named '{ctx.team}'")]
    owners = _spec_of(team).get("owners")
    if not isinstance(owners, list) or not owners:
        return [ctx.at(("spec", "owners"), f"team '{ctx.team}' names no owners", team)]
    return []


def check_secrets(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """No credentials in the agent's manifest or in its skills' files."""
    files = [(ctx.agent.path, ctx.agent.text)]
    for _, _, skill in ctx.skills:
        if skill is not None:
            files += [(skill.path, skill.text), *ctx.ws.skill_files(skill)]
    return [
        Problem(f"looks like a secret: {hit.kind}", path, hit.line, "")
        for path, text in files
        for hit in find_secrets(text)
    ]


CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec(
        "manifest-valid",
        "Agent manifest is valid",
        "required",
        "fix the manifest; 'hub validate' shows every problem with a hint",
        check_manifest,
    ),
    CheckSpec(
        "tools-vetted",
        "Only vetted tools, within the declared version ranges",
        "required",
        "use a vetted catalog tool at a version the range allows, or ask the platform team "
        "to vet it",
        check_tools_vetted,
    ),
    CheckSpec(
        "tool-actions",
        "Only tool actions that exist",
        "required",
        "use the action names the tool's manifest declares under spec.actions",
        check_tool_actions,
    ),
    CheckSpec(
        "data-classification",
        "Data within the agent's classification ceiling",
        "required",
        "drop the tool, or raise the agent's data_classification within the policy's maximum",
        check_data,
    ),
    CheckSpec(
        "logging",
        "Logging enabled and meeting the minimum retention",
        "required",
        "set spec.logging.enabled: true and retention_days to at least the policy's minimum",
        check_logging,
    ),
    CheckSpec(
        "approvals",
        "High-stakes actions gated by a human approval",
        "required",
        "add the action to spec.approvals with its approvers, or stop using it",
        check_approvals,
    ),
    CheckSpec(
        "telemetry",
        "Telemetry declared",
        "required",
        "set spec.telemetry.enabled: true with an exporter and endpoint",
        check_telemetry,
    ),
    CheckSpec(
        "ledger-records",
        "Runs recorded in the cost ledger",
        "advisory",
        "check that the agent's telemetry reaches the ledger ('hub ledger ingest')",
        check_ledger,
    ),
    CheckSpec(
        "guardrails-not-loosened",
        "Guardrails not loosened",
        "required",
        "remove the looser value, or ask the platform team to change the hub guardrail",
        check_guardrails,
    ),
    CheckSpec(
        "skills-resolve",
        "Skills resolve, and their tools are among the agent's",
        "required",
        "fix the skill name or range, and list every tool and action the skill needs",
        check_skills,
    ),
    CheckSpec(
        "model-allowed",
        "Model allowed by policy and priced",
        "required",
        "use a model from models.allow that has an entry in pricing.yaml",
        check_model,
    ),
    CheckSpec(
        "owner-team",
        "Owner team exists and has owners",
        "required",
        "set metadata.team to a team in registry/teams/ that lists spec.owners",
        check_owner,
    ),
    CheckSpec(
        "no-secrets",
        "No secrets in manifests or skill files",
        "required",
        "remove the secret, rotate it, and reference it from a secret store instead",
        check_secrets,
    ),
)
CHECK_IDS = tuple(spec.id for spec in CHECKS)
