"""``hub certify``: run every check on an agent against its effective policy, apply waivers."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from hubrails.core.checks import CHECKS, AgentContext, CheckSpec, Problem, Skip
from hubrails.core.hubsource import Hub
from hubrails.core.policy import EffectivePolicy, Layer, effective
from hubrails.core.waivers import Waiver, load_waivers
from hubrails.core.workspace import Loaded, Workspace

DEFAULT_VALIDITY_DAYS = 90


class Status(StrEnum):
    """The result of one check."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    SKIP = "skip"
    WAIVED = "waived"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's result, with the first problem as its reason and all problems kept."""

    id: str
    title: str
    severity: str
    status: Status
    remediation: str
    reason: str | None = None
    problems: tuple[Problem, ...] = ()
    waiver: Waiver | None = None

    @property
    def where(self) -> Problem | None:
        """The first problem: its file, line and field locate the check's reason."""
        return self.problems[0] if self.problems else None

    def to_dict(self) -> dict[str, Any]:
        """The certificate's form of this result (stable, no free-form extras)."""
        first = self.where
        return {
            "id": self.id,
            "title": self.title,
            "severity": self.severity,
            "status": self.status.value,
            "reason": self.reason,
            "remediation": self.remediation if self.status is not Status.PASS else None,
            "file": first.path if first else None,
            "line": first.line if first else None,
            "field": (first.field or None) if first else None,
        }


@dataclass(frozen=True, slots=True)
class AgentResult:
    """Everything certify found out about one agent."""

    name: str
    team: str
    path: str
    lifecycle: str
    checks: tuple[CheckResult, ...]
    policy: EffectivePolicy
    inputs: tuple[tuple[str, str], ...]
    waivers: tuple[Waiver, ...] = ()

    @property
    def passed(self) -> bool:
        """Every required check passes, is skipped or waived."""
        return not any(c.status is Status.FAIL for c in self.checks)

    def policy_digest(self) -> str:
        """SHA-256 of the effective policy's canonical JSON."""
        return _sha256_json(self.policy.to_dict())

    def inputs_digest(self) -> str:
        """SHA-256 over every input file's digest and the effective policy."""
        return _sha256_json({"inputs": sorted(self.inputs), "policy": self.policy_digest()})


