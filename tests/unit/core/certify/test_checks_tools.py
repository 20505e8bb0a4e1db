"""The checks on what an agent uses, each run on a real agent of the example registry against
a policy made for the test: tools (catalog, status, deny list, version range), their actions,
data classes, human approvals, and skills (resolution, range, the tools they need)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hubrails.core.certify.checks_tools import (
    check_approvals,
    check_data,
    check_skills,
    check_tool_actions,
    check_tools_vetted,
)
from hubrails.core.certify.policy import EffectivePolicy, Layer, effective
from tests.helpers import edit, line_of
from tests.unit.core.certify.workspaces import INCIDENT, incident_context

SHOWN = f"registry/{INCIDENT}"
NONE = EffectivePolicy()


def policy(**values: Any) -> EffectivePolicy:
    """A hub policy setting ``values`` (``__`` for the dot), all in g.yaml on line 3."""
    return effective(
        [Layer("hub", "g.yaml", {k.replace("__", "."): (v, 3) for k, v in values.items()})]
    )


def add_tool(root: Path, entry: str) -> None:
    edit(root / "registry" / INCIDENT, "  tools:\n", f"  tools:\n{entry}")


def messages(outcome: object) -> list[str]:
    assert isinstance(outcome, list)
    return [p.message for p in outcome]


def test_the_example_agent_passes_every_tool_check(hub: Path) -> None:
    ctx = incident_context(hub)
    strict = policy(approval__required_for_risk="high", approval__destructive_actions=True)
    for check in (
        check_tools_vetted,
        check_tool_actions,
        check_data,
        check_approvals,
        check_skills,
    ):
        assert check(ctx, strict) == [], check.__name__


def test_a_tool_not_in_the_catalog_is_named_at_its_entry(hub: Path) -> None:
    add_tool(hub, "    - name: nowhere\n      actions: [a]\n")
    [problem] = check_tools_vetted(incident_context(hub), NONE)  # type: ignore[misc]
    assert (problem.message, problem.field) == (
        "tool 'nowhere' is not in the catalog",
        "spec.tools[0].name",
    )
    assert problem.line == line_of(hub / SHOWN, "- name: nowhere")
    assert check_tool_actions(incident_context(hub), NONE) == []  # left to tools-vetted


def test_a_tool_whose_file_does_not_load_is_not_in_the_catalog(hub: Path) -> None:
    (hub / "registry/tools/broken.yaml").write_text("spec: [unclosed\n", encoding="utf-8")
    add_tool(hub, "    - name: broken\n")
    assert messages(check_tools_vetted(incident_context(hub), NONE)) == [
        "tool 'broken' is not in the catalog"
    ]


def test_a_proposed_tool_says_where_to_vet_it(hub: Path) -> None:
    add_tool(hub, "    - name: filesystem-write\n")
    status = line_of(hub / "registry/tools/filesystem-write.yaml", "  status: proposed")
    assert messages(check_tools_vetted(incident_context(hub), NONE)) == [
        "tool 'filesystem-write' is proposed; policy allows vetted: once the platform team has "
        f"vetted it, set 'status: vetted' at registry/tools/filesystem-write.yaml:{status}"
    ]


def test_a_status_the_policy_does_not_allow_asks_for_another_tool(hub: Path) -> None:
    add_tool(hub, "    - name: legacy-wiki\n")
    assert messages(check_tools_vetted(incident_context(hub), NONE)) == [
        "tool 'legacy-wiki' is deprecated; policy allows vetted: use a tool whose status is vetted"
    ]
    allowing = policy(tools__allowed_statuses=["vetted", "deprecated"])
    assert check_tools_vetted(incident_context(hub), allowing) == []
    # a proposed tool where the policy does not allow vetted ones either: no vetting hint
    add_tool(hub, "    - name: filesystem-write\n")
    only = policy(tools__allowed_statuses=["deprecated"])
    assert messages(check_tools_vetted(incident_context(hub), only))[0] == (
        "tool 'filesystem-write' is proposed; policy allows deprecated: use a tool whose status "
        "is deprecated"
    )


def test_allow_lists_with_no_status_in_common_are_said_so(hub: Path) -> None:
    disjoint = effective(
        [
            Layer("hub", "h.yaml", {"tools.allowed_statuses": (["vetted"], 1)}),
            Layer("team", "t.yaml", {"tools.allowed_statuses": (["deprecated"], 2)}),
        ]
    )
    assert disjoint.get("tools.allowed_statuses") == []  # the intersection: nothing
    assert messages(check_tools_vetted(incident_context(hub), disjoint))[0] == (
        "tool 'pagerduty' is vetted; policy allows no status: the tools.allowed_statuses lists "
        "of the guardrails have no status in common"
    )


def test_a_denied_tool_is_said_even_when_its_status_is_allowed(hub: Path) -> None:
    ctx = incident_context(hub)
    assert messages(check_tools_vetted(ctx, policy(tools__deny=["slack"]))) == [
        "tool 'slack' is denied by policy (tools.deny)"
    ]


def test_a_tool_outside_the_declared_range_is_named_at_its_version(hub: Path) -> None:
    edit(
        hub / SHOWN,
        'version: "^2.0.0"\n      actions:\n        - search_code',
        'version: "^3.0.0"\n      actions:\n        - search_code',
    )
    [problem] = check_tools_vetted(incident_context(hub), NONE)  # type: ignore[misc]
    assert problem.message == "tool 'github' is at 2.1.0, outside '^3.0.0'"
    assert problem.field == "spec.tools[1].version"
    assert problem.line == line_of(hub / SHOWN, '"^3.0.0"')


def test_an_action_the_tool_lacks_is_named_and_non_strings_are_left_to_validate(hub: Path) -> None:
    edit(
        hub / SHOWN,
        "        - list_commits\n",
        "        - list_commits\n        - force_push\n        - {x: 1}\n",
    )
    [problem] = check_tool_actions(incident_context(hub), NONE)  # type: ignore[misc]
    assert (problem.message, problem.field) == (
        "tool 'github' has no action 'force_push'",
        "spec.tools[1].actions[3]",
    )


def test_an_agent_without_a_data_class_is_a_problem(hub: Path) -> None:
    edit(hub / SHOWN, "  data_classification: internal\n", "  data_classification: secret\n")
    assert messages(check_data(incident_context(hub), NONE)) == ["the agent declares no data class"]


def test_an_agent_above_the_policys_maximum_names_the_guardrail(hub: Path) -> None:
    ctx = incident_context(hub)
    assert messages(check_data(ctx, policy(data__max_classification="public"))) == [
        "the agent declares internal, above the policy's maximum public (g.yaml:3)"
    ]
    assert check_data(ctx, policy(data__max_classification="internal")) == []


def test_a_tool_handling_more_than_the_agent_declares_says_both_fixes(hub: Path) -> None:
    add_tool(hub, "    - name: postgres-readonly\n")
    line = line_of(hub / SHOWN, "data_classification: internal")
    tool_line = line_of(hub / "registry/tools/postgres-readonly.yaml", "  data_classification:")
    assert messages(check_data(incident_context(hub), NONE)) == [
        "tool 'postgres-readonly' handles confidential data, above the agent's internal: set "
        f"'data_classification: confidential' at {SHOWN}:{line}, or lower 'data_classification' "
        f"at registry/tools/postgres-readonly.yaml:{tool_line} if the tool handles less"
    ]


def test_a_high_stakes_action_without_approval_is_named_with_why(hub: Path) -> None:
    edit(
        hub / SHOWN,
        "        - acknowledge_incident\n      approvers",
        "        - nothing\n      approvers",
    )
    edit(
        hub / SHOWN,
        "        - acknowledge_incident\n",
        "        - acknowledge_incident\n        - resolve_incident\n",
    )
    ctx = incident_context(hub)
    assert messages(check_approvals(ctx, policy(approval__required_for_risk="medium"))) == [
        "'pagerduty.acknowledge_incident' (risk medium) has no human approval in spec.approvals",
        "'pagerduty.resolve_incident' (risk high) has no human approval in spec.approvals",
    ]
    both = policy(approval__required_for_risk="high", approval__destructive_actions=True)
    assert messages(check_approvals(ctx, both)) == [
        "'pagerduty.resolve_incident' (risk high, destructive) has no human approval in "
        "spec.approvals"
    ]
    assert check_approvals(ctx, NONE) == []  # no threshold, destructive actions not asked for


def test_an_approved_action_passes_and_an_unannotated_action_counts_as_destructive(
    hub: Path,
) -> None:
    edit(
        hub / SHOWN,
        "        - acknowledge_incident\n      approvers",
        "        - resolve_incident\n      approvers",
    )
    edit(
        hub / SHOWN,
        "        - acknowledge_incident\n",
        "        - acknowledge_incident\n        - resolve_incident\n",
    )
    ctx = incident_context(hub)
    assert check_approvals(ctx, policy(approval__required_for_risk="high")) == []
    pagerduty = ctx.tools["pagerduty"]
    assert pagerduty is not None
    for action in pagerduty.data["spec"]["actions"]:  # hints gone: destructive unless said not
        action.pop("annotations", None)
    assert messages(check_approvals(ctx, policy(approval__destructive_actions=True)))[0] == (
        "'pagerduty.list_incidents' (destructive) has no human approval in spec.approvals"
    )


def test_a_missing_skill_and_one_outside_its_range(hub: Path) -> None:
    edit(
        hub / SHOWN,
        '    - name: runbook-lookup\n      version: "^2.0.0"',
        '    - name: runbook-lookup\n      version: "^2.1.0"',
    )
    edit(hub / SHOWN, "  skills:\n", "  skills:\n    - name: no-such-skill\n")
    problems = check_skills(incident_context(hub), NONE)
    assert isinstance(problems, list)
    assert [(p.message, p.field) for p in problems] == [
        ("no skill named 'no-such-skill'", "spec.skills[0].name"),
        ("skill 'runbook-lookup' is at 2.0.0, outside '^2.1.0'", "spec.skills[2].version"),
    ]


def test_a_skill_needing_a_tool_or_actions_the_agent_lacks(hub: Path) -> None:
    edit(hub / SHOWN, "        - get_incident\n", "")
    ctx = incident_context(hub)
    skills = hub / "registry" / "skills"
    pagerduty = line_of(skills / "incident-summary/skill.yaml", "- name: pagerduty")
    github = line_of(skills / "runbook-lookup/skill.yaml", "- name: github")
    assert messages(check_skills(ctx, NONE)) == [
        "skill 'incident-summary' needs 'pagerduty' actions ['get_incident'], which the agent "
        f"does not list (needed at registry/skills/incident-summary/skill.yaml:{pagerduty})"
    ]
    ctx.spec["tools"] = [t for t in ctx.spec["tools"] if t["name"] != "github"]
    assert messages(check_skills(ctx, NONE))[1] == (
        "skill 'runbook-lookup' needs tool 'github', which the agent does not list "
        f"(needed at registry/skills/runbook-lookup/skill.yaml:{github})"
    )
