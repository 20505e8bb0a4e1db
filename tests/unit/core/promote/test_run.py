"""``promote``: finding the skill to promote (``NAME`` or ``TEAM/NAME``) in a hub or a spoke,
what is refused before anything is built, the notes it adds, and a promotion end to end in
each mode (on real repositories; the build and publish steps have their own tests)."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path

import pytest

from hubrails.core.promote.outcome import AgentUse, Options
from hubrails.core.promote.run import promote
from hubrails.core.registry.config import load_config
from hubrails.errors import HubError, PromotionError
from tests.gitrepo import commit_all, git, hub_repo, init_repo
from tests.helpers import edit, write

SPOKE = "registry/spokes/support/skills/sentiment-triage"
TARGET = "registry/skills/sentiment-triage"
BRANCH = "promote/support/sentiment-triage"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hub_repo(tmp_path_factory.mktemp("run") / "hub")


@pytest.fixture
def hub(tmp_path: Path, template: Path) -> Path:
    return hub_repo(tmp_path / "hub", template)


def usage_error(root: Path, options: Options) -> HubError:
    with pytest.raises(HubError) as caught:
        promote(load_config(root, remember=False), options)
    assert not isinstance(caught.value, PromotionError), caught.value.message
    return caught.value


# in a hub (monorepo)


def test_a_hub_skill_is_promoted_onto_a_new_branch_with_its_users(hub: Path) -> None:
    head = git(hub, "rev-parse", "HEAD")
    done = promote(load_config(hub, remember=False), Options("support/sentiment-triage"))
    assert (done.team, done.skill, done.branch, done.base_name) == (
        "support",
        "sentiment-triage",
        BRANCH,
        "main",
    )
    assert done.commit == git(hub, "rev-parse", BRANCH)
    assert git(hub, "rev-parse", "HEAD") == head and git(hub, "status", "--porcelain") == ""
    assert done.pushed is None and done.notes == ()
    assert done.lineage.repository == str(hub)  # no remote: the repository's folder
    assert done.agents == (
        AgentUse(
            "ticket-responder",
            "support",
            "registry/spokes/support/agents/ticket-responder.yaml",
            "not certified",
        ),
    )


def test_a_custom_branch_name_is_used_and_a_dry_run_creates_no_branch(hub: Path) -> None:
    config = load_config(hub, remember=False)
    done = promote(config, Options("sentiment-triage", branch="skills/st", dry_run=True))
    assert (done.branch, done.commit, done.dry_run) == ("skills/st", None, True)
    assert git(hub, "branch", "--list", "skills/st") == ""


def test_uncommitted_changes_in_the_skill_are_noted_not_promoted(hub: Path) -> None:
    write(hub, {f"{SPOKE}/draft.md": "not committed\n"})
    done = promote(load_config(hub, remember=False), Options("sentiment-triage", dry_run=True))
    assert done.notes == (f"uncommitted changes in {SPOKE}/ are not part of the promotion",)
    assert f"{TARGET}/draft.md" not in done.files


def test_a_skill_two_teams_have_must_be_named_with_its_team(hub: Path) -> None:
    shutil.copytree(hub / SPOKE, hub / "registry/spokes/sre/skills/sentiment-triage")
    edit(
        hub / "registry/spokes/sre/skills/sentiment-triage/skill.yaml",
        "team: support",
        "team: sre",
    )
    commit_all(hub, "sre has one too")
    error = usage_error(hub, Options("sentiment-triage"))
    assert error.message == "teams sre, support each have a skill 'sentiment-triage'"
    assert error.hint == "name it as TEAM/SKILL"
    with pytest.raises(PromotionError) as caught:  # sre's is built, and collides with support's
        promote(load_config(hub, remember=False), Options("sre/sentiment-triage", dry_run=True))
    assert caught.value.code == "skill-invalid"
    assert caught.value.message.endswith(f"is also defined in {SPOKE}/skill.yaml")


def test_a_skill_of_another_team_or_unknown_is_not_found(hub: Path) -> None:
    error = usage_error(hub, Options("sre/sentiment-triage"))
    assert error.message == (
        "no spoke skill 'sre/sentiment-triage' is committed under registry/spokes/TEAM/skills/"
    )
    assert usage_error(hub, Options("nope")).hint.startswith("commit the skill first")


def test_a_hub_library_skill_is_not_a_spoke_skill(hub: Path) -> None:
    error = usage_error(hub, Options("pr-review"))
    assert error.message.startswith("no spoke skill 'pr-review'")


def test_an_agent_is_named_as_one(hub: Path) -> None:
    error = usage_error(hub, Options("ticket-responder"))
    assert error.message == (
        "'ticket-responder' is an agent (registry/spokes/support/agents/ticket-responder.yaml); "
        "hub promote promotes skills"
    )
    assert "hub certify ticket-responder" in error.hint


def test_pushing_needs_a_remote(hub: Path) -> None:
    error = usage_error(hub, Options("sentiment-triage", push=True))
    assert (error.message, error.hint) == (
        "the hub repository has no remote to push to",
        "use --no-push",
    )


def test_a_repository_without_a_commit_is_refused(tmp_path: Path, template: Path) -> None:
    root = tmp_path / "fresh"
    shutil.copytree(template, root, ignore=shutil.ignore_patterns(".git"))
    git(root, "init", "-q", "-b", "main")
    error = usage_error(root, Options("sentiment-triage"))
    assert error.message == "the repository has no commit yet"


def test_an_unreachable_remote_is_a_promotion_refusal(hub: Path, tmp_path: Path) -> None:
    git(hub, "remote", "add", "origin", str(tmp_path / "gone.git"))
    with pytest.raises(PromotionError) as caught:
        promote(load_config(hub, remember=False), Options("sentiment-triage"))
    assert caught.value.code == "remote-unreachable"
    assert git(hub, "branch", "--list", BRANCH) == ""


# from a spoke


@pytest.fixture
def spoke(tmp_path: Path, template: Path) -> Path:
    """A support spoke with sentiment-triage and ticket-responder; its hub is ../hub.git."""
    source = hub_repo(tmp_path / "hub-src", template)
    root = tmp_path / "spoke"
    write(
        root,
        {
            "hub.yaml": "apiVersion: hubrails/v1\nkind: HubConfig\nrole: spoke\nteam: support\n"
            "hub:\n  url: ../hub.git\n  ref: main\n"
        },
    )
    (root / "registry/agents").mkdir(parents=True)
    shutil.move(source / SPOKE, root / "registry/skills/sentiment-triage")
    shutil.move(
        source / "registry/spokes/support/agents/ticket-responder.yaml",
        root / "registry/agents/ticket-responder.yaml",
    )
    commit_all(source, "support moved to its own repository")
    git(tmp_path, "clone", "-q", "--bare", str(source), "hub.git")
    return init_repo(root)


def test_a_spoke_dry_run_plans_against_the_hub_and_says_what_to_do_next(spoke: Path) -> None:
    done = promote(load_config(spoke, remember=False), Options("sentiment-triage", dry_run=True))
    assert (done.target_folder, done.removed, done.commit) == (TARGET, (), None)
    assert done.pull_request.body.count(str((spoke / "../hub.git").resolve())) == 1
    assert [a.path for a in done.agents] == ["registry/agents/ticket-responder.yaml"]
    (note,) = done.notes
    assert note.startswith("next: once the pull request is merged, delete registry/skills/")


def test_a_spoke_promotion_is_pushed_to_the_hub(spoke: Path, tmp_path: Path) -> None:
    done = promote(load_config(spoke, remember=False), Options("support/sentiment-triage"))
    assert done.pushed is not None and done.commit is not None
    assert git(tmp_path / "hub.git", "rev-parse", BRANCH) == done.commit
    assert git(spoke, "for-each-ref", "--format=%(refname)") == "refs/heads/main"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            Options("sentiment-triage", push=False),
            "--no-push: a spoke's promotion branch lives only in the hub repository",
        ),
        (Options("sre/sentiment-triage"), "this spoke belongs to team 'support', not 'sre'"),
        (Options("nope"), "no skill 'nope' is committed under registry/skills/nope/"),
        (
            Options("ticket-responder"),
            "'ticket-responder' is an agent (registry/agents/ticket-responder.yaml); "
            "hub promote promotes skills",
        ),
    ],
)
def test_what_a_spoke_refuses_before_reaching_the_hub(
    spoke: Path, tmp_path: Path, options: Options, message: str
) -> None:
    shutil.rmtree(tmp_path / "hub.git")  # any attempt to reach the hub would fail otherwise
    assert usage_error(spoke, options).message == message


@pytest.mark.parametrize("field", ["team", "hub_url"])
def test_a_spoke_must_name_its_team_and_hub(spoke: Path, field: str) -> None:
    # hub.yaml's schema already insists; a config made in code is refused all the same
    config = load_config(spoke, remember=False)
    if field == "team":
        config = dataclasses.replace(config, team=None)
    else:
        config = dataclasses.replace(config, hub_url=None)
    with pytest.raises(HubError, match=r"^hub\.yaml of a spoke must name its team and hub\.url$"):
        promote(config, Options("sentiment-triage", dry_run=True))


def test_a_spoke_whose_hub_cannot_be_reached_is_refused(spoke: Path, tmp_path: Path) -> None:
    shutil.rmtree(tmp_path / "hub.git")
    with pytest.raises(HubError) as caught:
        promote(load_config(spoke, remember=False), Options("sentiment-triage", dry_run=True))
    assert isinstance(caught.value, PromotionError)
    assert caught.value.code == "remote-unreachable"
    # the missing hub is named where it was looked for: relative to the spoke
    assert caught.value.message.startswith(f"cannot fetch the hub {tmp_path / 'hub.git'} at ")
    assert "does not appear to be a git repository" in caught.value.message
    assert caught.value.hint == "check hub.url and hub.ref in hub.yaml, and your access to the hub"


def test_a_missing_relative_hub_path_is_never_looked_for_beside_the_scratch_copy(
    spoke: Path, tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # hub.url "../../decoy" leads nowhere from the spoke, but from the scratch copy of the
    # hub (TMPDIR/hub-promote-clone-*/hub.git) it leads to TMPDIR/decoy
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    git(tmp_path, "clone", "-q", "--bare", str(tmp_path / "hub.git"), str(scratch / "decoy"))
    edit(spoke / "hub.yaml", "url: ../hub.git", "url: ../../decoy")
    commit_all(spoke, "a hub that is not there")
    with pytest.raises(PromotionError) as caught:
        promote(load_config(spoke, remember=False), Options("sentiment-triage", dry_run=True))
    assert caught.value.code == "remote-unreachable"
    assert str((spoke / "../../decoy").resolve()) in caught.value.message