@dataclass(frozen=True, slots=True)
class Certification:
    """The results of one ``hub certify`` run, and the warnings met on the way."""

    hub: Hub
    results: tuple[AgentResult, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> bool:
        """Every agent passed."""
        return all(r.passed for r in self.results)


def _sha256_json(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def certify(
    ws: Workspace,
    agents: list[Loaded],
    *,
    ledger_url: str | None = None,
    today: dt.date | None = None,
) -> Certification:
    """Certify ``agents`` (files of ``ws``'s repository)."""
    today = today or dt.datetime.now(dt.UTC).date()
    waivers, warnings = load_waivers(ws, today)
    warnings = [*ws.hub.warnings, *warnings]
    results = tuple(certify_agent(ws, agent, waivers, ledger_url) for agent in agents)
    return Certification(ws.hub, results, tuple(warnings))


def _meta(agent: Loaded) -> dict[str, Any]:
    meta = agent.data.get("metadata")
    return meta if isinstance(meta, dict) else {}


def layers(ws: Workspace, agent: Loaded) -> list[Layer]:
    """The policy layers that apply to ``agent``: hub, then its team's, then its own."""
    team = _meta(agent).get("team")
    hub_level, team_level = ws.guardrails(team if isinstance(team, str) else "")
    found = []
    for level, docs in (("hub", hub_level), ("team", team_level)):
        for g in docs:
            assert g.doc is not None
            spec = g.data.get("spec")
            required = not (isinstance(spec, dict) and spec.get("enforcement") == "advisory")
            found.append(Layer(level, g.path, g.doc, ("spec", "policy"), required))
    if agent.doc is not None:
        found.append(Layer("agent", agent.path, agent.doc, ("spec", "guardrails", "policy")))
    return found


def policies(ws: Workspace, agent: Loaded) -> tuple[EffectivePolicy, EffectivePolicy, list[Layer]]:
    """(policy with advisory guardrails, policy of required guardrails only, the layers)."""
    found = layers(ws, agent)
    return effective(found), effective([la for la in found if la.required]), found


def context(ws: Workspace, agent: Loaded, ledger_url: str | None) -> AgentContext:
    """Resolve what the agent names: its tools and skills."""
    meta = _meta(agent)
    spec = agent.data.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    ctx = AgentContext(
        ws=ws,
        agent=agent,
        name=str(meta.get("name", "")),
        team=str(meta.get("team", "")),
        spec=spec,
        tools={},
        skills=[],
        schema_problems=[],
        ledger_url=ledger_url,
    )
    ctx.tools = {name: ws.tool(name) for _, name, _ in ctx.tool_uses()}
    items = spec.get("skills")
    for i, ref in enumerate(items if isinstance(items, list) else []):
        if isinstance(ref, dict) and isinstance(ref.get("name"), str):
            ctx.skills.append((i, ref, ws.skill(ref["name"])))
    if agent.doc is not None:
        from hubrails.core.schemas import schema_findings

        ctx.schema_problems = [
            Problem(f.message, f.path, f.line, "")
            for f in schema_findings("Agent", agent.doc, agent.path)
        ]
    return ctx


def run_check(
    spec: CheckSpec, ctx: AgentContext, full: EffectivePolicy, required: EffectivePolicy
) -> CheckResult:
    """Run one check: a problem under the required policy fails; one only under advisory
    guardrails warns."""
    outcome = spec.run(ctx, full)
    if isinstance(outcome, Skip):
        return CheckResult(spec.id, spec.title, spec.severity, Status.SKIP, spec.remediation,
                           outcome.reason)  # fmt: skip
    if not outcome:
        return CheckResult(spec.id, spec.title, spec.severity, Status.PASS, spec.remediation)
    strict = spec.run(ctx, required) if spec.severity == "required" else []
    failing = strict if isinstance(strict, list) and strict else None
    problems = tuple(failing or outcome)
    status = Status.FAIL if failing else Status.WARN
    reason = f"{problems[0].path}:{problems[0].line}: {problems[0].message}"
    if len(problems) > 1:
        reason += f" (and {len(problems) - 1} more)"
    return CheckResult(
        spec.id, spec.title, spec.severity, status, spec.remediation, reason, problems
    )


def certify_agent(
    ws: Workspace, agent: Loaded, waivers: list[Waiver], ledger_url: str | None = None
) -> AgentResult:
    """Every check on one agent, with waivers applied."""
    full, required, _ = policies(ws, agent)
    ctx = context(ws, agent, ledger_url)
    results = []
    used: list[Waiver] = []
    for spec in CHECKS:
        result = run_check(spec, ctx, full, required)
        waiver = next((w for w in waivers if w.applies(ctx.name, ctx.team, spec.id)), None)
        if waiver is not None and result.status in (Status.FAIL, Status.WARN):
            result = CheckResult(
                result.id, result.title, result.severity, Status.WAIVED, result.remediation,
                result.reason, result.problems, waiver,
            )  # fmt: skip
            used.append(waiver)
        results.append(result)
    inputs = {agent.path: agent.sha256}
    hub_level, team_level = ws.guardrails(ctx.team)
    for loaded in [*hub_level, *team_level, *ctx.tools.values(), ws.team(ctx.team), ws.pricing()]:
        if loaded is not None:
            inputs[loaded.path] = loaded.sha256
    for _, _, skill in ctx.skills:
        if skill is not None:
            inputs[skill.path] = skill.sha256
            for path, text in ws.skill_files(skill):
                inputs[path] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    for waiver in used:
        inputs[waiver.path] = waiver.sha256
    return AgentResult(
        name=ctx.name,
        team=ctx.team,
        path=agent.path,
        lifecycle=str(_meta(agent).get("lifecycle", "production")),
        checks=tuple(results),
        policy=full,
        inputs=tuple(sorted(inputs.items())),
        waivers=tuple(used),
    )


def validity_days(result: AgentResult) -> int:
    """How long a certificate for ``result`` stays valid (policy-set, default 90 days)."""
    days = result.policy.get("certificate.validity_days", DEFAULT_VALIDITY_DAYS)
    return int(days)
