"""Building a promotion commit in a scratch area, on real repositories: the skill moved (or
copied from another repository) and handed to the platform team, the commit and its message,
a dry run that keeps nothing, and the hub-side refusals."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubrails import __version__
from hubrails.core.promote.build import Source, Target, build
from hubrails.core.promote.facts import Reader
from hubrails.core.promote.outcome import AgentUse, Options
from hubrails.core.registry import safeyaml
from hubrails.core.validate.reports import FileReport
from hubrails.core.vcs import repository as vcs
from hubrails.errors import PromotionError
from tests.gitrepo import commit_all, git, hub_repo, init_repo
from tests.helpers import edit, write

SPOKE = "registry/spokes/support/skills/sentiment-triage"
TARGET = "registry/skills/sentiment-triage"
BRANCH = "promote/support/sentiment-triage"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hub_repo(tmp_path_factory.mktemp("build") / "hub")


@pytest.fixture
def hub(tmp_path: Path, template: Path) -> Path:
    return hub_repo(tmp_path / "hub", template)


@pytest.fixture
def repo(hub: Path) -> Iterator[vcs.Repository]:
    with vcs.Repository.open(hub) as opened:
        yield opened


def head(repo: vcs.Repository) -> str:
    commit = repo.commit_of("HEAD")
    assert commit is not None
    return commit


def monorepo(repo: vcs.Repository, folder: str = SPOKE) -> Source:
    base = head(repo)
    name = folder.rsplit("/", 1)[-1]
    return Source(
        team=folder.split("/")[-3],
        name=name,
        folder=folder,
        entries=tuple(repo.files(base, folder)),
        commit=base,
        repository="git@github.com:acme/hub.git",
        read=repo.blob,
        same_repository=True,
    )


def target(repo: vcs.Repository, top: str = "", remote: str | None = None) -> Target:
    return Target(
        repo=repo,
        base=head(repo),
        base_name="main",
        top=top,
        branch=BRANCH,
        remote_url=remote,
        cache_key="test",
    )


class Agents:
    """An agent finder that remembers the reports it was given and reads one file."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.read: dict[str, bytes | None] = {}

    def __call__(self, reports: list[FileReport], read: Reader) -> list[AgentUse]:
        self.paths = [r.path for r in reports]
        self.read = read([f"{TARGET}/skill.yaml", "registry/nothing.yaml"])
        return [AgentUse("ticket-responder", "support", "a.yaml", "not certified")]


def tree(root: Path, commit: str) -> list[str]:
    return git(root, "ls-tree", "-r", "--name-only", commit).splitlines()


def test_a_monorepo_promotion_moves_the_skill_and_hands_it_to_the_platform_team(
    hub: Path, repo: vcs.Repository
) -> None:
    agents = Agents()
    refs_before = git(hub, "for-each-ref")
    done = build(monorepo(repo), target(repo), Options("sentiment-triage"), agents)
    assert done.commit is not None and not done.dry_run and not done.update
    assert git(hub, "for-each-ref") == refs_before  # build writes no ref; publish does
    assert git(hub, "rev-parse", f"{done.commit}^") == head(repo)
    files = tree(hub, done.commit)
    assert not any(p.startswith(SPOKE) for p in files)
    assert {f"{TARGET}/SKILL.md", f"{TARGET}/references/labels.md"} <= set(files)
    assert done.files == tuple(sorted(p for p in files if p.startswith(TARGET)))
    assert done.removed == tuple(
        sorted(f"{SPOKE}/{n}" for n in ("SKILL.md", "references/labels.md", "skill.yaml"))
    )
    manifest = safeyaml.parse(git(hub, "show", f"{done.commit}:{TARGET}/skill.yaml")).data
    assert manifest["metadata"]["team"] == "platform"
    assert manifest["metadata"]["promoted_from"]["commit"] == head(repo)
    # the skill's other files are the very same blobs, not copies
    old, new = (
        git(hub, "rev-parse", f"{c}:{p}/SKILL.md")
        for c, p in (("HEAD", SPOKE), (done.commit, TARGET))
    )
    assert old == new
    assert (done.owner, done.reviewers) == ("platform", ("@acme/ai-platform", "@dana.okafor"))
    assert done.agents == (AgentUse("ticket-responder", "support", "a.yaml", "not certified"),)
    assert f"{TARGET}/skill.yaml" in agents.paths
    assert b"promoted_from" in (agents.read[f"{TARGET}/skill.yaml"] or b"")  # the new tree
    assert agents.read["registry/nothing.yaml"] is None


