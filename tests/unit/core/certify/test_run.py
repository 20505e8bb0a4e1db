"""Certifying agents of the example registry in-process: one check's pass, warn, fail or skip
under the two policies, waivers applied to failing checks only, the inputs a certificate
digests, the agent's context, the validity bounds, and ``then`` run on each result."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from hubrails.core.certify.check_context import AgentContext, CheckSpec, Outcome, Problem, Skip
from hubrails.core.certify.checks import CHECK_IDS
from hubrails.core.certify.policy import EffectivePolicy, Layer, effective
from hubrails.core.certify.results import AgentResult, Status
from hubrails.core.certify.run import (
    MAX_VALIDITY_DAYS,
    certify,
    certify_agent,
    certify_then,
    run_check,
    validity_days,
)
from hubrails.core.certify.waivers import Waiver
from tests.helpers import edit, write
from tests.unit.core.certify.workspaces import INCIDENT, incident_context, workspace

SHOWN = f"registry/{INCIDENT}"
TODAY = dt.date(2026, 6, 1)


def limit(value: int) -> EffectivePolicy:
    return effective([Layer("hub", "g.yaml", {"limits.max_tool_calls_per_run": (value, 1)})])


def over(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """A problem per unit the policy's limit is under 3 (none when no limit is set)."""
    allowed = policy.get("limits.max_tool_calls_per_run", 3)
    return [Problem(f"p{n}", "a.yaml", n, "") for n in range(1, max(0, 3 - allowed) + 1)]


def spec(severity: str = "required") -> CheckSpec:
    return CheckSpec("probe", "Probe", severity, "fix it", over)


def waiver(check: str, team: str | None = "sre", agent: str = "incident-triage") -> Waiver:
    return Waiver("w", "registry/waivers/w.yaml", 9, agent, team, check, "why", "@x",
                  TODAY, "f" * 64, "platform")  # fmt: skip


def test_a_check_without_problems_passes_and_a_skip_keeps_its_reason(hub: Path) -> None:
    ctx = incident_context(hub)
    passed = run_check(spec(), ctx, EffectivePolicy(), EffectivePolicy())
    assert (passed.status, passed.reason, passed.problems) == (Status.PASS, None, ())
    skipping = CheckSpec("s", "S", "advisory", "r", lambda c, p: Skip("no ledger"))
    skipped = run_check(skipping, ctx, EffectivePolicy(), EffectivePolicy())
    assert (skipped.status, skipped.reason) == (Status.SKIP, "no ledger")


def test_a_problem_under_the_required_policy_fails_with_its_first_reason(hub: Path) -> None:
    result = run_check(spec(), incident_context(hub), limit(0), limit(1))
    assert result.status is Status.FAIL
    assert result.reason == "a.yaml:1: p1 (and 1 more)"  # the required policy's problems
    assert [p.message for p in result.problems] == ["p1", "p2"]
    assert result.remediation == "fix it"


def test_a_problem_under_advisory_guardrails_only_warns(hub: Path) -> None:
    result = run_check(spec(), incident_context(hub), limit(2), EffectivePolicy())
    assert (result.status, result.reason) == (Status.WARN, "a.yaml:1: p1")
    advisory = run_check(spec("advisory"), incident_context(hub), limit(0), limit(0))
    assert advisory.status is Status.WARN  # an advisory check never fails
    assert len(advisory.problems) == 3


def test_the_example_agent_passes_every_check_and_records_its_inputs(hub: Path) -> None:
    ws = workspace(hub)
    result = certify_agent(ws, ws.agent(INCIDENT), [])
    assert (result.name, result.team, result.path, result.lifecycle) == (
        "incident-triage",
        "sre",
        SHOWN,
        "production",
    )
    assert [c.id for c in result.checks] == list(CHECK_IDS)
    assert result.passed
    inputs = dict(result.inputs)
    assert list(inputs) == sorted(inputs)
    for path in (
        SHOWN,
        "registry/guardrails/baseline.yaml",
        "registry/guardrails/cost-limits.yaml",
        "registry/tools/pagerduty.yaml",
        "registry/teams/sre.yaml",
        "registry/pricing.yaml",
        "registry/skills/incident-summary/skill.yaml",
        "registry/skills/incident-summary/SKILL.md",
        "registry/skills/incident-summary/scripts/timeline.py",
    ):
        assert path in inputs, path
    script = hub / "registry/skills/incident-summary/scripts/timeline.py"
    assert inputs[str(script.relative_to(hub))] == hashlib.sha256(script.read_bytes()).hexdigest()
    assert not any("billing" in p or "jira" in p for p in inputs)


