"""An agent's two effective policies (with advisory guardrails, and of required guardrails
only) from the example hub's guardrails, its team's and its own overrides; the memo that
merges a team's levels once."""

from __future__ import annotations

from pathlib import Path

from hubrails.core.certify.agent_files import Loaded
from hubrails.core.certify.agent_policy import PolicyMemo, meta_of, policies
from tests.helpers import edit, write
from tests.unit.core.certify.workspaces import workspace

INVOICE = "spokes/billing-ops/agents/invoice-triage.yaml"
INCIDENT = "spokes/sre/agents/incident-triage.yaml"
TEAM_RULE = "registry/spokes/sre/guardrails/sre-policy.yaml"


def team_guardrail(root: Path, policy: str, enforcement: str) -> None:
    write(
        root,
        {
            TEAM_RULE: "apiVersion: hubrails/v1\nkind: Guardrail\nmetadata:\n  name: sre-policy\n"
            '  team: sre\n  version: "1.0.0"\n  description: SRE policy.\nspec:\n'
            f"  scope: team\n  enforcement: {enforcement}\n  policy:\n{policy}"
        },
    )


def test_the_advisory_hub_guardrail_counts_in_the_full_policy_only(hub: Path) -> None:
    ws = workspace(hub)
    full, required, layers = policies(ws, ws.agent(INCIDENT))
    # cost-limits (advisory) sets 40; the agent tightens to 30 in both
    assert full.get("limits.max_tool_calls_per_run") == 30
    assert required.get("limits.max_tool_calls_per_run") == 30
    assert [s.path for s in full.values["limits.max_tool_calls_per_run"].sources] == [
        "registry/spokes/sre/agents/incident-triage.yaml"
    ]
    assert full.get("models.allow") == required.get("models.allow")
    paths = [(la.level, la.path, la.required) for la in layers]
    assert paths == [
        ("hub", "registry/guardrails/baseline.yaml", True),
        ("hub", "registry/guardrails/cost-limits.yaml", False),
        ("hub", "registry/guardrails/model-allowlist.yaml", True),
        ("agent", "registry/spokes/sre/agents/incident-triage.yaml", True),
    ]


def test_without_its_own_overrides_the_required_policy_lacks_advisory_values(hub: Path) -> None:
    edit(
        hub / "registry" / INCIDENT,
        "  guardrails:\n    policy:\n      limits:\n        max_cost_usd_per_run: 1.5\n"
        "        max_tool_calls_per_run: 30\n",
        "",
    )
    ws = workspace(hub)
    full, required, layers = policies(ws, ws.agent(INCIDENT))
    assert full.get("limits.max_cost_usd_per_run") == 2.5
    assert required.get("limits.max_cost_usd_per_run") is None
    assert [la.level for la in layers] == ["hub", "hub", "hub"]


def test_the_team_level_comes_between_hub_and_agent(hub: Path) -> None:
    ws = workspace(hub)
    full, required, layers = policies(ws, ws.agent(INVOICE))
    assert (
        full.get("logging.min_retention_days") == required.get("logging.min_retention_days") == 365
    )
    assert full.get("models.allow") == ["claude-sonnet-4-5", "claude-haiku-4-5"]
    assert full.get("limits.max_cost_usd_per_run") == 1.0
    assert ("team", "registry/spokes/billing-ops/guardrails/billing-retention.yaml") in [
        (la.level, la.path) for la in layers
    ]
    assert full.loosenings == required.loosenings == ()


def test_an_advisory_team_guardrail_that_loosens_a_required_value_counts_as_required(
    hub: Path,
) -> None:
    team_guardrail(hub, "    logging:\n      min_retention_days: 7\n", "advisory")
    ws = workspace(hub)
    full, required, _ = policies(ws, ws.agent(INCIDENT))
    assert required.get("logging.min_retention_days") == 30  # its value is not applied
    [loose] = required.loosenings
    assert (loose.field, loose.value, loose.source.path) == (
        "logging.min_retention_days",
        7,
        TEAM_RULE,
    )
    assert [x.field for x in full.loosenings] == ["logging.min_retention_days"]


def test_an_advisory_team_guardrail_that_tightens_counts_in_the_full_policy_only(
    hub: Path,
) -> None:
    team_guardrail(hub, "    logging:\n      min_retention_days: 60\n", "advisory")
    ws = workspace(hub)
    full, required, _ = policies(ws, ws.agent(INCIDENT))
    assert (full.get("logging.min_retention_days"), required.get("logging.min_retention_days")) == (
        60,
        30,
    )
    assert required.loosenings == ()


def test_an_agent_override_above_an_advisory_limit_loosens_the_full_policy_only(hub: Path) -> None:
    edit(hub / "registry" / INCIDENT, "max_tool_calls_per_run: 30", "max_tool_calls_per_run: 99")
    ws = workspace(hub)
    full, required, _ = policies(ws, ws.agent(INCIDENT))
    assert [x.value for x in full.loosenings] == [99]  # above the advisory 40
    assert required.loosenings == ()  # no required guardrail sets it
    assert required.get("limits.max_tool_calls_per_run") == 99


def test_the_memo_merges_a_teams_levels_once(hub: Path) -> None:
    ws = workspace(hub)
    memo = PolicyMemo(ws)
    first = memo.levels("sre")
    assert memo.levels("sre") is first
    assert memo.levels("growth") is not first
    assert memo.policies(ws.agent(INCIDENT))[0] == policies(ws, ws.agent(INCIDENT))[0]


def test_an_agent_with_no_team_gets_the_hub_level_only(hub: Path) -> None:
    edit(hub / "registry" / INVOICE, "  team: billing-ops\n", "  team: [billing-ops]\n")
    ws = workspace(hub)
    full, _, layers = policies(ws, ws.agent(INVOICE))
    assert {la.level for la in layers} == {"hub", "agent"}
    assert full.get("logging.min_retention_days") == 30


def test_meta_of_a_manifest_without_a_metadata_mapping_is_empty(hub: Path) -> None:
    ws = workspace(hub)
    agent = ws.agent(INCIDENT)
    assert meta_of(agent)["name"] == "incident-triage"
    broken = Loaded(agent.path, agent.file, agent.manifest, agent.sha256, cached={"metadata": "x"})
    assert meta_of(broken) == {}
    assert meta_of(Loaded(agent.path, agent.file, agent.manifest, agent.sha256, cached={})) == {}
