"""The dashboard's governance sections on the example registry: each agent certified afresh
with its certificate's state, waivers with their expiry, tools by status and risk with their
users, skill promotions from git history, and one team's share of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hubrails.core.certify.agent_files import Workspace
from hubrails.core.dashboard.governance import (
    AgentStatus,
    ToolStatus,
    certification,
    governance,
    promotions,
    tools,
    waivers,
)
from hubrails.core.hub.locate import find_hub
from hubrails.core.ledger.window import Window
from hubrails.core.registry.config import load_config
from tests.gitrepo import commit_all, init_repo
from tests.helpers import edit, run_cli, write

NOW = dt.datetime(2026, 6, 20, 12, tzinfo=dt.UTC)
JUNE = Window(
    int(dt.datetime(2026, 6, 1, tzinfo=dt.UTC).timestamp() * 1000),
    int(dt.datetime(2026, 6, 20, tzinfo=dt.UTC).timestamp() * 1000),
)


def workspace(root: Path) -> Workspace:
    config = load_config(root, remember=False)
    return Workspace(config, find_hub(config))


def waiver(name: str, agent: str, check: str, expires: str, team: str | None = None) -> str:
    scope = f"  team: {team}\n" if team else ""
    return (
        f"apiVersion: hubrails/v1\nkind: Waiver\nmetadata:\n  name: {name}\n  team: platform\n"
        f'  version: "1.0.0"\n  description: A waiver.\nspec:\n  agent: {agent}\n{scope}'
        f'  check: {check}\n  reason: Moving clusters.\n  granted_by: "@carol.diaz"\n'
        f'  expires: "{expires}"\n'
    )


# certification


def test_every_agent_is_certified_afresh_failing_and_uncertified_first(registry: Path) -> None:
    agents, _ = certification(workspace(registry), None, NOW)
    assert {(a.team, a.agent) for a in agents} == {
        ("billing-ops", "invoice-triage"),
        ("growth", "release-notes"),
        ("sre", "incident-triage"),
        ("support", "ticket-responder"),
    }
    keys = [(a.passed, a.certificate == "valid", a.team, a.agent) for a in agents]
    assert keys == sorted(keys)
    for status in agents:
        assert status.passed == (status.failing == ())
    assert all(a.certificate != "valid" for a in agents)  # nothing is written yet


def test_a_written_certificate_is_valid_and_one_for_an_older_agent_is_not(
    registry: Path,
) -> None:
    assert run_cli("certify", "incident-triage", "--write").exit_code == 0
    now = dt.datetime.now(dt.UTC)  # the certificate is issued by the clock
    agents, _ = certification(workspace(registry), None, now)
    triage = next(a for a in agents if a.agent == "incident-triage")
    assert (triage.passed, triage.certificate, triage.detail) == (True, "valid", "")
    agent = registry / "registry/spokes/sre/agents/incident-triage.yaml"
    agent.write_text(agent.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    agents, _ = certification(workspace(registry), None, now)
    triage = next(a for a in agents if a.agent == "incident-triage")
    assert triage.certificate not in ("valid", "none")
    assert triage.detail


def test_a_failing_check_is_listed_and_once_waived_is_waived_instead(registry: Path) -> None:
    agent = registry / "registry/spokes/sre/agents/incident-triage.yaml"
    edit(agent, "retention_days: 90", "retention_days: 7")  # the baseline asks for 30
    before = {a.agent: a for a in certification(workspace(registry), None, NOW)[0]}
    assert (before["incident-triage"].passed, before["incident-triage"].failing) == (
        False,
        ("logging",),
    )
    assert next(iter(before.values())).agent == "incident-triage"  # the failing first
    write(
        registry,
        {"registry/waivers/w.yaml": waiver("w", "incident-triage", "logging", "2030-01-01")},
    )
    after = {a.agent: a for a in certification(workspace(registry), None, NOW)[0]}
    assert after["incident-triage"].waived == ("logging",)
    assert after["incident-triage"].failing == ()
    assert after["incident-triage"].passed


# waivers


def test_waivers_expired_ones_too_soonest_first(registry: Path) -> None:
    write(
        registry,
        {
            "registry/waivers/a.yaml": waiver("a", "incident-triage", "logging", "2030-01-01"),
            "registry/waivers/b.yaml": waiver("b", "release-notes", "evals", "2026-06-19"),
            "registry/waivers/c.yaml": waiver("c", "incident-triage", "evals", "2026-06-20"),
            "registry/waivers/bad.yaml": "kind: Waiver\n",
        },
    )
    found = waivers(workspace(registry), NOW.date())
    assert [(s.waiver.name, s.expired) for s in found] == [
        ("b", True),
        ("c", False),  # expires today: still holds
        ("a", False),
    ]


def test_no_waivers_folder_means_no_waivers(registry: Path) -> None:
    assert waivers(workspace(registry), NOW.date()) == ()


# tools


def test_tools_have_their_status_risk_and_number_of_users(registry: Path) -> None:
    found = tools(workspace(registry))
    by_name = {t.name: t for t in found}
    assert len(found) == 11
    assert by_name["github"] == ToolStatus("github", "platform", "vetted", "medium", 5)
    keys = [(t.status, t.risk, t.name) for t in found]
    assert keys == sorted(keys)
    assert all(t.users >= 0 for t in found)


def test_a_manifest_naming_a_tool_twice_is_one_user(registry: Path) -> None:
    agent = registry / "registry/spokes/growth/agents/release-notes.yaml"
    edit(
        agent,
        "    - name: slack\n",
        '    - name: github\n      version: "^2.1.0"\n    - name: slack\n',
    )
    assert {t.name: t.users for t in tools(workspace(registry))}["github"] == 5


def test_a_tool_without_a_risk_shows_a_question_mark(registry: Path) -> None:
    tool = registry / "registry/tools/jira.yaml"
    lines = tool.read_text(encoding="utf-8").splitlines(keepends=True)
    tool.write_text("".join(x for x in lines if not x.startswith("  risk:")), encoding="utf-8")
    assert {t.name: t.risk for t in tools(workspace(registry))}["jira"] == "?"


# promotions


def commit_at(root: Path, when: str, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_COMMITTER_DATE", when)
    commit_all(root, message)


def promotion(skill: str) -> str:
    return (
        f"feat(skills): promote sre/{skill} to the hub library\n\n"
        "Source-Repository: ../sre\nSource-Version: 1.2.0\nPromoted-by: hubrails 0.1.0"
    )


def test_without_git_history_there_are_no_promotions_to_show(registry: Path) -> None:
    assert promotions(workspace(registry), JUNE) is None


def test_the_promotions_of_the_window_newest_first(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    init_repo(registry)
    commit_at(registry, "2026-05-31T23:59:59Z", promotion("before"), monkeypatch)
    commit_at(registry, "2026-06-01T00:00:00Z", promotion("first"), monkeypatch)
    commit_at(registry, "2026-06-10T12:00:00Z", promotion("second"), monkeypatch)
    commit_at(registry, "2026-06-11T12:00:00Z", "docs: x\n\nPromoted-by: someone else", monkeypatch)
    commit_at(registry, "2026-06-20T00:00:00Z", promotion("after"), monkeypatch)
    found = promotions(workspace(registry), JUNE)
    assert found is not None
    assert [p.subject.split()[2] for p in found] == ["sre/second", "sre/first"]
    first = found[-1]
    assert first.time == dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    assert (first.version, first.source, len(first.commit)) == ("1.2.0", "../sre", 40)


def test_a_window_ending_within_a_second_includes_that_second(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    init_repo(registry)
    commit_at(registry, "2026-06-10T12:00:00Z", promotion("edge"), monkeypatch)
    at = int(dt.datetime(2026, 6, 10, 12, tzinfo=dt.UTC).timestamp() * 1000)
    found = promotions(workspace(registry), Window(at - 1000, at + 1))
    assert found is not None and len(found) == 1
    assert promotions(workspace(registry), Window(at - 1000, at)) == ()


# governance


def test_one_teams_governance_keeps_its_agents_and_their_waivers_but_every_tool(
    registry: Path,
) -> None:
    write(
        registry,
        {
            "registry/waivers/a.yaml": waiver("a", "incident-triage", "logging", "2030-01-01"),
            "registry/waivers/b.yaml": waiver("b", "release-notes", "evals", "2030-01-01"),
            "registry/waivers/c.yaml": waiver("c", "shared", "evals", "2030-01-01", team="sre"),
        },
    )
    ws = workspace(registry)
    everything = governance(ws, JUNE, None, NOW)
    assert len(everything.agents) == 4 and len(everything.waivers) == 3
    assert everything.promotions is None
    sre = governance(ws, JUNE, None, NOW, "sre")
    assert [a.agent for a in sre.agents] == ["incident-triage"]
    assert all(isinstance(a, AgentStatus) for a in sre.agents)
    assert sorted(s.waiver.name for s in sre.waivers) == ["a", "c"]
    assert sre.tools == everything.tools
    assert governance(ws, JUNE, None, NOW, "nobody").agents == ()
