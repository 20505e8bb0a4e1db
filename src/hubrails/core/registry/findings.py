"""Findings: what validation reports, one per problem, each with a stable rule id."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hubrails.errors import LoadError


class Severity(StrEnum):
    """How bad a finding is; ``--strict`` turns warnings into failures."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place: file, 1-based line and column, message and hint.

    ``related`` names the other files a cross-file finding involves, so that validating only
    changed files still reports what a change breaks elsewhere.
    """

    rule: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    hint: str = ""
    related: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (also the cache's storage form)."""
        data = asdict(self)
        data["severity"] = self.severity.value
        data["related"] = list(self.related)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """Rebuild a finding stored by :meth:`to_dict`."""
        return cls(
            **{
                **data,
                "severity": Severity(data["severity"]),
                "related": tuple(data.get("related", ())),
            }
        )

    @classmethod
    def from_load_error(cls, error: LoadError, path: str) -> Finding:
        """The error finding for a file at ``path`` that could not be loaded."""
        return cls(
            error.rule, Severity.ERROR, path, error.line, error.column, error.message, error.hint
        )

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order by file, then position, then rule, then message: a total order, so findings
        at one position come out alike from every run (a set's order changes per process)."""
        return (self.path, self.line, self.column, self.rule, self.message)
