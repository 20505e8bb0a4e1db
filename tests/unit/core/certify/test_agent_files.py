"""The certify workspace: files found by the registry layout, loaded once each by the one
manifest loader, with data from the parsed-manifest cache while the bytes are unchanged."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from hubrails.core.certify.agent_files import Workspace
from hubrails.core.certify.parsed_cache import DocCache
from hubrails.core.hub.locate import find_hub
from hubrails.core.registry.config import load_config
from hubrails.errors import HubError
from tests.helpers import edit, write

AGENT = "spokes/sre/agents/incident-triage.yaml"


def workspace(root: Path, hub: Path | None = None, *, docs: bool = False) -> Workspace:
    config = load_config(root)
    return Workspace(config, find_hub(config, hub), DocCache(root) if docs else None)


def test_the_agents_are_those_of_the_layout_folders(hub: Path) -> None:
    write(hub, {"registry/spokes/sre/agents/notes.md": "not an agent\n"})
    assert workspace(hub).agent_paths == [
        "spokes/billing-ops/agents/invoice-triage.yaml",
        "spokes/growth/agents/release-notes.yaml",
        AGENT,
        "spokes/support/agents/ticket-responder.yaml",
    ]


def test_an_agent_is_found_by_name_or_by_its_file(
    hub: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace(hub)
    assert ws.find_agent("incident-triage") == AGENT
    monkeypatch.chdir(hub / "registry/spokes/sre")
    assert ws.find_agent("agents/incident-triage.yaml") == AGENT
    with pytest.raises(HubError, match="no agent named 'incident-triag'") as unknown:
        ws.find_agent("incident-triag")
    assert "incident-triage" in unknown.value.hint
    with pytest.raises(HubError, match="not an agent manifest"):
        ws.find_agent(str(hub / "registry/tools/jira.yaml"))
    shutil.copy(
        hub / "registry" / AGENT, hub / "registry/spokes/growth/agents/incident-triage.yaml"
    )
    with pytest.raises(HubError, match="more than one agent"):
        workspace(hub).find_agent("incident-triage")


def test_lookups_follow_the_layout_and_load_each_file_once(hub: Path) -> None:
    ws = workspace(hub)
    tool = ws.tool("jira")
    assert tool is not None
    assert tool is ws.tool("jira")  # the memo: one read per file and run
    assert (tool.path, tool.ok, tool.data["metadata"]["name"]) == (
        "registry/tools/jira.yaml",
        True,
        "jira",
    )
    raw = (hub / "registry/tools/jira.yaml").read_bytes()
    assert tool.sha256 == hashlib.sha256(raw).hexdigest()
    assert tool.manifest.raw == raw
    team, pricing = ws.team("sre"), ws.pricing()
    assert team is not None and team.path == "registry/teams/sre.yaml"
    assert pricing is not None and pricing.path == "registry/pricing.yaml"
    assert ws.tool("no-such-tool") is None
    assert ws.team("no-such-team") is None


def test_a_library_skill_wins_over_a_spoke_skill_of_the_same_name(hub: Path) -> None:
    copy = hub / "registry/spokes/sre/skills/incident-summary"
    shutil.copytree(hub / "registry/skills/incident-summary", copy)
    skill = workspace(hub).skill("incident-summary")
    assert skill is not None
    assert skill.path == "registry/skills/incident-summary/skill.yaml"
    spoke_only = workspace(hub).skill("sentiment-triage")
    assert spoke_only is not None
    assert spoke_only.path == "registry/spokes/support/skills/sentiment-triage/skill.yaml"
    (copy / "skill.yaml").unlink()
    assert workspace(hub).skill("no-such-skill") is None


def test_guardrails_of_the_hub_and_of_one_team(hub: Path) -> None:
    hub_level, team_level = workspace(hub).guardrails("billing-ops")
    assert [g.path for g in hub_level] == [
        "registry/guardrails/baseline.yaml",
        "registry/guardrails/cost-limits.yaml",
        "registry/guardrails/model-allowlist.yaml",
    ]
    assert [g.path for g in team_level] == [
        "registry/spokes/billing-ops/guardrails/billing-retention.yaml"
    ]
    assert workspace(hub).guardrails("sre")[1] == []


def test_a_file_that_does_not_load_says_why_and_keeps_its_text(hub: Path) -> None:
    edit(hub / "registry" / AGENT, "metadata:\n", "metadata:\n  - [oops\n")
    agent = workspace(hub).agent(AGENT)
    assert not agent.ok
    assert agent.error is not None and agent.manifest.error is not None
    assert agent.manifest.error.rule == "yaml-syntax"
    assert (agent.doc, agent.data, agent.line(("metadata",))) == (None, {}, 1)
    assert "- [oops" in agent.text
    assert agent.sha256 == hashlib.sha256((hub / "registry" / AGENT).read_bytes()).hexdigest()


def test_a_link_outside_the_repository_is_not_read(hub: Path, tmp_path: Path) -> None:
    outside = tmp_path / "jira.yaml"
    shutil.copy(hub / "registry/tools/jira.yaml", outside)
    (hub / "registry/tools/jira.yaml").unlink()
    (hub / "registry/tools/jira.yaml").symlink_to(outside)
    tool = workspace(hub).tool("jira")
    assert tool is not None and not tool.ok
    assert tool.manifest.error is not None and tool.manifest.error.rule == "symlink-outside"
    assert (tool.text, tool.sha256, tool.data) == ("", "", {})


def test_the_parsed_cache_serves_unchanged_bytes_only(hub: Path) -> None:
    first = workspace(hub, docs=True)
    fresh = first.agent(AGENT)
    assert fresh.cached is None and fresh.manifest.doc is not None
    assert first.docs is not None
    first.docs.save()
    again = workspace(hub, docs=True).agent(AGENT)
    assert again.cached == fresh.data
    assert again.manifest.doc is None  # not parsed: the cache had the data
    assert again.sha256 == fresh.sha256
    assert again.line(("spec", "tools")) == fresh.line(("spec", "tools"))  # marks on demand
    edit(hub / "registry" / AGENT, "  tools:\n", "\n  tools:\n")
    edited = workspace(hub, docs=True).agent(AGENT)
    assert edited.cached is None
    assert edited.line(("spec", "tools")) == fresh.line(("spec", "tools")) + 1


def test_the_hubs_files_are_named_hub_in_a_spoke(hub: Path, tmp_path: Path) -> None:
    spoke = tmp_path / "sre"
    write(
        spoke,
        {
            "hub.yaml": "apiVersion: hubrails/v1\nkind: HubConfig\nrole: spoke\nteam: sre\n"
            "hub:\n  url: ../hub\n  ref: main\n",
            f"registry/agents/{Path(AGENT).name}": (hub / "registry" / AGENT).read_text(),
            "registry/tools/jira.yaml": (hub / "registry/tools/jira.yaml").read_text(),
        },
    )
    ws = workspace(spoke, hub)
    assert ws.agent_paths == ["agents/incident-triage.yaml"]
    jira, slack = ws.tool("jira"), ws.tool("slack")
    assert jira is not None and jira.path == "hub:registry/tools/jira.yaml"  # the hub's first
    assert slack is not None and slack.path == "hub:registry/tools/slack.yaml"
    assert ws.agent("agents/incident-triage.yaml").path == "registry/agents/incident-triage.yaml"


def test_a_skills_scanned_files_are_its_regular_files_only(hub: Path, tmp_path: Path) -> None:
    import os

    folder = hub / "registry/skills/incident-summary"
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "key.txt").write_text("outside\n", encoding="utf-8")
    (outside / "deep" / "key.txt").write_text("outside\n", encoding="utf-8")
    (folder / "linked.txt").symlink_to(outside / "key.txt")
    (folder / "linked-folder").symlink_to(outside / "deep")
    os.mkfifo(folder / "pipe")  # a blocking read would hang certify
    (folder / "notes").mkdir()
    (folder / "notes" / "n.md").write_text("notes\n", encoding="utf-8")
    (folder / "binary.bin").write_bytes(b"\xff\xfe")
    ws = workspace(hub)
    skill = ws.skill("incident-summary")
    assert skill is not None
    files = dict(ws.skill_files(skill))
    assert "registry/skills/incident-summary/notes/n.md" in files
    assert "registry/skills/incident-summary/SKILL.md" in files
    assert not [p for p in files if p.rsplit("/", 1)[-1] in ("linked.txt", "pipe", "binary.bin")]
    assert not [p for p in files if "linked-folder" in p]
    assert "outside\n" not in files.values()
