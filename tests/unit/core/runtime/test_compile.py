"""The compiled policy from the registry: an agent's servers with a decision per declared
action (and why), the tools it may not call and why, its limits and models; a team's or the
hub's scope; and the ``hub-policy.json`` document with its digest."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubrails.core.certify.agent_files import Workspace
from hubrails.core.hub.locate import find_hub
from hubrails.core.registry.config import load_config
from hubrails.core.runtime import guard
from hubrails.core.runtime.compile import (
    Compiled,
    catalog_tools,
    compile_agent,
    compile_scope,
)
from hubrails.errors import HubError
from tests.gitrepo import init_repo
from tests.helpers import edit

AGENT = "registry/spokes/billing-ops/agents/invoice-triage.yaml"
ALLOW = {"decision": "allow", "why": "declared by the agent on a vetted tool"}


def _ws(root: Path) -> Workspace:
    config = load_config(root)
    return Workspace(config, find_hub(config, None))


def test_catalog_tools_are_every_tool_manifest(registry: Path) -> None:
    tools = catalog_tools(_ws(registry))
    assert tools == sorted(p.stem for p in (registry / "registry" / "tools").glob("*.yaml"))
    assert "jira" in tools


def test_an_agent_gets_its_declared_actions_of_vetted_tools(registry: Path) -> None:
    compiled = compile_agent(_ws(registry), "invoice-triage")
    assert (compiled.scope, compiled.agent, compiled.team) == ("agent", "invoice-triage",
                                                               "billing-ops")  # fmt: skip
    assert compiled.source == AGENT and compiled.certified and compiled.failing == []
    assert sorted(compiled.servers) == ["jira", "postgres-readonly", "stripe-refunds"]
    jira = compiled.servers["jira"]
    assert jira.path == "registry/tools/jira.yaml"
    assert jira.mcp == {"transport": "sse", "url": "https://mcp.atlassian.com/v1/sse"}
    assert jira.actions == {"search_issues": ALLOW, "get_issue": ALLOW, "add_comment": ALLOW}
    assert jira.undeclared == ("create_issue", "transition_issue")


def test_a_gated_action_says_every_reason_it_asks(registry: Path) -> None:
    refund = compile_agent(_ws(registry), "invoice-triage").servers["stripe-refunds"]
    assert refund.actions["create_refund"] == {
        "decision": "ask",
        "why": "spec.approvals (@acme/billing-leads); risk high (approval.required_for_risk: "
        "high); destructive (approval.destructive_actions)",
    }


def test_tools_the_agent_may_not_call_are_denied_with_the_reason(registry: Path) -> None:
    denied = compile_agent(_ws(registry), "invoice-triage").denied
    assert denied["pastebin-share"] == (
        "denied by policy tools.deny (registry/guardrails/baseline.yaml:35)"
    )
    assert denied["legacy-wiki"] == "status deprecated; policy allows vetted"
    assert denied["filesystem-write"] == "status proposed; policy allows vetted"
    assert denied["github"] == "not declared by the agent"


def test_limits_models_and_telemetry_come_from_the_policy(registry: Path) -> None:
    compiled = compile_agent(_ws(registry), "invoice-triage")
    assert (compiled.max_tool_calls, compiled.max_cost_usd) == (25, 1.0)
    assert compiled.model == "claude-sonnet-4-5"
    assert compiled.models == ["claude-sonnet-4-5", "claude-haiku-4-5"]
    assert compiled.telemetry is True
    assert compiled.policy["limits.max_tool_calls_per_run"]["value"] == 25


def test_an_agent_can_be_named_by_its_path(registry: Path) -> None:
    assert compile_agent(_ws(registry), AGENT).agent == "invoice-triage"


def test_an_unknown_agent_is_an_error(registry: Path) -> None:
    with pytest.raises(HubError):
        compile_agent(_ws(registry), "no-such-agent")


def test_an_unreadable_agent_is_an_error_naming_it(registry: Path) -> None:
    (registry / AGENT).write_text("metadata: [unclosed\n")
    with pytest.raises(HubError, match="cannot read the agent: ") as caught:
        compile_agent(_ws(registry), AGENT)
    assert caught.value.path == AGENT


def test_an_uncertified_agent_is_compiled_with_its_failing_checks(registry: Path) -> None:
    edit(registry / AGENT, "retention_days: 400", "retention_days: 3")
    compiled = compile_agent(_ws(registry), "invoice-triage")
    assert compiled.certified is False and compiled.failing


def test_a_declared_tool_missing_from_the_catalog_is_denied(registry: Path) -> None:
    edit(registry / AGENT, "    - name: jira\n", "    - name: nowhere\n      actions: [x]\n"
         "    - name: jira\n")  # fmt: skip
    compiled = compile_agent(_ws(registry), "invoice-triage")
    assert compiled.denied["nowhere"] == "not in the catalog"
    assert "nowhere" not in compiled.denied_mcp


def test_a_declared_action_the_tool_does_not_have_is_left_out(registry: Path) -> None:
    edit(registry / AGENT, "        - get_issue\n", "        - get_issue\n        - drop_db\n")
    jira = compile_agent(_ws(registry), "invoice-triage").servers["jira"]
    assert "drop_db" not in jira.actions and "drop_db" not in jira.undeclared


def test_an_approval_alone_gates_a_low_risk_action(registry: Path) -> None:
    edit(registry / AGENT, "    - tool: stripe-refunds\n",
         "    - tool: jira\n      actions: [get_issue]\n      approvers: ['@acme/x']\n"
         "    - tool: stripe-refunds\n")  # fmt: skip
    jira = compile_agent(_ws(registry), "invoice-triage").servers["jira"]
    assert jira.actions["get_issue"] == {"decision": "ask", "why": "spec.approvals (@acme/x)"}


def test_a_vetted_tool_without_mcp_is_denied_with_a_finding(registry: Path) -> None:
    tool = registry / "registry" / "tools" / "jira.yaml"
    edit(tool, "  mcp:\n    transport: sse\n    url: https://mcp.atlassian.com/v1/sse\n", "")
    compiled = compile_agent(_ws(registry), "invoice-triage")
    assert compiled.denied["jira"] == "no spec.mcp in the catalog"
    (finding,) = compiled.findings
    assert finding.startswith("registry/tools/jira.yaml:")
    assert finding.endswith("tool 'jira' has no spec.mcp; it cannot be configured and is denied")


def test_the_hub_scope_allows_every_action_of_every_vetted_tool(registry: Path) -> None:
    compiled = compile_scope(_ws(registry), None)
    assert (compiled.scope, compiled.agent, compiled.team) == ("hub", None, None)
    assert compiled.source == "hub guardrails"
    assert compiled.servers["jira"].undeclared == ()
    assert set(compiled.servers["jira"].actions) == {"search_issues", "get_issue", "create_issue",
                                                     "add_comment", "transition_issue"}  # fmt: skip
    assert compiled.servers["stripe-refunds"].actions["create_refund"]["decision"] == "ask"
    assert set(compiled.denied) == {"filesystem-write", "legacy-wiki", "pastebin-share"}
    assert compiled.max_tool_calls is None and compiled.model is None


def test_a_team_scope_is_named_for_its_team(registry: Path) -> None:
    compiled = compile_scope(_ws(registry), "billing-ops")
    assert (compiled.scope, compiled.team, compiled.source) == ("team", "billing-ops",
                                                                "team guardrails")  # fmt: skip


def test_an_unknown_team_is_an_error_listing_the_known(registry: Path) -> None:
    with pytest.raises(HubError, match="no team named 'nope' in this registry") as caught:
        compile_scope(_ws(registry), "nope")
    assert caught.value.hint is not None
    assert caught.value.hint.startswith("known teams: ") and "billing-ops" in caught.value.hint


def test_the_document_carries_a_digest_the_guard_accepts(registry: Path) -> None:
    compiled = compile_agent(_ws(registry), "invoice-triage")
    document = compiled.document({"file": "runs.jsonl"}, {"logout": "abandoned", "clear": "failed"})
    assert guard.policy_problem(document) is None
    assert document["format"] == guard.FORMAT and document["ledger"] == {"file": "runs.jsonl"}
    assert list(document["outcome"]["by_reason"]) == ["clear", "logout"]
    assert document["servers"]["jira"]["tool"] == "registry/tools/jira.yaml"
    assert document["limits"] == {"max_tool_calls_per_run": 25}
    assert document["generated_by"].startswith("hubrails ")


def test_the_commit_is_outside_the_digest(registry: Path) -> None:
    init_repo(registry)
    compiled = compile_agent(_ws(registry), "invoice-triage")
    assert compiled.commit is not None and len(compiled.commit) == 40
    document = compiled.document({})
    assert document["registry"] == {"commit": compiled.commit}
    compiled.commit = "0" * 40
    assert compiled.document({})["digest"] == document["digest"]


def test_a_change_that_matters_changes_the_digest() -> None:
    compiled = Compiled("hub", None, None, "hub guardrails")
    before = compiled.document({})["digest"]
    compiled.denied["x"] = "why"
    assert compiled.document({})["digest"] != before
    assert compiled.document({}, {})["outcome"] == {"default": "resolved", "by_reason": {}}