def test_the_commit_message_has_the_title_a_wrapped_body_and_the_trailers(
    hub: Path, repo: vcs.Repository
) -> None:
    done = build(monorepo(repo), target(repo), Options("sentiment-triage"), Agents())
    subject, blank, *body = done.message.splitlines()
    assert subject == "feat(skills): promote support/sentiment-triage to the hub library"
    assert blank == ""
    assert all(len(line) <= 72 for line in body)
    assert " ".join(body[: body.index("")]) == (
        f"Move {SPOKE}/ to {TARGET}/ and hand ownership to the platform team."
    )
    assert body[-4:] == [
        "Source-Repository: git@github.com:acme/hub.git",
        f"Source-Commit: {head(repo)}",
        "Source-Version: 1.0.0",
        f"Promoted-by: hubrails {__version__}",
    ]
    assert done.commit is not None
    assert git(hub, "log", "-1", "--format=%B", done.commit) == done.message.strip()
    assert repo.trailers(done.commit, "Promoted-by") == [f"hubrails {__version__}"]


def test_the_pull_request_links_the_compare_page_of_a_known_host(repo: vcs.Repository) -> None:
    remote = "git@github.com:acme/hub.git"
    done = build(monorepo(repo), target(repo, remote=remote), Options("x", dry_run=True), Agents())
    assert done.pull_request.title == done.message.splitlines()[0]
    assert done.pull_request.url == (
        f"https://github.com/acme/hub/compare/main...{BRANCH}?expand=1"
    )
    assert "Classify the sentiment" in done.pull_request.body  # the skill's description
    assert (
        build(monorepo(repo), target(repo), Options("x", dry_run=True), Agents()).pull_request.url
        is None
    )


def test_a_dry_run_shows_the_diff_and_keeps_no_object(hub: Path, repo: vcs.Repository) -> None:
    before = git(hub, "count-objects", "-v")
    done = build(monorepo(repo), target(repo), Options("x", dry_run=True), Agents())
    assert done.commit is None and done.dry_run
    assert f"+++ b/{TARGET}/skill.yaml" in done.diff
    assert "+  team: platform" in done.diff
    new_manifest = [p for p in done.files if p.endswith("skill.yaml")]
    assert new_manifest == [f"{TARGET}/skill.yaml"]
    assert git(hub, "count-objects", "-v") == before  # nothing was kept


def test_a_skill_from_another_repository_is_copied_blob_by_blob(hub: Path, tmp_path: Path) -> None:
    spoke = tmp_path / "spoke"
    shutil.move(hub / SPOKE, spoke / "registry/skills/sentiment-triage")
    commit_all(hub, "support moved to its own repository")
    write(spoke, {"registry/skills/sentiment-triage/notes.txt": "only in the spoke\n"})
    init_repo(spoke)
    with vcs.Repository.open(spoke) as other, vcs.Repository.open(hub) as repo:
        base = head(other)
        folder = "registry/skills/sentiment-triage"
        source = Source(
            "support",
            "sentiment-triage",
            folder,
            tuple(other.files(base, folder)),
            base,
            "git@github.com:acme/support.git",
            other.blob,
            same_repository=False,
        )
        done = build(source, target(repo), Options("x"), Agents())
    assert done.commit is not None
    files = tree(hub, done.commit)
    assert f"{TARGET}/notes.txt" in files
    assert done.removed == ()
    assert git(hub, "show", f"{done.commit}:{TARGET}/notes.txt") == "only in the spoke"
    assert "Source-Repository: git@github.com:acme/support.git" in done.message


