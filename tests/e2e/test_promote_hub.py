"""``hub promote`` in a hub repository (monorepo mode), end to end on real git repositories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.gitrepo import commit_all, git, hub_repo, make_dirty, show, snapshot
from tests.helpers import edit, run_cli

SPOKE = "registry/spokes/support/skills/sentiment-triage"
TARGET = "registry/skills/sentiment-triage"
BRANCH = "promote/support/sentiment-triage"


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hub_template: Path) -> Path:
    """A committed copy of the example hub; the current folder is its root."""
    root = hub_repo(tmp_path / "hub", hub_template)
    monkeypatch.chdir(root)
    return root


def refused(*args: str) -> dict[str, object]:
    """Run a promotion that must be refused; its JSON refusal."""
    run = run_cli("promote", "--format", "json", *args)
    assert run.exit_code == 1, (run.stdout, run.stderr)
    data: dict[str, object] = run.json()
    assert data["promoted"] is False
    return data


def test_monorepo_promotion_moves_the_skill_and_touches_nothing(hub: Path) -> None:
    make_dirty(hub)
    before = snapshot(hub)
    head = git(hub, "rev-parse", "HEAD")
    run = run_cli("promote", "sentiment-triage", "--format", "json")
    assert run.exit_code == 0, run.stderr
    result = run.json()
    assert snapshot(hub, ignore_ref=f"refs/heads/{BRANCH}") == before
    tip = git(hub, "rev-parse", BRANCH)
    assert result["commit"] == tip
    assert git(hub, "rev-parse", f"{BRANCH}^") == head
    assert git(hub, "rev-list", "--count", f"main..{BRANCH}") == "1"
    changed = git(hub, "diff", "--name-status", "-M", "main", BRANCH).splitlines()
    assert sorted(changed) == sorted(
        [
            f"R100\t{SPOKE}/SKILL.md\t{TARGET}/SKILL.md",
            f"R100\t{SPOKE}/references/labels.md\t{TARGET}/references/labels.md",
            f"R{changed[-1].split()[0][1:]}\t{SPOKE}/skill.yaml\t{TARGET}/skill.yaml",
        ]
    )
    manifest = show(hub, BRANCH, f"{TARGET}/skill.yaml")
    assert manifest.startswith("# yaml-language-server: $schema=../../../schemas/skill.schema.json")
    assert '  team: platform\n  promoted_from:\n    team: "support"' in manifest
    assert f'    commit: "{head}"' in manifest
    assert '    version: "1.0.0"' in manifest
    assert "promotion-note: No tools" in manifest  # the author's layout is kept
    assert "Uncommitted line." not in show(hub, BRANCH, f"{TARGET}/SKILL.md")
    assert any("uncommitted changes" in n for n in result["notes"])


def test_commit_message_author_and_trailers(hub: Path) -> None:
    git(hub, "config", "user.name", "Repo User")
    git(hub, "config", "user.email", "repo.user@example.com")
    os.environ.pop("GIT_AUTHOR_NAME")
    os.environ.pop("GIT_AUTHOR_EMAIL")
    assert run_cli("promote", "sentiment-triage").exit_code == 0
    log = git(hub, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%s", BRANCH)
    assert log == (
        "Repo User <repo.user@example.com>|Repo User <repo.user@example.com>|"
        "feat(skills): promote support/sentiment-triage to the hub library"
    )
    trailers = git(hub, "log", "-1", "--format=%(trailers:only,unfold)", BRANCH)
    assert f"Source-Commit: {git(hub, 'rev-parse', 'main')}" in trailers
    assert f"Source-Repository: {hub}" in trailers
    assert "Promoted-by: hubrails" in trailers


def test_branch_validates_and_agents_resolve_to_the_hub_skill(hub: Path, tmp_path: Path) -> None:
    result = run_cli("promote", "sentiment-triage", "--format", "json").json()
    assert [(a["name"], a["team"]) for a in result["agents"]] == [("ticket-responder", "support")]
    assert result["agents"][0]["certification"] == "not certified"
    checkout = tmp_path / "checkout"
    git(hub, "worktree", "add", "-q", "--detach", str(checkout), BRANCH)
    run = run_cli("validate", "--root", str(checkout), "--format", "json")
    assert run.exit_code == 0, run.stdout
    assert not (checkout / SPOKE).exists()
    assert "name: sentiment-triage" in (
        checkout / "registry/spokes/support/agents/ticket-responder.yaml"
    ).read_text(encoding="utf-8")


def test_pull_request_text(hub: Path) -> None:
    run = run_cli("promote", "billing-ops/invoice-dispute-summary", "--dry-run")
    assert run.exit_code == 1  # its prompt is still a spoke's
    run = run_cli("promote", "sentiment-triage")
    assert run.exit_code == 0, run.stderr
    out = run.stdout
    assert "Pull request: feat(skills): promote support/sentiment-triage to the hub library" in out
    assert "## What it does\n\nClassify the sentiment" in out
    assert "Owner team: `platform` (was `support`)" in out
    assert "| `ticket-responder` | `support` | not certified |" in out
    assert "@acme/ai-platform, @dana.okafor" in out
    assert "The skill needs no tools." in out


def test_tools_with_risk_and_certified_agents(hub: Path) -> None:
    agent = hub / "registry/spokes/billing-ops/agents/invoice-triage.yaml"
    import hashlib
    import json

    cert = {
        "subject": [
            {"name": "x", "digest": {"sha256": hashlib.sha256(agent.read_bytes()).hexdigest()}}
        ],
        "predicate": {
            "verdict": "pass",
            "issued_at": "2026-11-01T00:00:00Z",
            "expires_at": "2999-01-01T00:00:00Z",
        },
    }
    path = hub / "certificates/billing-ops/invoice-triage.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(cert), encoding="utf-8")
    prompt = "registry/spokes/billing-ops/prompts/dispute-summary.yaml"
    git(hub, "mv", prompt, "registry/prompts/dispute-summary.yaml")
    edit(hub / "registry/prompts/dispute-summary.yaml", "team: billing-ops", "team: platform")
    commit_all(hub)
    result = run_cli("promote", "invoice-dispute-summary", "--format", "json").json()
    assert result["tools"] == [
        {
            "name": "stripe-refunds",
            "version": "^1.2.0",
            "status": "vetted",
            "risk": "high",
            "actions": [
                {"name": "list_disputes", "risk": "low"},
                {"name": "list_invoices", "risk": "low"},
                {"name": "list_payment_intents", "risk": "low"},
            ],
        }
    ]
    assert result["agents"][0]["certification"] == "certified (2026-11-01)"
    assert "| `stripe-refunds` | `^1.2.0` | vetted | high |" in result["pull_request"]["body"]


def test_dry_run_changes_nothing(hub: Path) -> None:
    make_dirty(hub)
    before = snapshot(hub)
    objects = git(hub, "count-objects", "-v")
    run = run_cli("promote", "sentiment-triage", "--dry-run")
    assert run.exit_code == 0, run.stderr
    assert "Would promote support/sentiment-triage" in run.stdout
    assert f"rename to {TARGET}/SKILL.md" in run.stdout
    assert "+  team: platform" in run.stdout
    assert snapshot(hub) == before
    assert git(hub, "count-objects", "-v") == objects


def test_existing_branch_needs_force_and_force_replaces_only_ours(hub: Path) -> None:
    assert run_cli("promote", "sentiment-triage").exit_code == 0
    first = git(hub, "rev-parse", BRANCH)
    assert refused("sentiment-triage")["reason"] == "branch-exists"
    assert git(hub, "rev-parse", BRANCH) == first
    edit(hub / f"{SPOKE}/SKILL.md", "# Sentiment triage", "# Sentiment triage (v2)")
    commit_all(hub)
    run = run_cli("promote", "sentiment-triage", "--force", "--format", "json")
    assert run.exit_code == 0, run.stderr
    second = git(hub, "rev-parse", BRANCH)
    assert second != first and git(hub, "rev-parse", f"{BRANCH}^") == git(hub, "rev-parse", "main")
    # someone commits on the promotion branch: --force must not overwrite it
    worktree = hub.parent / "review"
    git(hub, "worktree", "add", "-q", str(worktree), BRANCH)
    (worktree / "REVIEW.md").write_text("reviewed\n", encoding="utf-8")
    commit_all(worktree, "review notes")
    git(hub, "worktree", "remove", str(worktree))
    human = git(hub, "rev-parse", BRANCH)
    before = snapshot(hub)
    assert refused("sentiment-triage", "--force")["reason"] == "branch-not-ours"
    assert git(hub, "rev-parse", BRANCH) == human
    assert snapshot(hub) == before


def test_custom_branch_name(hub: Path) -> None:
    run = run_cli("promote", "sentiment-triage", "--branch", "review/sentiment")
    assert run.exit_code == 0, run.stderr
    assert git(hub, "rev-parse", "--verify", "review/sentiment")
    assert run_cli("promote", "sentiment-triage", "--branch", "bad..name").exit_code == 2


def test_checked_out_branch_is_never_moved(hub: Path) -> None:
    git(hub, "branch", BRANCH)
    git(hub, "switch", "-q", BRANCH)
    assert refused("sentiment-triage", "--force")["reason"] == "branch-checked-out"


def test_github_remote_gets_a_compare_url(hub: Path) -> None:
    git(hub, "remote", "add", "origin", "git@github.com:acme/agent-hub.git")
    run = run_cli("promote", "sentiment-triage", "--no-push", "--format", "json")
    assert run.exit_code == 0, run.stderr
    result = run.json()
    assert result["pushed"] is None
    assert result["pull_request"]["url"] == (
        "https://github.com/acme/agent-hub/compare/main...promote/support/sentiment-triage?expand=1"
    )
    assert result["lineage"]["repository"] == "git@github.com:acme/agent-hub.git"
    run = run_cli("promote", "sentiment-triage", "--dry-run", "--no-push", "--branch", "preview")
    assert "Open it at: https://github.com/acme/agent-hub/compare/main...preview?expand=1" in (
        run.stdout
    )


def test_push_without_a_remote_is_a_usage_error(hub: Path) -> None:
    run = run_cli("promote", "sentiment-triage", "--push")
    assert run.exit_code == 2
    assert "no remote" in run.stderr
    run = run_cli("promote", "sentiment-triage", "--push", "--format", "json")
    assert run.exit_code == 2
    assert run.json()["reason"] == "usage" and "no remote" in run.json()["message"]
    assert git(hub, "branch", "--list", BRANCH) == ""


def test_hub_in_a_subfolder_of_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib
    import json

    from tests.gitrepo import init_repo
    from tests.helpers import copy_example

    repo = tmp_path / "monorepo"
    root = copy_example(repo / "agents" / "hub")
    agent = root / "registry/spokes/support/agents/ticket-responder.yaml"
    digest = hashlib.sha256(agent.read_bytes()).hexdigest()
    cert = root / "certificates/support/ticket-responder.json"
    cert.parent.mkdir(parents=True)
    cert.write_text(
        json.dumps(
            {
                "subject": [{"name": "a", "digest": {"sha256": digest}}],
                "predicate": {
                    "verdict": "pass",
                    "issued_at": "2026-11-02T00:00:00Z",
                    "expires_at": "2999-01-01T00:00:00Z",
                },
            }
        ),
        encoding="utf-8",
    )
    init_repo(repo)
    monkeypatch.chdir(root / "registry")
    run = run_cli("promote", "sentiment-triage", "--format", "json")
    assert run.exit_code == 0, run.stderr
    result = run.json()
    assert result["target_folder"] == f"agents/hub/{TARGET}"
    assert result["agents"][0]["certification"] == "certified (2026-11-02)"
    assert git(repo, "diff", "--no-renames", "--name-only", "main", BRANCH).splitlines() == sorted(
        f"agents/hub/{p}"
        for p in (
            f"{SPOKE}/SKILL.md",
            f"{SPOKE}/references/labels.md",
            f"{SPOKE}/skill.yaml",
            f"{TARGET}/SKILL.md",
            f"{TARGET}/references/labels.md",
            f"{TARGET}/skill.yaml",
        )
    )
    manifest = show(repo, BRANCH, f"agents/hub/{TARGET}/skill.yaml")
    assert manifest.startswith("# yaml-language-server: $schema=../../../schemas/skill.schema.json")
