"""What git commands return and take, as plain data: tree entries, identities, push answers."""

from __future__ import annotations

from dataclasses import dataclass

ZERO = "0" * 40


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
