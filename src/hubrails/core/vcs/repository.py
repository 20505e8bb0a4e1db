"""Git, driven through GitPython's command interface: the only module that imports GitPython.

Every :class:`Repository` must be closed (use ``with``). Nothing here touches a working tree or
an index: commits are built in a :class:`Scratch` area (a temporary index and a quarantine
object folder) and published by one atomic ref update.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hubrails.errors import ExitCode, HubError

if TYPE_CHECKING:
    from git import Repo


class GitError(HubError):
    """A git command failed, or a folder is not a git repository."""


class RemoteError(GitError):
    """A remote could not be reached or read (network, permissions, a wrong URL): exit 1."""

    exit_code = ExitCode.FINDINGS


class RefRaceError(GitError):
    """A ref was not where we expected it: someone else updated it first."""

    exit_code = ExitCode.FINDINGS


# Repositories (hub init).


def is_repository(path: Path) -> bool:
    """Whether ``path`` is inside a git working tree."""
    import git

    try:
        git.Repo(path, search_parent_directories=True).close()
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return False
    return True


def init_repository(path: Path, branch: str = "main") -> None:
    """``git init`` in ``path``, on ``branch`` (``hub.ref`` and the workflows name it), whatever
    git's ``init.defaultBranch`` says."""
    import git

    git.Repo.init(path, initial_branch=branch).close()


