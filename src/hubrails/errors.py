"""Every error class of hubrails, and the exit codes every command documents.

:class:`HubError` and its subclasses reach ``hub``'s one boundary (``cli.main``), which prints
their message and exits with their ``exit_code``; the class says the code, never the raiser.
:class:`LoadError` is a file that cannot be loaded safely: validation turns it into a finding
(``Finding.from_load_error``), other commands into a :class:`HubError` (:meth:`LoadError.to_error`).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    """Process exit codes: the contract with shells, hooks and CI."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    INTERNAL = 3
    INTERRUPTED = 130


class HubError(Exception):
    """A user-facing error: one clear message, optional location and hint, exit code 2."""

    exit_code = ExitCode.USAGE

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str = "",
        details: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.hint = hint
        self.details = details or []

    def location(self) -> str:
        """``file:line:column`` as far as known, or an empty string."""
        parts = [p for p in (self.path, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def render(self, max_details: int = 10) -> str:
        """The lines ``hub`` prints on stderr: ``hub: [where: ]message``, the first details, and
        the hint."""
        where = self.location()
        lines = [f"hub: {where + ': ' if where else ''}{self.message}"]
        lines += [f"hub:   {detail}" for detail in self.details[:max_details]]
        if self.hint:
            lines.append(f"hub: hint: {self.hint}")
        return "\n".join(lines) + "\n"


class ConfigError(HubError):
    """``hub.yaml`` is missing, unreadable or invalid."""


class GitError(HubError):
    """A git command failed, or a folder is not a git repository."""


class RemoteError(GitError):
    """A remote could not be reached or read (network, permissions, a wrong URL): exit 1."""

    exit_code = ExitCode.FINDINGS


class RefRaceError(GitError):
    """A ref was not where we expected it: someone else updated it first (exit 1)."""

    exit_code = ExitCode.FINDINGS


class HubFetchError(HubError):
    """The hub could not be cloned and no cached copy exists."""


class PromotionError(HubError):
    """A precondition failed, or the remote said no: nothing was created (exit 1)."""

    exit_code = ExitCode.FINDINGS

    def __init__(
        self, code: str, message: str, *, hint: str = "", details: list[str] | None = None
    ) -> None:
        super().__init__(message, hint=hint, details=details)
        self.code = code

    def to_dict(self) -> dict[str, Any]:
        """The refusal for ``--format json``."""
        return {
            "promoted": False,
            "reason": self.code,
            "message": self.message,
            "hint": self.hint,
            "details": self.details,
        }


class LoosenedError(HubError):
    """An existing Claude Code file holds something looser than the policy; nothing was
    written (exit 1)."""

    exit_code = ExitCode.FINDINGS


class LoadError(Exception):
    """A file that cannot be loaded safely; ``rule`` is the stable finding id."""

    def __init__(
        self, rule: str, message: str, line: int = 1, column: int = 1, hint: str = ""
    ) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint

    def to_error(self, path: str, error: type[HubError] = HubError) -> HubError:
        """This failure as a :class:`HubError` (or ``error``) at ``path``, for commands that
        stop on a file they cannot load."""
        return error(self.message, path=path, line=self.line, column=self.column, hint=self.hint)
