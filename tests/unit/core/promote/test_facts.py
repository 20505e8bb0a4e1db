"""Facts a promotion reports: the hub's platform team, the tools a skill needs with their
catalog status and risk, and the agents that use the skill. (The certification phrase is
tested with the pull request body, in test_pull_request.py.)"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from hubrails.core.promote.facts import agent_uses, platform_team, tool_uses
from hubrails.core.promote.outcome import AgentUse, ToolUse
from hubrails.core.validate.reports import Asset, FileReport


def team(name: str, platform: object, owners: str = '["@carol", "@dan"]') -> bytes:
    return (
        f"kind: Team\nmetadata:\n  name: {name}\nspec:\n  platform: {platform}\n"
        f"  owners: {owners}\n"
    ).encode()


# platform_team


def test_the_platform_team_is_the_first_with_platform_true() -> None:
    teams = [team("sre", "false"), None, team("platform", "true"), team("other", "true")]
    assert platform_team(teams) == ("platform", ("@carol", "@dan"))


@pytest.mark.parametrize("flag", ["false", '"true"', "yes-please"])
def test_only_a_boolean_true_makes_a_platform_team(flag: str) -> None:
    assert platform_team([team("platform", flag)]) is None


def test_unreadable_or_odd_team_files_are_skipped() -> None:
    teams = [b"kind: [Team\n", b"\xff\xfe", b"- a list\n", b"metadata: x\nspec: {platform: true}\n"]
    assert platform_team(teams) is None
    assert platform_team([]) is None


def test_owners_that_are_not_names_are_dropped_and_none_means_no_owners() -> None:
    assert platform_team([team("p", "true", '["@a", 3, null]')]) == ("p", ("@a",))
    assert platform_team([team("p", "true", "null")]) == ("p", ())


# tool_uses

CATALOG = {
    "registry/tools/github.yaml": (
        b"kind: Tool\nspec:\n  status: vetted\n  risk: medium\n  actions:\n"
        b"    - {name: read, risk: low}\n    - {name: merge, risk: high}\n    - {name: list}\n"
    ),
    "registry/tools/shell.yaml": b"kind: Tool\nspec: {status: proposed}\n",
}
REPORTS = [
    FileReport(path, asset=Asset("Tool", path.rsplit("/", 1)[-1][:-5], 1, 1)) for path in CATALOG
] + [FileReport("registry/prompts/github.yaml", asset=Asset("Prompt", "github", 1, 1))]


class Reads:
    """A reader over ``CATALOG`` that remembers what it was asked for."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def __call__(self, paths: Iterable[str]) -> dict[str, bytes | None]:
        wanted = list(paths)
        self.asked.append(wanted)
        return {p: CATALOG.get(p) for p in wanted}


def skill(tools: object) -> dict[str, object]:
    return {"kind": "Skill", "spec": {"tools": tools}}


def test_each_tool_has_its_catalog_status_risk_and_the_risk_of_each_action_used() -> None:
    items = [
        {"name": "github", "version": "^1.0.0", "actions": ["read", "merge", "list", "nuke"]},
        {"name": "shell"},
    ]
    reads = Reads()
    assert tool_uses(skill(items), REPORTS, reads) == [
        ToolUse(
            "github",
            "^1.0.0",
            "vetted",
            "medium",
            (("read", "low"), ("merge", "high"), ("list", "?"), ("nuke", "?")),
        ),
        ToolUse("shell", "*", "proposed", "unknown", ()),
    ]
    assert reads.asked == [["registry/tools/github.yaml", "registry/tools/shell.yaml"]]


def test_a_tool_the_catalog_lacks_is_missing_and_not_read() -> None:
    reads = Reads()
    assert tool_uses(skill([{"name": "telepathy"}]), REPORTS, reads) == [
        ToolUse("telepathy", "*", "missing", "unknown", ())
    ]
    assert reads.asked == [[]]


@pytest.mark.parametrize(
    "tools", [None, [], "github", ["github"], [{"version": "1"}], [{"name": 7}]]
)
def test_tool_items_without_a_name_are_ignored(tools: object) -> None:
    assert tool_uses(skill(tools), REPORTS, Reads()) == []


def test_a_skill_without_a_spec_needs_no_tools() -> None:
    assert tool_uses({"spec": "text"}, REPORTS, Reads()) == []
    assert tool_uses({}, [], Reads()) == []


def test_a_tool_manifest_that_does_not_parse_is_missing() -> None:
    broken = {"registry/tools/github.yaml": b"spec: [oops\n"}
    uses = tool_uses(
        skill([{"name": "github"}]), REPORTS, lambda ps: {p: broken.get(p) for p in ps}
    )
    assert uses == [ToolUse("github", "*", "missing", "unknown", ())]


# agent_uses


def agent(name: str, team: str, *skills: str) -> bytes:
    listed = "".join(f"    - name: {s}\n" for s in skills)
    return (
        f"kind: Agent\nmetadata:\n  name: {name}\n  team: {team}\nspec:\n  skills:\n{listed}"
    ).encode()


def test_the_agents_naming_the_skill_are_found_sorted_with_their_certification() -> None:
    agents = [
        ("z.yaml", agent("zeta", "support", "triage")),
        ("b.yaml", agent("beta", "sre", "other")),
        ("a.yaml", agent("alpha", "support", "other", "triage")),
        ("c.yaml", agent("gamma", "billing", "triage")),
    ]
    asked: list[list[str]] = []

    def certificates(paths: Iterable[str]) -> dict[str, bytes | None]:
        asked.append(list(paths))
        return {p: b"{not json" if "zeta" in p else None for p in asked[-1]}

    assert agent_uses("triage", agents, certificates) == [
        AgentUse("gamma", "billing", "c.yaml", "not certified"),
        AgentUse("alpha", "support", "a.yaml", "not certified"),
        AgentUse("zeta", "support", "z.yaml", "unreadable certificate"),
    ]
    assert asked == [
        [
            "certificates/support/zeta.json",
            "certificates/support/alpha.json",
            "certificates/billing/gamma.json",
        ]
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"kind: Agent\nmetadata: {name: a}\nspec: {skills: [{name: triage}]}\n",  # no team
        b"kind: Agent\nmetadata: text\nspec: {skills: [{name: triage}]}\n",
        b"kind: Agent\nmetadata: {name: a, team: t}\nspec: {skills: [triage]}\n",
        b"kind: [Agent\n",
    ],
    ids=["no-team", "metadata-not-a-mapping", "skills-not-mappings", "broken-yaml"],
)
def test_an_agent_without_a_name_and_team_or_named_skills_is_not_a_user(data: bytes) -> None:
    assert agent_uses("triage", [("a.yaml", data)], lambda ps: dict.fromkeys(ps)) == []
