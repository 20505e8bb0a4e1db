"""Publishing a promotion against real repositories: whether the branch may move (valid name,
not checked out, absent or an earlier promotion with --force), the atomic ref update, the push
with a lease, and the ref put back when the push fails."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hubrails.core.promote.outcome import Lineage, Promotion, PullRequest, Pushed
from hubrails.core.promote.publish import check_branch, publish_local, push
from hubrails.core.vcs import repository as vcs
from hubrails.errors import HubError, PromotionError
from tests.gitrepo import bare_remote, git, init_repo, reject_pushes
from tests.helpers import write

BRANCH = "promote/support/triage"
REF = f"refs/heads/{BRANCH}"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "hub"
    write(root, {"hub.yaml": "role: hub\n"})
    return init_repo(root)


def commit(root: Path, message: str, parent: str = "HEAD") -> str:
    """A commit object (no ref moves) on top of ``parent``."""
    tree = git(root, "rev-parse", f"{parent}^{{tree}}")
    return git(root, "commit-tree", tree, "-p", parent, "-m", message)


def ours(root: Path, subject: str = "feat(skills): promote") -> str:
    return commit(root, f"{subject}\n\nPromoted-by: hubrails 1.0.0")


def promotion(sha: str) -> Promotion:
    return Promotion(
        skill="triage",
        team="support",
        owner="platform",
        branch=BRANCH,
        base="",
        base_name="main",
        source_folder="registry/spokes/support/skills/triage",
        target_folder="registry/skills/triage",
        lineage=Lineage("support", "1.0.0", "", ""),
        message="",
        commit=sha,
        update=False,
        files=(),
        removed=(),
        tools=(),
        agents=(),
        reviewers=(),
        pull_request=PullRequest("", ""),
    )


def tip(root: Path, ref: str = REF) -> str | None:
    return git(root, "rev-parse", "--verify", "--quiet", ref, check=False) or None


# check_branch


def test_a_new_branch_may_be_created(repo: Path) -> None:
    with vcs.Repository.open(repo) as r:
        assert check_branch(r, BRANCH, None, False, local=True) == (REF, None, None)


def test_an_invalid_branch_name_is_a_usage_error(repo: Path) -> None:
    with vcs.Repository.open(repo) as r:
        for name in ["", "-x", "HEAD", "refs/heads/x", "a..b", "a@{1}", "x.lock"]:
            with pytest.raises(HubError) as caught:
                check_branch(r, name, None, True, local=True)
            assert not isinstance(caught.value, PromotionError)
            assert caught.value.message.startswith(f"'{name}' is not a valid branch name: ")


def test_the_checked_out_branch_never_moves_even_with_force(repo: Path) -> None:
    with vcs.Repository.open(repo) as r, pytest.raises(PromotionError) as caught:
        check_branch(r, "main", None, True, local=True)
    assert caught.value.code == "branch-checked-out"


def test_an_existing_branch_needs_force(repo: Path) -> None:
    git(repo, "update-ref", REF, ours(repo))
    with vcs.Repository.open(repo) as r, pytest.raises(PromotionError) as caught:
        check_branch(r, BRANCH, None, False, local=True)
    assert caught.value.code == "branch-exists"
    assert caught.value.message == f"the branch {BRANCH} already exists here"


def test_force_replaces_an_earlier_promotion_and_reports_its_tip(repo: Path) -> None:
    earlier = ours(repo)
    git(repo, "update-ref", REF, earlier)
    with vcs.Repository.open(repo) as r:
        assert check_branch(r, BRANCH, None, True, local=True) == (REF, earlier, None)


@pytest.mark.parametrize(
    "message", ["a hand-made commit", "x\n\nPromoted-by: someone-else 1.0", "x\n\nPromoted-by: "]
)
def test_force_never_overwrites_a_branch_hub_promote_did_not_make(repo: Path, message: str) -> None:
    git(repo, "update-ref", REF, commit(repo, message))
    with vcs.Repository.open(repo) as r, pytest.raises(PromotionError) as caught:
        check_branch(r, BRANCH, None, True, local=True)
    assert caught.value.code == "branch-not-ours"
    assert "(here)" in caught.value.message


def test_a_branch_on_the_remote_is_checked_there_and_fetched_when_unknown_here(
    repo: Path, tmp_path: Path
) -> None:
    bare = bare_remote(tmp_path / "hub.git", repo)
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(bare), str(other))
    remote_tip = ours(other)
    git(other, "push", "-q", "origin", f"{remote_tip}:{REF}")
    with vcs.Repository.open(repo) as r:
        with pytest.raises(PromotionError, match="already exists on origin") as caught:
            check_branch(r, BRANCH, "origin", False, local=True)
        assert caught.value.code == "branch-exists"
        assert r.commit_of(remote_tip) is None
        assert check_branch(r, BRANCH, "origin", True, local=False) == (REF, None, remote_tip)
        assert r.commit_of(remote_tip) == remote_tip  # fetched to read its trailers
    assert tip(repo) is None  # and no ref was written


def test_without_local_a_local_branch_of_that_name_is_not_looked_at(repo: Path) -> None:
    git(repo, "update-ref", REF, commit(repo, "hand-made"))
    with vcs.Repository.open(repo) as r:
        assert check_branch(r, BRANCH, None, False, local=False) == (REF, None, None)


# publish_local and push


def test_without_a_remote_the_branch_is_created_and_nothing_pushed(repo: Path) -> None:
    sha = ours(repo)
    with vcs.Repository.open(repo) as r:
        done = publish_local(r, promotion(sha), (REF, None, None), None)
    assert done == promotion(sha)
    assert tip(repo) == sha


def test_a_branch_created_meanwhile_is_a_race(repo: Path) -> None:
    sha, meanwhile = ours(repo), commit(repo, "someone else")
    git(repo, "update-ref", REF, meanwhile)
    with vcs.Repository.open(repo) as r, pytest.raises(PromotionError) as caught:
        publish_local(r, promotion(sha), (REF, None, None), None)
    assert caught.value.code == "branch-race"
    assert tip(repo) == meanwhile


def test_a_pushed_promotion_says_where_and_the_remote_has_it(repo: Path, tmp_path: Path) -> None:
    bare = bare_remote(tmp_path / "hub.git", repo)
    sha = ours(repo)
    with vcs.Repository.open(repo) as r:
        done = publish_local(r, promotion(sha), (REF, None, None), "origin")
    assert done == dataclasses.replace(promotion(sha), pushed=done.pushed)
    assert isinstance(done.pushed, Pushed) and done.pushed.remote == "origin"
    assert tip(bare) == sha and tip(repo) == sha


def test_a_refused_push_removes_the_new_branch_and_lists_the_remotes_messages(
    repo: Path, tmp_path: Path
) -> None:
    reject_pushes(bare_remote(tmp_path / "hub.git", repo), "protected: ask the platform team")
    sha = ours(repo)
    with vcs.Repository.open(repo) as r, pytest.raises(PromotionError) as caught:
        publish_local(r, promotion(sha), (REF, None, None), "origin")
    assert caught.value.code == "push-rejected"
    assert caught.value.message.startswith("the hub remote origin refused the branch: ")
    assert caught.value.details == ["protected: ask the platform team"]
    assert tip(repo) is None


def test_a_refused_push_puts_a_replaced_branch_back(repo: Path, tmp_path: Path) -> None:
    reject_pushes(bare_remote(tmp_path / "hub.git", repo), "no")
    earlier, sha = ours(repo, "earlier"), ours(repo, "this one")
    git(repo, "update-ref", REF, earlier)
    with vcs.Repository.open(repo) as r, pytest.raises(PromotionError, match="refused"):
        publish_local(r, promotion(sha), (REF, earlier, None), "origin")
    assert tip(repo) == earlier


def test_the_same_commit_already_on_the_remote_is_another_promotions(
    repo: Path, tmp_path: Path
) -> None:
    bare = bare_remote(tmp_path / "hub.git", repo)
    sha = ours(repo)
    git(repo, "push", "-q", "origin", f"{sha}:{REF}")
    with vcs.Repository.open(repo) as r, pytest.raises(PromotionError) as caught:
        push(r, "origin", sha, (REF, None, None))
    assert caught.value.code == "branch-race"
    assert f"{REF} was created on origin by another promotion" in caught.value.message
    assert tip(bare) == sha


def test_a_push_with_a_stale_lease_is_refused(repo: Path, tmp_path: Path) -> None:
    bare = bare_remote(tmp_path / "hub.git", repo)
    first, mine = ours(repo, "first"), ours(repo, "mine")
    git(repo, "push", "-q", "origin", f"{first}:{REF}")
    with vcs.Repository.open(repo) as r, pytest.raises(PromotionError) as caught:
        push(r, "origin", mine, (REF, None, None))  # expected the branch not to exist
    assert caught.value.code == "push-rejected"
    assert tip(bare) == first