def test_a_waiver_turns_a_failing_check_waived_and_becomes_an_input(hub: Path) -> None:
    edit(hub / SHOWN, "  model: claude-sonnet-4-5", "  model: claude-opus-4-1")
    ws = workspace(hub)
    unwaived = certify_agent(ws, ws.agent(INCIDENT), [])
    assert {c.id: c.status for c in unwaived.checks}["model-allowed"] is Status.FAIL
    assert not unwaived.passed
    granted = waiver("model-allowed")
    result = certify_agent(ws, ws.agent(INCIDENT), [waiver("logging"), granted])
    check = {c.id: c for c in result.checks}["model-allowed"]
    assert (check.status, check.waiver, check.reason) == (
        Status.WAIVED,
        granted,
        {c.id: c for c in unwaived.checks}["model-allowed"].reason,
    )
    assert result.passed
    assert result.waivers == (granted,)  # the logging waiver covered a passing check: unused
    assert dict(result.inputs)["registry/waivers/w.yaml"] == "f" * 64


def test_a_waiver_of_another_team_or_agent_does_not_apply(hub: Path) -> None:
    edit(hub / SHOWN, "  model: claude-sonnet-4-5", "  model: claude-opus-4-1")
    ws = workspace(hub)
    others = [waiver("model-allowed", team="growth"), waiver("model-allowed", agent="other")]
    result = certify_agent(ws, ws.agent(INCIDENT), others)
    assert not result.passed and result.waivers == ()
    anyteam = certify_agent(ws, ws.agent(INCIDENT), [waiver("model-allowed", team=None)])
    assert anyteam.passed


def test_the_lifecycle_is_the_agents_own(hub: Path) -> None:
    edit(hub / SHOWN, '  version: "1.4.2"\n', '  version: "1.4.2"\n  lifecycle: experimental\n')
    ws = workspace(hub)
    assert certify_agent(ws, ws.agent(INCIDENT), []).lifecycle == "experimental"


def test_the_context_resolves_tools_and_skills_and_keeps_schema_errors(hub: Path) -> None:
    edit(hub / SHOWN, "  tools:\n", "  tools:\n    - name: nowhere\n")
    edit(hub / SHOWN, "  skills:\n", "  skills:\n    - no-name\n    - name: nowhere-skill\n")
    edit(hub / SHOWN, "  data_classification: internal\n", "  data_classification: 3\n")
    ctx = incident_context(hub)
    assert (ctx.name, ctx.team) == ("incident-triage", "sre")
    assert ctx.tools["nowhere"] is None
    assert ctx.tools["slack"] is not None
    assert [(i, ref["name"], s is not None) for i, ref, s in ctx.skills] == [
        (1, "nowhere-skill", False),
        (2, "incident-summary", True),
        (3, "runbook-lookup", True),
    ]
    assert ctx.schema_problems
    assert all(p.path == SHOWN for p in ctx.schema_problems)
    assert any("data_classification" in p.message for p in ctx.schema_problems)


def test_a_context_of_an_agent_that_does_not_load_is_empty(hub: Path) -> None:
    (hub / SHOWN).write_text("spec: [unclosed\n", encoding="utf-8")
    ctx = incident_context(hub)
    assert (ctx.name, ctx.team, ctx.spec, ctx.tools, ctx.skills) == ("", "", {}, {}, [])
    assert ctx.schema_problems == []  # manifest-valid reports the load error itself


def _result(days: object) -> AgentResult:
    values = {} if days is None else {"certificate.validity_days": (days, 1)}
    policy = effective([Layer("hub", "g.yaml", values)])
    return AgentResult("a", "t", "a.yaml", "production", (), policy, ())


@pytest.mark.parametrize(
    ("days", "valid"),
    [(None, 90), (30, 30), (0, 1), (-5, 1), (10**9, MAX_VALIDITY_DAYS)],
)
def test_validity_days_are_the_policys_within_bounds(days: object, valid: int) -> None:
    assert validity_days(_result(days)) == valid


def test_certify_then_runs_then_on_each_result_in_order(hub: Path) -> None:
    ws = workspace(hub)
    run, names = certify_then(ws, ws.agent_paths, lambda r: r.name, today=TODAY)
    assert names == [r.name for r in run.results]
    assert sorted(names) == [
        "incident-triage",
        "invoice-triage",
        "release-notes",
        "ticket-responder",
    ]
    assert run.passed and run.hub is ws.hub and run.warnings == ()
    assert certify(ws, [], today=TODAY).results == ()


def test_certify_says_the_waivers_it_ignores(hub: Path) -> None:
    write(hub, {"registry/spokes/sre/waivers/own.yaml": "kind: Waiver\n"})
    ws = workspace(hub)
    run = certify(ws, [INCIDENT], today=TODAY)
    assert [r.name for r in run.results] == ["incident-triage"]
    [warning] = run.warnings
    assert warning.startswith("registry/spokes/sre/waivers/own.yaml: waiver ignored")
