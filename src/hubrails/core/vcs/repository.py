"""A git repository, driven through GitPython's command interface: trees, blobs, refs, remotes
and pushes. Nothing here touches a working tree or an index: commits are built in a
:class:`~hubrails.core.vcs.scratch_index.Scratch` area and published by one atomic ref update.
Every :class:`Repository` must be closed (use ``with``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hubrails.core.vcs.objects import Entry, Identity, PushResult
from hubrails.errors import GitError, RefRaceError, RemoteError

if TYPE_CHECKING:
    from git import Repo

_READ_ONLY = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}


class Repository:
    """A git repository; git runs as a subprocess through ``Repo.git``."""

    def __init__(self, repo: Repo) -> None:
        self._repo = repo

    @classmethod
    def open(cls, path: Path) -> Repository:
        """The repository containing ``path``."""
        from git import InvalidGitRepositoryError, NoSuchPathError, Repo

        try:
            return cls(Repo(path, search_parent_directories=True))
        except (InvalidGitRepositoryError, NoSuchPathError):
            raise GitError(
                f"{path} is not inside a git repository",
                hint="hub promote works on a committed registry: run 'git init' and commit first",
            ) from None

    @classmethod
    def init_bare(cls, path: Path) -> Repository:
        """A new, empty bare repository at ``path``."""
        from git import Repo

        return cls(Repo.init(path, bare=True))

    def close(self) -> None:
        """Release GitPython's resources (persistent cat-file processes, file handles)."""
        self._repo.close()

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def work_dir(self) -> Path | None:
        """The working tree, or ``None`` for a bare repository."""
        tree = self._repo.working_tree_dir
        return Path(tree) if tree else None

    @property
    def objects_dir(self) -> Path:
        """The object store shared by all worktrees."""
        return Path(self._repo.common_dir) / "objects"

    def run(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        stdin: bytes | None = None,
        binary: bool = False,
    ) -> Any:
        """Run ``git ARGS``; its stdout (str, or bytes when ``binary``); a failure is a GitError."""
        status, out, err = self.attempt(*args, env=env, stdin=stdin, binary=binary)
        if status != 0:
            text = err.decode(errors="replace") if isinstance(err, bytes) else err
            raise GitError(f"git {args[0]} failed: {text.strip() or f'exit {status}'}")
        return out

    def attempt(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        stdin: bytes | None = None,
        binary: bool = False,
    ) -> tuple[int, Any, Any]:
        """Run ``git ARGS`` and return (status, stdout, stderr) whatever the status."""
        # GitPython takes standard input only as a file; a file is made only when needed
        with tempfile.TemporaryFile() if stdin is not None else nullcontext() as feed:
            if feed is not None and stdin is not None:
                feed.write(stdin)
                feed.seek(0)
            result: tuple[int, Any, Any] = self._repo.git.execute(
                ["git", *args],
                istream=feed,
                with_extended_output=True,
                with_exceptions=False,
                stdout_as_string=not binary,
                strip_newline_in_stdout=not binary,
                env={**_READ_ONLY, **(env or {})},
            )
        return result

    def commit_of(self, ref: str) -> str | None:
        """The commit ``ref`` names, or ``None``."""
        status, out, _ = self.attempt("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        return out.strip() if status == 0 else None

    def head(self) -> tuple[str | None, str | None]:
        """HEAD's commit and branch (``None`` when there is no commit, or HEAD is detached)."""
        status, out, _ = self.attempt("rev-parse", "HEAD", "--abbrev-ref", "HEAD")
        if status != 0:
            return None, None
        commit, branch = out.split()
        return commit, None if branch == "HEAD" else branch

    def files(
        self, commit: str, folder: str, *, env: Mapping[str, str] | None = None
    ) -> list[Entry]:
        """Every file under ``folder`` (or the file ``folder`` itself) in ``commit``; a name
        that is not UTF-8 keeps its bytes as lone surrogates (``surrogateescape``)."""
        out: bytes = self.run(
            "ls-tree", "-r", "-z", "--full-tree", commit, "--", folder, env=env, binary=True
        )
        entries = []
        for record in out.split(b"\0"):
            if record:
                info, path = record.decode("utf-8", "surrogateescape").split("\t", 1)
                mode, _, sha = info.split(" ")
                entries.append(Entry(mode, sha, path))
        return entries

    def blob(self, sha: str) -> bytes:
        """The bytes of one blob."""
        data: bytes = self.run("cat-file", "blob", sha, binary=True)
        return data

    def read_many(
        self, names: Iterable[str], *, env: Mapping[str, str] | None = None
    ) -> dict[str, bytes | None]:
        """The bytes of many blobs at once (ids or ``commit:path``); ``None`` where missing."""
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return {}
        feed = "".join(f"{name}\n" for name in wanted).encode()
        out: bytes = self.run("cat-file", "--batch", env=env, stdin=feed, binary=True)
        found: dict[str, bytes | None] = {}
        at = 0
        for name in wanted:
            end = out.index(b"\n", at)
            header = out[at:end].split()
            at = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                found[name] = out[at : at + size]
                at += size + 1
            else:
                found[name] = None
                if len(header) == 3:
                    at += int(header[2]) + 1
        return found

    def identity(self) -> Identity:
        """The user's git identity as this repository sees it (config, then environment)."""
        status, out, err = self.attempt("var", "GIT_AUTHOR_IDENT")
        if status != 0:
            raise GitError(
                "git does not know who you are: " + err.strip().splitlines()[-1],
                hint="set it with: git config --global user.name 'Name'; "
                "git config --global user.email you@example.com",
            )
        person, _, date = out.strip().rpartition("> ")
        name, _, email = person.partition(" <")
        return Identity(name, email, date)

    def remote_url(self, remote: str) -> str | None:
        """The URL of a named remote, or ``None``."""
        status, out, _ = self.attempt("remote", "get-url", remote)
        return out.strip() if status == 0 else None

    def push_remote(self, branch: str | None) -> str | None:
        """The remote to push to: ``branch``'s, else origin, else the only one."""
        if branch:
            status, out, _ = self.attempt("config", "--get", f"branch.{branch}.remote")
            if status == 0 and out.strip() not in ("", "."):
                return str(out.strip())
        remotes = [r for r in self.run("remote").split() if r]
        if "origin" in remotes:
            return "origin"
        return remotes[0] if len(remotes) == 1 else None

    def checked_out(self, ref: str) -> bool:
        """Whether ``ref`` is the checked-out branch of any worktree of this repository."""
        listing = self.run("worktree", "list", "--porcelain")
        return f"branch {ref}" in listing.splitlines()

    def trailers(self, commit: str, key: str) -> list[str]:
        """The values of trailer ``key`` in the message of ``commit``."""
        out = self.run(
            "log", "-1", f"--format=%(trailers:key={key},valueonly,separator=%x00)", commit
        )
        return [v.strip() for v in out.split("\0") if v.strip()]

    def update_ref(self, ref: str, new: str, old: str) -> None:
        """Point ``ref`` at ``new`` only if it is still at ``old`` (ZERO: must not exist)."""
        status, _, err = self.attempt("update-ref", "-m", "hub promote", ref, new, old)
        if status != 0:
            raise RefRaceError(
                f"{ref} changed while the promotion was being built: {err.strip()}",
                hint="someone else promoted at the same time; look at the branch, then retry",
            )

    def delete_ref(self, ref: str, old: str) -> None:
        """Delete ``ref`` only if it is still at ``old``."""
        self.run("update-ref", "-d", ref, old)

    def remote_tip(self, remote: str, ref: str) -> str | None:
        """The commit ``ref`` points at on ``remote``, or ``None`` (asks the remote)."""
        status, out, err = self.attempt("ls-remote", "--", remote, ref)
        if status != 0:
            raise RemoteError(
                f"cannot reach the hub remote {remote}: {last_line(err)}",
                hint="check the remote's URL, your network and your access; nothing was created",
            )
        for line in out.splitlines():
            sha, _, name = line.partition("\t")
            if name == ref:
                return str(sha)
        return None

    def fetch(self, remote: str, *refs: str, depth: int | None = None) -> None:
        """Fetch objects only: no ref, no FETCH_HEAD, no remote-tracking branch is written."""
        deep = [f"--depth={depth}"] if depth else []
        self.run(
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-write-fetch-head",
            "--refmap=",
            *deep,
            "--",
            remote,
            *refs,
        )

    def push(self, remote: str, commit: str, ref: str, expect: str | None) -> PushResult:
        """Push ``commit`` to ``ref`` on ``remote`` with a lease: the remote ref must be at
        ``expect`` (``None``: must not exist)."""
        lease = f"--force-with-lease={ref}:{expect or ''}"
        status, out, err = self.attempt(
            "push", "--porcelain", lease, "--", remote, f"{commit}:{ref}"
        )
        lines = [line for line in out.splitlines() if "\t" in line]
        messages = "\n".join(
            line.removeprefix("remote:").strip()
            for line in err.splitlines()
            if line.startswith("remote:")
        )
        summary = lines[0].split("\t")[-1].strip() if lines else last_line(err)
        ok = status == 0 and bool(lines) and not lines[0].startswith("!")
        return PushResult(ok, summary, messages, ok and lines[0].startswith("="))


def last_line(text: str) -> str:
    """The most telling line of git's stderr: its first fatal or error line, else its last."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("fatal: ", "error: ")):
            return line.split(": ", 1)[1]
    return lines[-1] if lines else "no answer"


def branch_name_problem(name: str) -> str | None:
    """Why ``name`` may not be a new branch (``git check-ref-format --branch`` semantics, and
    no name that reads as another ref: ``HEAD``, ``refs/...``, ``@{...}``), or ``None``."""
    if not name or name.startswith("-"):
        return "a branch name may not be empty or start with '-'"
    if name == "HEAD" or name.startswith("refs/") or "@{" in name or name == "@":
        return "a branch name may not be HEAD, start with refs/ or hold '@{'"
    import subprocess

    done = subprocess.run(
        ["git", "check-ref-format", f"refs/heads/{name}"], capture_output=True, check=False
    )
    return None if done.returncode == 0 else "git check-ref-format refuses it"
