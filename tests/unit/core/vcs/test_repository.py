"""The promotion plumbing of core/vcs (repository, scratch_index) against real repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubrails.core.vcs import repository as vcs
from hubrails.core.vcs.objects import ZERO, Entry
from hubrails.core.vcs.scratch_index import scratch
from hubrails.errors import GitError, RefRaceError
from tests.gitrepo import git, init_repo
from tests.helpers import write


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write(root, {"a.txt": "a\n", "dir/b.txt": "b\n"})
    return init_repo(root)


def test_scratch_is_removed_when_interrupted(repo: Path) -> None:
    with vcs.Repository.open(repo) as r:
        head = r.commit_of("HEAD")
        assert head is not None
        folder = None
        with pytest.raises(KeyboardInterrupt), scratch(r, head) as area:
            folder = area.folder
            area.write_blob("c.txt", b"c\n")
            raise KeyboardInterrupt
        assert folder is not None and not folder.exists()
    assert git(repo, "status", "--porcelain") == ""


def test_objects_stay_in_quarantine_until_kept(repo: Path) -> None:
    with vcs.Repository.open(repo) as r:
        head = r.commit_of("HEAD")
        assert head is not None
        with scratch(r, head) as area:
            sha = area.write_blob("c.txt", b"quarantined\n")
            assert git(repo, "cat-file", "-t", sha, check=False) == ""
            area.stage({"c.txt": Entry("100644", sha, "c.txt"), "a.txt": None})
            tree = area.write_tree()
            area.keep()
        assert git(repo, "cat-file", "-t", sha) == "blob"
        assert git(repo, "ls-tree", "-r", "--name-only", tree).split() == ["c.txt", "dir/b.txt"]


def test_update_ref_refuses_a_moved_ref(repo: Path) -> None:
    with vcs.Repository.open(repo) as r:
        head = r.commit_of("HEAD")
        assert head is not None
        r.update_ref("refs/heads/x", head, ZERO)
        with pytest.raises(RefRaceError):
            r.update_ref("refs/heads/x", head, ZERO)
        with pytest.raises(RefRaceError):
            r.update_ref("refs/heads/x", head, "1" * 40)


def test_push_to_nowhere_is_a_clean_answer(repo: Path, tmp_path: Path) -> None:
    with vcs.Repository.open(repo) as r:
        head = r.commit_of("HEAD")
        assert head is not None
        result = r.push(str(tmp_path / "missing.git"), head, "refs/heads/x", None)
    assert not result.ok
    assert "does not appear to be a git repository" in result.summary


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not inside a git repository"):
        vcs.Repository.open(tmp_path)


def test_identity_missing_is_explained(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    git(repo, "config", "user.useConfigOnly", "true")
    with vcs.Repository.open(repo) as r, pytest.raises(GitError, match="who you are"):
        r.identity()
