"""Git, through GitPython: the only module that imports it."""

from __future__ import annotations

from pathlib import Path


def is_repository(path: Path) -> bool:
    """Whether ``path`` is inside a git working tree."""
    import git

    try:
        git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return False
    return True


def init_repository(path: Path) -> None:
    """``git init`` in ``path``."""
    import git

    git.Repo.init(path)