def default_branch(url: str) -> str | None:
    """The branch a repository's HEAD names (``git ls-remote --symref``), or ``None`` when it
    cannot be asked within a few seconds."""
    import os
    import subprocess

    try:
        done = subprocess.run(
            ["git", "ls-remote", "--symref", "--", url, "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            env={**os.environ, **_NO_PROMPT},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in done.stdout.splitlines():
        if line.startswith("ref: refs/heads/") and line.endswith("\tHEAD"):
            return line.removeprefix("ref: refs/heads/").removesuffix("\tHEAD")
    return None


# ==============================================================================================
# Promotion: repositories, trees, temporary index, quarantined objects, refs and pushes.
# (hub promote; see core/promotion.py for the plan built on top of these.)
# ==============================================================================================

ZERO = "0" * 40
_READ_ONLY = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One file of a tree: mode, blob id and repository-relative path."""

    mode: str
    sha: str
    path: str


@dataclass(frozen=True, slots=True)
class Identity:
    """A git author or committer: name, email and the raw date (``seconds +zone``)."""

    name: str
    email: str
    date: str

    def env(self) -> dict[str, str]:
        """The environment that makes git record this identity as author and committer."""
        return {
            "GIT_AUTHOR_NAME": self.name,
            "GIT_AUTHOR_EMAIL": self.email,
            "GIT_AUTHOR_DATE": self.date,
            "GIT_COMMITTER_NAME": self.name,
            "GIT_COMMITTER_EMAIL": self.email,
            "GIT_COMMITTER_DATE": self.date,
        }


@dataclass(frozen=True, slots=True)
class PushResult:
    """The remote's answer to one push."""

    ok: bool
    summary: str
    messages: str
    up_to_date: bool = False


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
        """Every file under ``folder`` (or the file ``folder`` itself) in ``commit``."""
        out: bytes = self.run(
            "ls-tree", "-r", "-z", "--full-tree", commit, "--", folder, env=env, binary=True
        )
        entries = []
        for record in out.split(b"\0"):
            if record:
                info, path = record.decode().split("\t", 1)
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
                f"cannot reach the hub remote {remote}: {_last_line(err)}",
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
        summary = lines[0].split("\t")[-1].strip() if lines else _last_line(err)
        ok = status == 0 and bool(lines) and not lines[0].startswith("!")
        return PushResult(ok, summary, messages, ok and lines[0].startswith("="))


def _last_line(text: str) -> str:
    """The most telling line of git's stderr: its first fatal or error line, else its last."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("fatal: ", "error: ")):
            return line.split(": ", 1)[1]
    return lines[-1] if lines else "no answer"


def fetch_hub(url: str, ref: str, dest: Path) -> tuple[Repository, str]:
    """A bare, shallow copy of the hub at ``ref`` in ``dest``, and the commit ``ref`` names."""
    repo = Repository.init_bare(dest)
    try:
        status, _, err = repo.attempt(
            "fetch", "--quiet", "--no-tags", "--depth=1", "--", url, f"{ref}:refs/hub/base"
        )
        if status != 0:
            raise RemoteError(
                f"cannot fetch the hub {url} at '{ref}': {_last_line(err)}",
                hint="check hub.url and hub.ref in hub.yaml, and your access to the hub",
            )
        base = repo.commit_of("refs/hub/base")
        assert base is not None
    except BaseException:
        repo.close()
        raise
    return repo, base


# --- checkout state (certificates record it) ---------------------------------------


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


# --- hub materialisation -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MaterialisedHub:
    """A hub checked out in the cache: where, at which commit, and any warning on the way."""

    path: Path
    commit: str
    warning: str | None = None


_NO_PROMPT = {"GIT_TERMINAL_PROMPT": "0"}  # fail, never wait for a password, in CI or a hook
_FETCHED = "hubrails-fetched"  # in the clone's .git: touched after each successful fetch


class HubFetchError(HubError):
    """The hub could not be cloned and no cached copy exists."""


def hub_cache_folder(cache_root: Path, url: str) -> Path:
    """The cache folder of one hub URL (one clone per URL, whatever the ref)."""
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return cache_root / "hubs" / key


def materialise_hub(
    url: str, ref: str, cache_root: Path, *, fetch_every: float | None = None
) -> MaterialisedHub:
    """Check the hub out at ``ref`` in the cache: clone once, fetch after (with
    ``fetch_every`` seconds, only when the last fetch is older than that); when the fetch
    fails, keep the last cached copy and say which commit it is and how old."""
    folder = hub_cache_folder(cache_root, url)
    marker = folder / ".git" / "hubrails-checkout"  # "REF COMMIT" of the last checkout
    last = (_read(marker) or "").split(" ")
    if len(last) == 2 and last[0] == ref and _fresh(folder, fetch_every):
        return MaterialisedHub(folder, last[1])  # no fetch due, so ref still names that commit
    import fcntl

    import git

    folder.parent.mkdir(parents=True, exist_ok=True)
    with (folder.parent / f"{folder.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel hook processes share one clone
        warning, fetched = None, True
        if not (folder / ".git").is_dir():
            _clone_hub(url, folder)
            _touch(folder)
        elif not _fresh(folder, fetch_every):
            marker.unlink(missing_ok=True)  # a fetch may move the tree: no fast path meanwhile
            warning = _fetch_hub(folder, url)
        else:
            fetched = False
        with git.Repo(folder) as repo:
            try:
                commit = _resolve_hub_ref(repo, ref, url, warning)
            except HubFetchError:
                if fetched:
                    raise
                warning = _fetch_hub(folder, url)  # a ref the cached copy has not seen yet
                commit = _resolve_hub_ref(repo, ref, url, warning)
            if _head(repo) != commit or _read(marker) != f"{ref} {commit}":
                marker.unlink(missing_ok=True)
                repo.git.checkout("--detach", "--force", commit)
                repo.git.clean("-ffdx", "-e", "/.hub")
                marker.write_text(f"{ref} {commit}", encoding="utf-8")
            if warning is not None:
                warning = f"{warning}: using the cached copy at commit {commit}"
            return MaterialisedHub(folder, commit, warning)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _touch(folder: Path) -> None:
    (folder / ".git" / _FETCHED).write_bytes(b"")


def _fresh(folder: Path, fetch_every: float | None) -> bool:
    """Whether the last fetch is recent enough to skip fetching."""
    if fetch_every is None:
        return False
    import time

    try:
        age = time.time() - (folder / ".git" / _FETCHED).stat().st_mtime
    except OSError:
        return False
    return 0 <= age < fetch_every


def fetch_age(folder: Path) -> str:
    """How long ago the cached clone in ``folder`` was last fetched, in words."""
    import time

    try:
        seconds = max(0.0, time.time() - (folder / ".git" / _FETCHED).stat().st_mtime)
    except OSError:
        return "at an unknown time"
    if seconds < 120:
        return f"{seconds:.0f} s ago"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"


def _head(repo: object) -> str | None:
    try:
        return str(repo.head.commit.hexsha)  # type: ignore[attr-defined]
    except ValueError:
        return None


def _clone_hub(url: str, folder: Path) -> None:
    import git

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".clone-", dir=folder.parent))
    try:
        git.Repo.clone_from(url, staging / "repo", no_checkout=True, env=_NO_PROMPT).close()
        (staging / "repo").replace(folder)  # atomic: a half-done clone is never used
    except git.GitError as exc:  # a failed command, or a refused transport such as ext::
        raise HubFetchError(
            f"cannot clone the hub from {url}: {_git_reason(exc)}",
            hint="check hub.url in hub.yaml and your access to it, or pass --hub PATH",
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _fetch_hub(folder: Path, url: str) -> str | None:
    import git

    with git.Repo(folder) as repo:
        repo.git.update_environment(**_NO_PROMPT)
        try:
            repo.remotes.origin.set_url(url)
            repo.remotes.origin.fetch(prune=True, tags=True, force=True)
        except git.GitError as exc:
            if _head(repo) is None and not repo.refs:
                raise HubFetchError(
                    f"cannot fetch the hub from {url}: {_git_reason(exc)}",
                    hint="pass --hub PATH to a local checkout of the hub",
                ) from None
            return (
                f"cannot fetch the hub from {url} ({_git_reason(exc)}); the cached copy may "
                f"be stale (last fetched {fetch_age(folder)})"
            )
    _touch(folder)
    return None


def _resolve_hub_ref(repo: object, ref: str, url: str, warning: str | None = None) -> str:
    import git

    assert isinstance(repo, git.Repo)
    for candidate in (f"refs/remotes/origin/{ref}", f"refs/tags/{ref}", ref):
        try:
            return str(repo.git.rev_parse("--verify", "--quiet", f"{candidate}^{{commit}}"))
        except git.GitCommandError:
            continue
    if warning is not None:
        raise HubFetchError(warning, hint=f"the cached copy has no '{ref}' either")
    raise HubFetchError(
        f"the hub at {url} has no branch, tag or commit '{ref}'",
        hint="fix hub.ref in hub.yaml",
    )


def _git_reason(exc: object) -> str:
    stderr = str(getattr(exc, "stderr", "") or "").strip()
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    text = lines[-1] if lines else str(exc)
    return text.removeprefix("stderr: ").strip("'").strip()
