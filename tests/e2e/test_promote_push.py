"""``hub promote`` pushing: to the hub repository's remote, and from a spoke to its hub."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import SPOKE_SKILL
from tests.e2e.test_promote_hub import BRANCH, TARGET, refused
from tests.gitrepo import (
    bare_remote,
    commit_all,
    git,
    hub_repo,
    make_dirty,
    reject_pushes,
    show,
    snapshot,
)
from tests.helpers import edit, run_cli


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hub_template: Path) -> Path:
    """A hub repository whose origin is a bare repository at ../origin.git."""
    root = hub_repo(tmp_path / "hub", hub_template)
    bare_remote(tmp_path / "origin.git", root)
    monkeypatch.chdir(root)
    return root


def test_monorepo_pushes_to_origin(hub: Path, tmp_path: Path) -> None:
    run = run_cli("promote", "sentiment-triage", "--format", "json")
    assert run.exit_code == 0, run.stderr
    result = run.json()
    assert result["pushed"]["remote"] == "origin"
    assert result["pushed"]["summary"] == "[new branch]"
    origin = tmp_path / "origin.git"
    assert git(origin, "rev-parse", BRANCH) == git(hub, "rev-parse", BRANCH) == result["commit"]


def test_monorepo_no_push(hub: Path, tmp_path: Path) -> None:
    assert run_cli("promote", "sentiment-triage", "--no-push").exit_code == 0
    assert git(tmp_path / "origin.git", "branch", "--list", BRANCH) == ""
    assert git(hub, "branch", "--list", BRANCH)


def test_monorepo_rejected_push_leaves_nothing(hub: Path, tmp_path: Path) -> None:
    reject_pushes(tmp_path / "origin.git", "policy: promotions need a change ticket")
    make_dirty(hub)
    before = snapshot(hub)
    run = run_cli("promote", "sentiment-triage")
    assert run.exit_code == 1
    assert "refused the branch: [remote rejected] (pre-receive hook declined)" in run.stderr
    assert "policy: promotions need a change ticket" in run.stderr
    assert snapshot(hub) == before
    assert git(tmp_path / "origin.git", "branch", "--list", BRANCH) == ""


def test_monorepo_remote_branch_needs_force(hub: Path, tmp_path: Path) -> None:
    assert run_cli("promote", "sentiment-triage").exit_code == 0
    pushed = git(hub, "rev-parse", BRANCH)
    git(hub, "branch", "-q", "-D", BRANCH)
    result = refused("sentiment-triage")
    assert result["reason"] == "branch-exists" and "on origin" in str(result["message"])
    edit(hub / "registry/spokes/support/skills/sentiment-triage/SKILL.md", "# Sentiment", "# S")
    commit_all(hub)
    assert run_cli("promote", "sentiment-triage", "--force").exit_code == 0
    assert git(tmp_path / "origin.git", "rev-parse", BRANCH) not in ("", pushed)


def test_spoke_promotion_is_pushed_to_the_hub(spoke: Path, tmp_path: Path) -> None:
    make_dirty_spoke(spoke)
    before = snapshot(spoke)
    run = run_cli("promote", "sentiment-triage", "--format", "json")
    assert run.exit_code == 0, run.stderr
    result = run.json()
    assert snapshot(spoke) == before
    hub = tmp_path / "hub.git"
    tip = git(hub, "rev-parse", "promote/support/sentiment-triage")
    assert tip == result["commit"]
    assert git(hub, "rev-parse", f"{tip}^") == git(hub, "rev-parse", "main")
    manifest = show(hub, tip, f"{TARGET}/skill.yaml")
    assert "  team: platform\n" in manifest
    assert f'    commit: "{git(spoke, "rev-parse", "HEAD")}"' in manifest
    assert f'    repository: "{spoke}"' in manifest
    assert manifest.startswith("# yaml-language-server: $schema=../../../schemas/skill.schema.json")
    assert show(hub, tip, f"{TARGET}/references/labels.md") == (
        spoke / SPOKE_SKILL / "references/labels.md"
    ).read_text(encoding="utf-8").rstrip("\n")
    assert result["pushed"]["summary"] == "[new branch]"
    assert [a["name"] for a in result["agents"]] == ["ticket-responder"]
    assert git(spoke, "branch", "--list") == "* main"


def make_dirty_spoke(spoke: Path) -> None:
    """Staged, unstaged and untracked changes in a spoke."""
    (spoke / "notes.txt").write_text("untracked\n", encoding="utf-8")
    edit(spoke / "registry/agents/ticket-responder.yaml", "2.1.0", "2.2.0")
    edit(spoke / f"{SPOKE_SKILL}/SKILL.md", "# Sentiment triage", "# Sentiment triage!")
    git(spoke, "add", f"{SPOKE_SKILL}/SKILL.md")


def test_spoke_push_rejected_by_a_hook(spoke: Path, tmp_path: Path) -> None:
    reject_pushes(tmp_path / "hub.git", "hub is frozen for the release")
    before = snapshot(spoke)
    result = refused("sentiment-triage")
    assert result["reason"] == "push-rejected"
    assert result["details"] == ["hub is frozen for the release"]
    assert snapshot(spoke) == before
    assert git(tmp_path / "hub.git", "branch", "--list", "promote/*") == ""


def test_spoke_force_rules(spoke: Path, tmp_path: Path) -> None:
    hub = tmp_path / "hub.git"
    ref = "promote/support/sentiment-triage"
    assert run_cli("promote", "sentiment-triage").exit_code == 0
    first = git(hub, "rev-parse", ref)
    assert refused("sentiment-triage")["reason"] == "branch-exists"
    edit(spoke / f"{SPOKE_SKILL}/SKILL.md", "# Sentiment triage", "# Triage")
    commit_all(spoke)
    assert run_cli("promote", "sentiment-triage", "--force").exit_code == 0
    second = git(hub, "rev-parse", ref)
    assert second != first
    # a reviewer pushes a commit onto the branch: --force must leave it alone
    review = tmp_path / "review"
    git(tmp_path, "clone", "-q", "--branch", ref, str(hub), str(review))
    (review / "REVIEW.md").write_text("ok\n", encoding="utf-8")
    commit_all(review, "review")
    git(review, "push", "-q", "origin", ref)
    human = git(hub, "rev-parse", ref)
    assert refused("sentiment-triage", "--force")["reason"] == "branch-not-ours"
    assert git(hub, "rev-parse", ref) == human


def test_spoke_dry_run_and_no_push(spoke: Path, tmp_path: Path) -> None:
    run = run_cli("promote", "sentiment-triage", "--dry-run")
    assert run.exit_code == 0, run.stderr
    assert "Would promote support/sentiment-triage" in run.stdout
    assert git(tmp_path / "hub.git", "branch", "--list", "promote/*") == ""
    run = run_cli("promote", "sentiment-triage", "--no-push")
    assert run.exit_code == 2
    assert "--dry-run" in run.stderr


def test_spoke_with_an_unreachable_hub(spoke: Path) -> None:
    edit(spoke / "hub.yaml", "url: ../hub.git", "url: ../nowhere.git")
    run = run_cli("promote", "sentiment-triage", "--format", "json")
    assert run.exit_code == 1
    assert run.json()["reason"] == "remote-unreachable"
    assert "cannot fetch the hub" in run.stderr


def test_spoke_skill_must_be_committed(spoke: Path) -> None:
    assert run_cli("promote", "other-skill").exit_code == 2
    assert run_cli("promote", "growth/sentiment-triage").exit_code == 2


def test_monorepo_with_an_unreachable_remote(hub: Path, tmp_path: Path) -> None:
    git(hub, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    before = snapshot(hub)
    result = refused("sentiment-triage")
    assert result["reason"] == "remote-unreachable"
    assert snapshot(hub) == before


def test_monorepo_remote_that_disappears_during_the_push(hub: Path, tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    hook = origin / "hooks" / "pre-receive"  # the remote goes away in the middle of the push
    hook.write_text(f'#!/bin/sh\nmv "{origin}" "{origin}.gone"\nkill -9 $PPID\nexit 1\n')
    hook.chmod(0o755)
    make_dirty(hub)
    before = snapshot(hub)
    run = run_cli("promote", "sentiment-triage", "--format", "json")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert run.json()["reason"] == "push-rejected"
    assert "the remote end hung up unexpectedly" in run.json()["message"]
    assert "Traceback" not in run.stderr
    assert snapshot(hub) == before
    assert git(tmp_path / "origin.git.gone", "branch", "--list", BRANCH) == ""
