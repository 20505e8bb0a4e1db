"""``hub policy`` and guardrail inheritance: tighten, never loosen, for every field type."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from hubrails.core.certify.policy import FIELDS, Merge
from tests.helpers import edit, line_of, run_cli, write

SRE = "registry/spokes/sre/agents/incident-triage.yaml"
TEAM = "registry/spokes/sre/guardrails/sre-policy.yaml"
BASELINE = "registry/guardrails/baseline.yaml"


def team_guardrail(root: Path, policy: str, enforcement: str = "required") -> None:
    body = textwrap.indent(textwrap.dedent(policy).strip("\n"), "    ")
    write(
        root,
        {
            TEAM: "apiVersion: hubrails/v1\nkind: Guardrail\nmetadata:\n  name: sre-policy\n"
            '  team: sre\n  version: "1.0.0"\n  description: SRE policy.\nspec:\n'
            f"  scope: team\n  enforcement: {enforcement}\n  policy:\n{body}\n"
        },
    )


def policy(agent: str = "incident-triage") -> Any:
    run = run_cli("policy", agent, "--format", "json")
    assert run.exit_code in (0, 1), run.stderr
    return run.json()


def test_example_policy_with_sources(registry: Path) -> None:
    run = run_cli("policy", "invoice-triage", "--format", "json")
    assert run.exit_code == 0
    values = run.json()["policy"]
    retention = values["logging.min_retention_days"]
    assert retention["value"] == 365
    team_file = registry / "registry/spokes/billing-ops/guardrails/billing-retention.yaml"
    assert retention["sources"] == [
        {
            "path": "registry/spokes/billing-ops/guardrails/billing-retention.yaml",
            "line": line_of(team_file, "min_retention_days"),
            "level": "team",
        }
    ]
    assert values["models.allow"]["value"] == ["claude-sonnet-4-5", "claude-haiku-4-5"]
    assert values["limits.max_cost_usd_per_run"]["value"] == 1.0
    assert values["limits.max_cost_usd_per_run"]["sources"][0]["level"] == "agent"
    assert values["data.max_classification"]["value"] == "confidential"


def test_text_output_names_files(registry: Path) -> None:
    run = run_cli("policy", "incident-triage")
    assert run.exit_code == 0
    assert "logging.min_retention_days" in run.stdout
    assert "baseline.yaml" in run.stdout


# Every merge type: a team value that loosens the hub's is reported (naming both files), is
# not applied, and fails certification.
LOOSENINGS = {
    Merge.REQUIRE: ("logging:\n  required: false\n", "logging.required", True),
    Merge.ALLOW: (
        "tools:\n  allowed_statuses: [vetted, deprecated]\n",
        "tools.allowed_statuses",
        ["vetted"],
    ),
    Merge.DENY: (
        "models:\n  allow: [claude-sonnet-4-5, claude-opus-4-1]\n",
        "models.deny",
        ["claude-opus-4-1", "claude-haiku-3-5"],
    ),
    Merge.MAXIMUM: ("certificate:\n  validity_days: 365\n", "certificate.validity_days", 90),
    Merge.MINIMUM: ("logging:\n  min_retention_days: 7\n", "logging.min_retention_days", 30),
    Merge.THRESHOLD: ("data:\n  max_classification: restricted\n", None, None),
}


def test_every_merge_type_has_a_loosening_case() -> None:
    assert set(LOOSENINGS) == {merge for merge, _ in FIELDS.values()}


@pytest.mark.parametrize("merge", [m for m in LOOSENINGS if m is not Merge.THRESHOLD])
def test_team_cannot_loosen(registry: Path, merge: Merge) -> None:
    text, field, kept = LOOSENINGS[merge]
    team_guardrail(registry, text)
    document = policy()
    loose = [item for item in document["loosenings"] if item["field"] == field]
    assert loose, document["loosenings"]
    assert loose[0]["path"] == TEAM
    assert loose[0]["base_sources"][0]["path"].startswith("registry/guardrails/")
    assert TEAM in loose[0]["message"] and "registry/guardrails/" in loose[0]["message"]
    assert document["policy"][field]["value"] == kept
    run = run_cli("certify", "incident-triage", "--format", "json")
    assert run.exit_code == 1
    checks = {c["id"]: c for c in run.json()["agents"][0]["checks"]}
    assert checks["guardrails-not-loosened"]["status"] == "fail"


@pytest.mark.parametrize(
    ("team", "agent", "field", "kept"),
    [
        ("approval:\n  required_for_risk: medium\n", "approval:\n  required_for_risk: high\n",
         "approval.required_for_risk", "medium"),
        ("data:\n  max_classification: internal\n", "data:\n  max_classification: restricted\n",
         "data.max_classification", "internal"),
    ],
)  # fmt: skip
def test_agent_cannot_loosen_a_threshold(
    registry: Path, team: str, agent: str, field: str, kept: str
) -> None:
    team_guardrail(registry, team)
    override = textwrap.indent(agent, "      ")
    edit(registry / SRE, "    policy:\n", f"    policy:\n{override}")
    document = policy()
    loose = next(item for item in document["loosenings"] if item["field"] == field)
    assert loose["path"] == SRE
    assert loose["base_sources"][0]["path"] == TEAM
    assert document["policy"][field]["value"] == kept


def test_tightening_is_applied_without_complaint(registry: Path) -> None:
    team_guardrail(
        registry,
        """
        logging:
          min_retention_days: 60
        approval:
          required_for_risk: low
        models:
          allow: [claude-sonnet-4-5]
          deny: [claude-haiku-4-5]
        limits:
          max_tool_calls_per_run: 35
        """,
    )
    document = policy()
    assert document["loosenings"] == []
    values = document["policy"]
    assert values["logging.min_retention_days"]["value"] == 60
    assert values["approval.required_for_risk"]["value"] == "low"
    assert values["models.allow"]["value"] == ["claude-sonnet-4-5"]
    assert values["models.deny"]["value"] == [
        "claude-opus-4-1",
        "claude-haiku-3-5",
        "claude-haiku-4-5",
    ]
    assert values["limits.max_tool_calls_per_run"]["value"] == 30  # the agent's own, stricter
    # every risk now needs approval, so the agent's ungated reads fail
    run = run_cli("certify", "incident-triage", "--format", "json")
    checks = {c["id"]: c for c in run.json()["agents"][0]["checks"]}
    assert checks["approvals"]["status"] == "fail"
    assert "'pagerduty.list_incidents' (risk low)" in checks["approvals"]["reason"]


def test_loosening_an_advisory_guardrail_warns(registry: Path) -> None:
    team_guardrail(registry, "limits:\n  max_cost_usd_per_run: 5\n")
    run = run_cli("certify", "incident-triage", "--format", "json")
    assert run.exit_code == 0
    checks = {c["id"]: c for c in run.json()["agents"][0]["checks"]}
    assert checks["guardrails-not-loosened"]["status"] == "warn"
    assert run_cli("policy", "incident-triage").exit_code == 1


def test_policy_rejects_other_formats(registry: Path) -> None:
    assert run_cli("policy", "incident-triage", "--format", "sarif").exit_code == 2


@pytest.mark.parametrize("merge", [m for m in LOOSENINGS if m is not Merge.THRESHOLD])
def test_advisory_team_guardrail_loosening_a_required_value_fails(
    registry: Path, merge: Merge
) -> None:
    text, field, _ = LOOSENINGS[merge]
    team_guardrail(registry, text, enforcement="advisory")
    run = run_cli("certify", "incident-triage", "--format", "json")
    assert run.exit_code == 1, field
    checks = {c["id"]: c for c in run.json()["agents"][0]["checks"]}
    assert checks["guardrails-not-loosened"]["status"] == "fail"
    assert TEAM in checks["guardrails-not-loosened"]["reason"]


def test_a_fresh_hub_shows_the_built_in_defaults(tmp_path: Path) -> None:
    assert run_cli("init", str(tmp_path), "--hub").exit_code == 0
    assert run_cli("new", "team", "sre", "--root", str(tmp_path)).exit_code == 0
    assert (
        run_cli("new", "agent", "triage", "--team", "sre", "--root", str(tmp_path)).exit_code == 0
    )
    run = run_cli("policy", "triage", "--root", str(tmp_path), "--format", "json")
    assert run.exit_code == 0
    policy = run.json()["policy"]
    assert policy["tools.allowed_statuses"] == {
        "value": ["vetted"], "sources": [], "enforcement": "required", "builtin": True
    }  # fmt: skip
    assert policy["certificate.validity_days"]["value"] == 90
    assert policy["telemetry.ledger_window_days"]["value"] == 30
    text = run_cli("policy", "triage", "--root", str(tmp_path)).stdout
    assert "tools.allowed_statuses        [vetted]  (required)" in text
    assert "from built-in default: no guardrail sets it" in text


def test_policy_help_offers_only_its_formats() -> None:
    helped = run_cli("policy", "--help").stdout
    assert "text" in helped and "json" in helped
    assert "sarif" not in helped and "github" not in helped
