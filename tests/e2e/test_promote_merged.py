"""After a spoke's promotion is merged: what validate says about the spoke's copy, and what
promote said to do about it; promote's words for an agent; the pull request names both sides."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import SPOKE_SKILL
from tests.gitrepo import git
from tests.helpers import run_cli

BRANCH = "promote/support/sentiment-triage"


def test_duplicate_after_merge_names_the_hub_file_and_says_to_delete(
    spoke: Path, tmp_path: Path
) -> None:
    run = run_cli("promote", "sentiment-triage")
    assert run.exit_code == 0, run.stderr
    assert f"next: once the pull request is merged, delete {SPOKE_SKILL}/" in run.stdout
    hub = tmp_path / "hub.git"
    git(hub, "update-ref", "refs/heads/main", git(hub, "rev-parse", BRANCH))  # merged
    validated = run_cli("validate", "--format", "json")
    assert validated.exit_code == 1
    dup = [f for f in validated.json()["findings"] if f["rule"] == "duplicate-name"]
    assert len(dup) == 1, validated.stdout
    assert dup[0]["path"] == f"{SPOKE_SKILL}/skill.yaml"
    assert dup[0]["message"] == (
        "Skill 'sentiment-triage' is also defined in the hub ../hub.git: "
        "registry/skills/sentiment-triage/skill.yaml"
    )
    assert f"delete this one, {SPOKE_SKILL}/" in dup[0]["hint"]
    assert dup[0]["related"] == ["hub:registry/skills/sentiment-triage/skill.yaml"]
    text = run_cli("validate").stdout
    assert "is also defined in the hub ../hub.git: registry/skills/" in text


def test_pull_request_names_both_repositories(spoke: Path, tmp_path: Path) -> None:
    body = run_cli("promote", "sentiment-triage", "--format", "json").json()["pull_request"]
    moved = next(line for line in body["body"].splitlines() if line.startswith("- Moved"))
    assert moved == (
        f"- Moved from `{SPOKE_SKILL}/` in `{spoke}` to `registry/skills/sentiment-triage/` "
        f"in the hub `{tmp_path / 'hub.git'}`"
    )


def test_promoting_an_agent_says_it_is_an_agent(spoke: Path) -> None:
    run = run_cli("promote", "ticket-responder")
    assert run.exit_code == 2
    assert "'ticket-responder' is an agent (registry/agents/ticket-responder.yaml)" in run.stderr
    assert "hub promote promotes skills" in run.stderr
    assert "commit the skill first" not in run.stderr


def test_promoting_an_agent_in_a_monorepo(registry: Path) -> None:
    git(registry, "init", "-q", "-b", "main")
    git(registry, "add", "-A")
    git(registry, "commit", "-q", "-m", "hub")
    run = run_cli("promote", "incident-triage")
    assert run.exit_code == 2
    assert "'incident-triage' is an agent (registry/spokes/sre/agents/" in run.stderr