def test_a_new_version_of_an_earlier_promotion_updates_it_and_drops_stale_files(
    hub: Path, tmp_path: Path
) -> None:
    original = (hub / SPOKE / "skill.yaml").read_text(encoding="utf-8")
    with vcs.Repository.open(hub) as repo:
        first = build(monorepo(repo), target(repo), Options("x"), Agents())
    assert first.commit is not None
    git(hub, "reset", "-q", "--hard", first.commit)
    # the team brings a new version back into its spoke, without references/labels.md
    write(
        hub,
        {
            f"{SPOKE}/skill.yaml": original.replace('version: "1.0.0"', 'version: "1.1.0"'),
            f"{SPOKE}/SKILL.md": (hub / TARGET / "SKILL.md").read_text(encoding="utf-8"),
        },
    )
    commit_all(hub, "support: sentiment-triage 1.1.0")
    with vcs.Repository.open(hub) as repo:
        done = build(monorepo(repo), target(repo), Options("x"), Agents())
    assert done.update and done.message.splitlines()[2].startswith(f"Update {SPOKE}/")
    assert done.commit is not None
    files = tree(hub, done.commit)
    assert f"{TARGET}/references/labels.md" not in files
    assert f"{TARGET}/references/labels.md" in done.removed
    data = safeyaml.parse(git(hub, "show", f"{done.commit}:{TARGET}/skill.yaml")).data
    assert data["metadata"]["version"] == "1.1.0"
    assert data["metadata"]["promoted_from"]["version"] == "1.1.0"


def test_a_hub_in_a_subfolder_of_its_repository(tmp_path: Path, template: Path) -> None:
    root = tmp_path / "mono"
    shutil.copytree(template, root / "ai", ignore=shutil.ignore_patterns(".git"))
    write(root, {"README.md": "the company monorepo\n"})
    init_repo(root)
    with vcs.Repository.open(root) as repo:
        done = build(monorepo(repo, f"ai/{SPOKE}"), target(repo, top="ai"), Options("x"), Agents())
    assert done.commit is not None
    assert done.target_folder == f"ai/{TARGET}"
    assert f"ai/{TARGET}/skill.yaml" in tree(root, done.commit)


def refusal(repo: vcs.Repository, source: Source | None = None) -> PromotionError:
    with pytest.raises(PromotionError) as caught:
        build(source or monorepo(repo), target(repo), Options("x"), Agents())
    return caught.value


def test_a_base_without_hub_yaml_is_refused(hub: Path) -> None:
    (hub / "hub.yaml").unlink()
    commit_all(hub, "no hub.yaml")
    with vcs.Repository.open(hub) as repo:
        error = refusal(repo)
    assert (error.code, error.message) == ("hub-role", "the hub has no hub.yaml at main")


def test_a_base_whose_hub_yaml_is_a_spokes_is_refused(hub: Path) -> None:
    edit(hub / "hub.yaml", "role: hub", "role: spoke\nteam: support\nhub:\n  url: ../hub.git")
    commit_all(hub, "now a spoke")
    with vcs.Repository.open(hub) as repo:
        error = refusal(repo)
    assert (error.code, error.message) == ("hub-role", "hub.yaml of main is not a hub's")


def test_a_hub_without_a_platform_team_is_refused(hub: Path) -> None:
    edit(hub / "registry/teams/platform.yaml", "  platform: true", "  platform: false")
    commit_all(hub, "no platform team")
    with vcs.Repository.open(hub) as repo:
        error = refusal(repo)
    assert error.code == "no-platform-team"
    assert error.hint == "set spec.platform: true on the hub's platform team"


def test_the_preconditions_are_checked_on_the_built_tree(repo: vcs.Repository) -> None:
    assert (
        refusal(
            repo, monorepo(repo, "registry/spokes/billing-ops/skills/invoice-dispute-summary")
        ).code
        == "prompt-not-in-hub"
    )
    source = monorepo(repo)
    assert refusal(repo, dataclasses.replace(source, team="sre")).code == "skill-team"


def test_nothing_is_left_in_the_repository_after_a_refusal(hub: Path) -> None:
    edit(hub / f"{SPOKE}/skill.yaml", "spec:\n", "spec:\n  colour: blue\n")
    commit_all(hub, "a skill that does not validate")
    before = git(hub, "count-objects", "-v")
    with vcs.Repository.open(hub) as repo:
        error = refusal(repo)
    assert error.code == "skill-invalid"
    assert git(hub, "count-objects", "-v") == before
