"""``hub certify``: run every check on an agent against its effective policy, apply waivers."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from hubrails.core.certify.agent_files import Loaded, Workspace
from hubrails.core.certify.agent_findings import Analysed, OwnFindings
from hubrails.core.certify.agent_policy import PolicyMemo, meta_of
from hubrails.core.certify.check_context import AgentContext, CheckSpec, Problem, Skip
from hubrails.core.certify.checks import CHECKS
from hubrails.core.certify.parsed_cache import Parsed
from hubrails.core.certify.policy import BUILT_IN, EffectivePolicy
from hubrails.core.certify.results import AgentResult, Certification, CheckResult, Status
from hubrails.core.certify.waivers import Waiver, load_waivers

DEFAULT_VALIDITY_DAYS: int = BUILT_IN["certificate.validity_days"]
MAX_VALIDITY_DAYS = 36_500  # a hundred years: a longer validity is this one
INDEX_THRESHOLD = 50  # from this many agents on, loading the index and parse caches pays off
PARALLEL_THRESHOLD = 200  # from this many agents on, forking workers pays off
CHUNKS_PER_WORKER = 4  # smaller parts keep both workers busy to the end
T = TypeVar("T")


def certify(
    ws: Workspace,
    agents: list[str],
    *,
    ledger_url: str | None = None,
    today: dt.date | None = None,
    hub_state: bool = False,
) -> Certification:
    """Certify ``agents`` (paths relative to the registry folder of ``ws``'s repository);
    ``hub_state`` asks git for the hub's commit meanwhile (it is recorded, not checked)."""
    run, _ = certify_then(ws, agents, _nothing, ledger_url=ledger_url, today=today,
                          hub_state=hub_state)  # fmt: skip
    return run


def certify_then(
    ws: Workspace,
    agents: list[str],
    then: Callable[[AgentResult], T],
    *,
    ledger_url: str | None = None,
    today: dt.date | None = None,
    hub_state: bool = False,
) -> tuple[Certification, list[T]]:
    """:func:`certify`, and ``then`` of each result (in order), done in the process that made
    the result: with many agents, in the forked workers (``--verify`` compares certificates
    there)."""
    today = today or dt.datetime.now(dt.UTC).date()
    waivers, warnings = load_waivers(ws, today)
    warnings = [*ws.hub.warnings, *warnings]
    own = OwnFindings(ws.config, use_index=len(agents) > INDEX_THRESHOLD)
    job = _Job(ws, waivers, ledger_url, own, then, hub_state)
    done = _in_parallel(job, agents) if len(agents) >= PARALLEL_THRESHOLD else job(agents)
    if hub_state:
        _ = ws.hub.state
    own.save()
    if ws.docs is not None:
        ws.docs.save()
    results, followed = [r for r, _ in done], [f for _, f in done]
    return Certification(ws.hub, tuple(results), tuple(warnings)), followed


def _nothing(_: AgentResult) -> None:
    return None


@dataclass(frozen=True, slots=True)
class _Job(Generic[T]):
    ws: Workspace
    waivers: list[Waiver]
    ledger_url: str | None
    own: OwnFindings
    then: Callable[[AgentResult], T]
    hub_state: bool = False

    def __call__(self, agents: list[str]) -> list[tuple[AgentResult, T]]:
        memo, ws, done = PolicyMemo(self.ws), self.ws, []
        for a in agents:
            result = certify_agent(ws, ws.agent(a), self.waivers, self.ledger_url, memo, self.own)
            done.append((result, self.then(result)))
        return done


_Added = tuple[list[Analysed], list[Parsed]]


def _run_forked(job: _Job[T], agents: list[str]) -> tuple[list[tuple[AgentResult, T]], _Added]:
    done = job(agents)
    reports, job.own.added = job.own.added, []  # each part sends only what it added
    docs: list[Parsed] = []
    if job.ws.docs is not None:
        docs, job.ws.docs.added = job.ws.docs.added, []
    return done, (reports, docs)  # the parent keeps what the worker analysed


def _in_parallel(job: _Job[T], agents: list[str]) -> list[tuple[AgentResult, T]]:
    """Split the agents over forked workers, one per core (the workspace is inherited)."""
    from hubrails.core import parallel

    workers = min(parallel.cores(), 8)
    if workers < 2:
        return job(agents)
    size = -(-len(agents) // (workers * CHUNKS_PER_WORKER))
    chunks = [agents[i : i + size] for i in range(0, len(agents), size)]
    done: list[tuple[AgentResult, T]] = []
    with parallel.Pool(_run_forked, job, workers, fork=True) as pool:
        parts = pool.imap(iter(chunks))
        if job.hub_state:  # git works while the workers do (the parent would only wait)
            _ = job.ws.hub.state
        for part, (reports, docs) in parts:
            done += part
            job.own.keep(reports)
            if job.ws.docs is not None:
                job.ws.docs.keep(docs)
    return done


def context(
    ws: Workspace, agent: Loaded, ledger_url: str | None, own: OwnFindings | None = None
) -> AgentContext:
    """Resolve what the agent names: its tools and skills."""
    meta = meta_of(agent)
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
    if agent.ok:
        ctx.schema_problems = [
            Problem(f"{f.message} ({f.rule})", agent.path, f.line, "")
            for f in (own or OwnFindings(ws.config, use_index=False)).errors(agent)
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
    ws: Workspace,
    agent: Loaded,
    waivers: list[Waiver],
    ledger_url: str | None = None,
    memo: PolicyMemo | None = None,
    own: OwnFindings | None = None,
) -> AgentResult:
    """Every check on one agent, with waivers applied."""
    full, required, _ = (memo or PolicyMemo(ws)).policies(agent)
    ctx = context(ws, agent, ledger_url, own)
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
        lifecycle=str(meta_of(agent).get("lifecycle", "production")),
        checks=tuple(results),
        policy=full,
        inputs=tuple(sorted(inputs.items())),
        waivers=tuple(used),
    )


def validity_days(result: AgentResult) -> int:
    """How long a certificate for ``result`` stays valid (policy-set, default 90 days), within
    1 and MAX_VALIDITY_DAYS days."""
    days = result.policy.get("certificate.validity_days", DEFAULT_VALIDITY_DAYS)
    return max(1, min(int(days), MAX_VALIDITY_DAYS))
