"""Commits of a repository's history that a query picks (``git log``), e.g. the skill
promotions of a time window."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hubrails.core.vcs.repository import _READ_ONLY


@dataclass(frozen=True, slots=True)
class LoggedCommit:
    """One commit: its id, commit time (seconds since the epoch), subject and chosen trailers."""

    sha: str
    time_s: int
    subject: str
    trailers: dict[str, str]


def commits_with_trailer(
    path: Path, key: str, value: str, since_s: int, until_s: int, keys: tuple[str, ...]
) -> list[LoggedCommit] | None:
    """The commits of HEAD's history in ``[since_s, until_s)`` whose trailer ``key`` starts
    with ``value``, newest first, with the trailers ``keys``; ``None`` outside a repository or
    before a first commit."""
    import os
    import subprocess

    fields = "%x1f".join(
        ["%H", "%ct", "%s", *(f"%(trailers:key={k},valueonly,separator=%x1e)" for k in keys)]
    )
    grep = [f"--grep=^{key}: {value}", "--regexp-ignore-case"]
    try:  # git itself, not GitPython: its import costs more than this one command
        done = subprocess.run(
            ["git", "-C", str(path), "log", *grep, f"--format={fields}%x1d", "HEAD", "--"],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **_READ_ONLY},
        )
    except OSError:
        return None
    if done.returncode != 0:  # no repository, or no commit yet
        return None
    found = []
    for record in done.stdout.split("\x1d"):
        parts = record.strip("\n").split("\x1f")
        if len(parts) != 3 + len(keys):
            continue
        sha, time_s, subject, *values = parts
        if since_s <= int(time_s) < until_s:  # not git's --since: it stops at an older commit
            trailers = {k: v.split("\x1e")[0].strip() for k, v in zip(keys, values, strict=True)}
            found.append(LoggedCommit(sha, int(time_s), subject, trailers))
    return found
