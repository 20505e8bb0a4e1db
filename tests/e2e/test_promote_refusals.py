"""Every refused precondition of ``hub promote``: exit 1, a clear reason, nothing created."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.test_promote_hub import BRANCH, SPOKE, TARGET, refused
from tests.gitrepo import commit_all, git, hub_repo, show, snapshot
from tests.helpers import edit, run_cli


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hub_template: Path) -> Path:
    """A committed copy of the example hub; the current folder is its root."""
    root = hub_repo(tmp_path / "hub", hub_template)
    monkeypatch.chdir(root)
    return root


def refuse_cleanly(hub: Path, reason: str, *args: str) -> dict[str, object]:
    """Commit the current state, then expect the promotion refused with ``reason``."""
    commit_all(hub)
    before = snapshot(hub)
    result = refused(*(args or ("sentiment-triage",)))
    assert result["reason"] == reason, result
    assert snapshot(hub) == before
    return result


def test_skill_that_does_not_validate(hub: Path) -> None:
    edit(hub / f"{SPOKE}/skill.yaml", "spec:\n", "spec:\n  colour: blue\n")
    result = refuse_cleanly(hub, "skill-invalid")
    assert "schema-additional-properties" in str(result["message"])
    assert f"{TARGET}/skill.yaml" in str(result["message"])


def test_skill_with_broken_yaml(hub: Path) -> None:
    edit(hub / f"{SPOKE}/skill.yaml", "kind: Skill\n", "kind: [Skill\n")
    result = refuse_cleanly(hub, "skill-invalid")
    assert f"{SPOKE}/skill.yaml:" in str(result["message"])


def test_skill_md_disagreeing_with_the_manifest(hub: Path) -> None:
    edit(hub / f"{SPOKE}/SKILL.md", "name: sentiment-triage", "name: sentiment-triager")
    refuse_cleanly(hub, "skill-invalid")


def test_tool_not_vetted(hub: Path) -> None:
    edit(
        hub / f"{SPOKE}/skill.yaml",
        "spec:\n",
        'spec:\n  tools:\n    - name: filesystem-write\n      version: "^0.1.0"\n',
    )
    result = refuse_cleanly(hub, "tool-not-vetted")
    assert "'filesystem-write' (proposed)" in str(result["message"])


def test_tool_missing_from_the_catalog(hub: Path) -> None:
    edit(hub / f"{SPOKE}/skill.yaml", "spec:\n", "spec:\n  tools:\n    - name: telepathy\n")
    assert "'telepathy' (missing)" in str(refuse_cleanly(hub, "tool-not-vetted")["message"])


def test_prompt_of_a_spoke(hub: Path) -> None:
    refuse_cleanly(hub, "prompt-not-in-hub", "invoice-dispute-summary")


def test_name_collision_with_a_hub_skill(hub: Path) -> None:
    shutil.copytree(
        hub / "registry/skills/pr-review", hub / "registry/spokes/support/skills/pr-review"
    )
    edit(
        hub / "registry/spokes/support/skills/pr-review/skill.yaml",
        "team: platform",
        "team: support",
    )
    result = refuse_cleanly(hub, "name-collision", "pr-review")
    assert "registry/skills/pr-review/" in str(result["message"])


def test_same_lineage_with_a_higher_version_is_an_update(hub: Path) -> None:
    assert run_cli("promote", "sentiment-triage").exit_code == 0
    git(hub, "merge", "-q", "--ff-only", BRANCH)
    git(hub, "branch", "-q", "-D", BRANCH)
    spoke = hub / SPOKE
    shutil.copytree(hub / TARGET, spoke)
    (hub / SPOKE / "references/labels.md").unlink()
    manifest = (spoke / "skill.yaml").read_text(encoding="utf-8")
    start, end = manifest.index("  promoted_from:"), manifest.index('\n  version: "1.0.0"') + 1
    manifest = manifest[:start] + manifest[end:]
    manifest = manifest.replace("team: platform", "team: support").replace('"1.0.0"', '"1.1.0"')
    (spoke / "skill.yaml").write_text(manifest.replace("../../../s", "../../../../../s"))
    edit(spoke / "SKILL.md", 'version: "1.0.0"', 'version: "1.1.0"')
    commit_all(hub, "sentiment-triage 1.1.0")
    refused_same = refuse_cleanly  # same version again would be refused: checked below
    run = run_cli("promote", "sentiment-triage", "--format", "json")
    assert run.exit_code == 0, run.stderr
    result = run.json()
    assert result["update"] is True
    assert f"{TARGET}/references/labels.md" in result["removed"]
    assert '    version: "1.1.0"' in show(hub, BRANCH, f"{TARGET}/skill.yaml")
    assert "Updates the hub copy" in result["pull_request"]["body"]
    git(hub, "branch", "-q", "-D", BRANCH)
    edit(spoke / "skill.yaml", '"1.1.0"', '"1.0.0"')
    edit(spoke / "SKILL.md", 'version: "1.1.0"', 'version: "1.0.0"')
    assert "not higher" in str(refused_same(hub, "name-collision")["message"])


def test_symbolic_link_in_the_skill(hub: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text("secret\n", encoding="utf-8")
    (hub / SPOKE / "references/secret.md").symlink_to(outside)
    result = refuse_cleanly(hub, "skill-link")
    assert "references/secret.md is a symbolic link" in str(result["message"])


def test_skill_folder_that_is_a_link(hub: Path) -> None:
    shutil.move(hub / SPOKE, hub / "registry/spokes/support/real-skill")
    (hub / SPOKE).symlink_to(hub / "registry/spokes/support/real-skill")
    result = refuse_cleanly(hub, "skill-link")
    assert f"{SPOKE} is a symbolic link" in str(result["message"])


def test_hub_that_would_not_validate(hub: Path) -> None:
    edit(hub / "registry/tools/jira.yaml", "  risk: ", "  riks: ")
    result = refuse_cleanly(hub, "hub-invalid")
    assert "registry/tools/jira.yaml" in str(result["details"])


def test_skill_owned_by_another_team(hub: Path) -> None:
    edit(hub / f"{SPOKE}/skill.yaml", "team: support", "team: growth")
    refuse_cleanly(hub, "skill-team")


def test_unknown_skill_is_a_usage_error(hub: Path) -> None:
    run = run_cli("promote", "no-such-skill")
    assert run.exit_code == 2
    assert "no spoke skill 'no-such-skill'" in run.stderr
    assert run_cli("promote", "growth/sentiment-triage").exit_code == 2


def test_uncommitted_skill_is_not_promoted(hub: Path) -> None:
    shutil.copytree(hub / SPOKE, hub / "registry/spokes/support/skills/fresh")
    assert run_cli("promote", "fresh").exit_code == 2


def test_not_a_git_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.helpers import copy_example

    root = copy_example(tmp_path / "plain")
    monkeypatch.chdir(root)
    run = run_cli("promote", "sentiment-triage")
    assert run.exit_code == 2
    assert "not inside a git repository" in run.stderr


def test_what_hub_validate_skips_does_not_block(hub: Path) -> None:
    (hub / "registry/.drafts").mkdir()
    (hub / "registry/.drafts/wip.yaml").write_text("kind: [broken\n", encoding="utf-8")
    commit_all(hub)
    assert run_cli("validate").exit_code == 0
    assert run_cli("promote", "sentiment-triage").exit_code == 0


def test_hub_link_leading_outside_is_found_as_hub_validate_finds_it(
    hub: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "tool.yaml"
    shutil.copy(hub / "registry/tools/jira.yaml", outside)
    (hub / "registry/tools/jira.yaml").unlink()
    (hub / "registry/tools/jira.yaml").symlink_to(outside)
    commit_all(hub)
    validate = run_cli("validate", "--format", "json").rules()
    assert ("symlink-outside", "registry/tools/jira.yaml", 1) in validate
    result = refuse_cleanly(hub, "hub-invalid")
    assert "registry/tools/jira.yaml:1:1: symlink-outside" in str(result["details"])


@pytest.mark.parametrize("branch", ["-x", "HEAD", "refs/heads/main", "@{-1}", "a..b", "x.lock"])
def test_branch_name_that_reads_as_something_else_is_a_usage_error(hub: Path, branch: str) -> None:
    commit_all(hub)
    before = snapshot(hub)
    run = run_cli("promote", "sentiment-triage", "--no-push", f"--branch={branch}")
    assert run.exit_code == 2, run.stdout + run.stderr
    assert "is not a valid branch name" in run.stderr
    assert snapshot(hub) == before
