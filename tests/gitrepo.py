"""Real git repositories for the promotion tests: create, commit, and snapshot every byte."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.helpers import copy_example

_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.com",
}


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run git in ``cwd`` and return its stdout."""
    env = {**_IDENTITY, **os.environ}
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, env=env
    )
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout.strip()


def commit_all(root: Path, message: str = "change") -> str:
    """Stage everything and commit; the new HEAD."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)
    return git(root, "rev-parse", "HEAD")


def init_repo(root: Path) -> Path:
    """Turn ``root`` into a repository on branch main with everything committed."""
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "initial registry")
    return root


def hub_repo(root: Path, template: Path | None = None) -> Path:
    """A committed copy of the example hub registry (copied from ``template`` when given)."""
    if template is not None:
        shutil.copytree(template, root, symlinks=True)
        return root
    return init_repo(copy_example(root))


def bare_remote(path: Path, source: Path, name: str = "origin") -> Path:
    """A bare repository at ``path`` holding ``source``'s main, added as remote ``name``."""
    git(path.parent, "init", "-q", "--bare", "-b", "main", str(path))
    git(source, "remote", "add", name, str(path))
    git(source, "push", "-q", name, "main")
    return path


def reject_pushes(bare: Path, message: str) -> None:
    """Install a pre-receive hook that prints ``message`` and declines every push."""
    hook = bare / "hooks" / "pre-receive"
    hook.write_text(f"#!/bin/sh\necho '{message}' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)


def make_dirty(root: Path) -> None:
    """A stash entry, a staged change, an unstaged change and an untracked file."""
    teams = root / "registry" / "teams"
    (teams / "sre.yaml").write_text(
        (teams / "sre.yaml").read_text(encoding="utf-8") + "# stashed\n", encoding="utf-8"
    )
    git(root, "stash", "-q")
    (teams / "growth.yaml").write_text(
        (teams / "growth.yaml").read_text(encoding="utf-8") + "# staged\n", encoding="utf-8"
    )
    git(root, "add", "registry/teams/growth.yaml")
    (teams / "support.yaml").write_text(
        (teams / "support.yaml").read_text(encoding="utf-8") + "# unstaged\n", encoding="utf-8"
    )
    (root / "notes.txt").write_text("untracked\n", encoding="utf-8")
    skill = root / "registry/spokes/support/skills/sentiment-triage/SKILL.md"
    skill.write_text(skill.read_text(encoding="utf-8") + "\nUncommitted line.\n", encoding="utf-8")


def snapshot(root: Path, *, ignore_ref: str | None = None) -> dict[str, object]:
    """Every file of the working tree, the index, HEAD, the stash and every ref, as bytes."""
    files: dict[str, bytes] = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            path = Path(folder, name)
            key = path.relative_to(root).as_posix()
            files[key] = str(path.readlink()).encode() if path.is_symlink() else path.read_bytes()
    gitdir = root / ".git"
    refs = git(root, "for-each-ref", "--format=%(refname) %(objectname)").splitlines()
    return {
        "files": files,
        "index": (gitdir / "index").read_bytes(),
        "HEAD": (gitdir / "HEAD").read_bytes(),
        "stash": git(root, "stash", "list", "--format=%H %s"),
        "refs": [r for r in refs if ignore_ref is None or not r.startswith(ignore_ref + " ")],
        "worktrees": git(root, "worktree", "list", "--porcelain"),
        "admin": sorted(p.name for p in gitdir.iterdir() if p.name not in ("objects", "logs")),
    }


def show(root: Path, rev: str, path: str) -> str:
    """The text of ``path`` at ``rev``."""
    return git(root, "show", f"{rev}:{path}")
