"""Copies of the hub: the clone cache a spoke checks against (one clone per hub URL, fetched each
run, the last copy kept when the fetch fails), and the bare shallow fetch a promotion builds on."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hubrails.core.vcs.repository import Repository, last_line
from hubrails.errors import HubFetchError, RemoteError


def fetch_hub(url: str, ref: str, dest: Path) -> tuple[Repository, str]:
    """A bare, shallow copy of the hub at ``ref`` in ``dest``, and the commit ``ref`` names."""
    repo = Repository.init_bare(dest)
    try:
        status, _, err = repo.attempt(
            "fetch", "--quiet", "--no-tags", "--depth=1", "--", url, f"{ref}:refs/hub/base"
        )
        if status != 0:
            raise RemoteError(
                f"cannot fetch the hub {url} at '{ref}': {last_line(err)}",
                hint="check hub.url and hub.ref in hub.yaml, and your access to the hub",
            )
        base = repo.commit_of("refs/hub/base")
        assert base is not None
    except BaseException:
        repo.close()
        raise
    return repo, base


@dataclass(frozen=True, slots=True)
class MaterialisedHub:
    """A hub checked out in the cache: where, at which commit, and any warning on the way."""

    path: Path
    commit: str
    warning: str | None = None


_NO_PROMPT = {"GIT_TERMINAL_PROMPT": "0"}  # fail, never wait for a password, in CI or a hook
_FETCHED = "hubrails-fetched"  # in the clone's .git: touched after each successful fetch


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
    """git's own reason, from GitPython's ``"\n  stderr: '...'\n'"`` wrapping of its stderr:
    its first fatal or error line, else its last line, else the exception itself."""
    stderr = str(getattr(exc, "stderr", "") or "").strip()
    stderr = stderr.removeprefix("stderr:").strip().removeprefix("'").removesuffix("'")
    reason = last_line(stderr) if stderr.strip() else ""
    if not reason or reason == "no answer":
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return reason.strip()
