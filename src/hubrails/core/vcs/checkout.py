"""A working tree's repository: is there one, make one (``hub init``), and the commit it is at
with its dirtiness (certificates record it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def is_repository(path: Path) -> bool:
    """Whether ``path`` is inside a git working tree."""
    import git

    try:
        git.Repo(path, search_parent_directories=True).close()
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return False
    return True


def init_repository(path: Path) -> None:
    """``git init`` in ``path``."""
    import git

    git.Repo.init(path).close()


@dataclass(frozen=True, slots=True)
class CheckoutState:
    """The commit a folder's repository is at, and whether its tree differs from it."""

    commit: str | None
    dirty: bool


def checkout_state(path: Path) -> CheckoutState:
    """HEAD commit and dirtiness of the repository holding ``path`` (no repository: unknown)."""
    import git

    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return CheckoutState(None, False)
    with repo:
        try:
            commit = repo.head.commit.hexsha
        except ValueError:  # a repository without commits
            return CheckoutState(None, True)
        return CheckoutState(commit, repo.is_dirty(untracked_files=True))
