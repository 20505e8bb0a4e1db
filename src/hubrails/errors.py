"""The error tree and the exit codes every command documents."""

from __future__ import annotations

from enum import IntEnum


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
