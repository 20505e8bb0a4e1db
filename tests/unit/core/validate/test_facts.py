"""What a parsed manifest tells the cross-file checks: its asset and its references, each
with where it is written."""

from __future__ import annotations

from hubrails.core.registry.safeyaml import parse
from hubrails.core.validate.facts import asset_of, refs_of
from hubrails.core.validate.reports import Ref

AGENT = """\
kind: Agent
metadata:
  name: bot
  team: sre
  labels: {tier: gold, cost: 3}
spec:
  model: claude-sonnet-4-5
  instructions: {name: triage-system, version: "^1.0.0"}
  skills:
    - name: incident-summary
      version: "^1.3.0"
    - "not a mapping"
  tools:
    - name: jira
      actions: [search, comment, 7]
"""


def test_an_agent_asset_and_every_reference_with_its_place() -> None:
    doc = parse(AGENT)
    asset = asset_of(doc, "Agent")
    assert asset is not None
    assert (asset.kind, asset.name, asset.line, asset.column) == ("Agent", "bot", 3, 9)
    assert (asset.team, asset.lifecycle, asset.labels) == ("sre", "production", (("tier", "gold"),))
    assert refs_of(doc, "Agent") == [
        Ref("Team", "sre", "metadata.team", 4, 9),
        Ref("Skill", "incident-summary", "spec.skills[0].name", 10, 13, "^1.3.0"),
        Ref("Tool", "jira", "spec.tools[0].name", 14, 13, None, ("search", "comment")),
        Ref("Prompt", "triage-system", "spec.instructions.name", 8, 24, "^1.0.0"),
        Ref("Model", "claude-sonnet-4-5", "spec.model", 7, 10),
    ]


def test_no_name_no_asset_and_a_team_references_no_team() -> None:
    assert asset_of(parse("kind: Tool\nmetadata: {team: sre}\n"), "Tool") is None
    team = parse("kind: Team\nmetadata: {name: sre, team: sre}\nspec: {platform: true}\n")
    asset = asset_of(team, "Team")
    assert asset is not None and asset.platform
    assert refs_of(team, "Team") == []


def test_what_a_tool_and_the_pricing_table_provide() -> None:
    tool = parse(
        "metadata: {name: jira}\nspec:\n  status: vetted\n  actions: [{name: a}, {name: 2}, x]\n"
    )
    asset = asset_of(tool, "Tool")
    assert asset is not None and (asset.provides, asset.status) == (("a",), "vetted")
    pricing = parse(
        "metadata: {name: pricing}\nspec:\n  models:\n"
        "    - {id: claude-sonnet-4-5, aliases: [sonnet]}\n    - {id: gpt-5}\n"
    )
    priced = asset_of(pricing, "Pricing")
    assert priced is not None and priced.provides == ("claude-sonnet-4-5", "gpt-5", "sonnet")
