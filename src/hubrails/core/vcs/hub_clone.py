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


def hub_cache_folder(cache_root: Path, url: str) -> Path:
    """The cache folder of one hub URL (one clone per URL, whatever the ref)."""
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return cache_root / "hubs" / key


def materialise_hub(url: str, ref: str, cache_root: Path) -> MaterialisedHub:
    """Check the hub out at ``ref`` in the cache: clone once, fetch after; when the fetch fails,
    keep the last cached copy and say which commit it is."""
    import git

    folder = hub_cache_folder(cache_root, url)
    if not (folder / ".git").is_dir():
        _clone_hub(url, folder)
        warning = None
    else:
        warning = _fetch_hub(folder, url)
    with git.Repo(folder) as repo:
        if warning is not None:
            return MaterialisedHub(folder, repo.head.commit.hexsha, warning)
        commit = _resolve_hub_ref(repo, ref, url)
        repo.git.checkout("--detach", "--force", commit)
        repo.git.clean("-fdx")
        return MaterialisedHub(folder, commit)


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
            try:
                commit = repo.head.commit.hexsha
            except ValueError:
                raise HubFetchError(
                    f"cannot fetch the hub from {url}: {_git_reason(exc)}",
                    hint="pass --hub PATH to a local checkout of the hub",
                ) from None
            return (
                f"cannot fetch the hub from {url} ({_git_reason(exc)}); "
                f"using the cached copy at commit {commit}"
            )
    return None


def _resolve_hub_ref(repo: object, ref: str, url: str) -> str:
    import git

    assert isinstance(repo, git.Repo)
    for candidate in (f"refs/remotes/origin/{ref}", f"refs/tags/{ref}", ref):
        try:
            return str(repo.git.rev_parse("--verify", "--quiet", f"{candidate}^{{commit}}"))
        except git.GitCommandError:
            continue
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
