"""What validation learns from one file: its findings and the facts cross-checks need.

Everything here round-trips through plain JSON, so the index cache can keep it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson

from hubrails.core.registry.findings import Finding, Severity

MAX_LINE = 400  # characters of a source line kept to show with a finding


class Ref(NamedTuple):
    """A reference from one manifest to another asset, with where it is written.

    Ref and Asset are named tuples, not frozen dataclasses: a warm run rebuilds tens of
    thousands of them from the cache, and tuples construct several times faster.
    """

    kind: str
    name: str
    field: str
    line: int
    column: int
    version: str | None = None
    actions: tuple[str, ...] = ()


class Asset(NamedTuple):
    """The identity and status of one manifest (or SKILL.md) as cross-checks see it."""

    kind: str
    name: str
    line: int
    column: int
    team: str | None = None
    version: str | None = None
    lifecycle: str = "production"
    status: str | None = None
    description: str | None = None
    platform: bool = False
    provides: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class FileReport:
    """All that one file contributes: its own findings, its asset and its references."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    asset: Asset | None = None
    refs: list[Ref] = field(default_factory=list)
    lines: dict[int, str] = field(default_factory=dict)
    """The text of the lines its findings, references and asset point at (for showing them:
    renderers never read files), each cut to :data:`MAX_LINE` characters."""

    def keep_lines(self, text: str) -> None:
        """Keep the lines of ``text`` (the decoded file) that this report points at."""
        wanted = {f.line for f in self.findings} | {r.line for r in self.refs}
        if self.asset is not None:
            wanted.add(self.asset.line)
        if not wanted:
            return
        lines = text.splitlines()
        self.lines = {n: lines[n - 1][:MAX_LINE] for n in sorted(wanted) if 0 < n <= len(lines)}

    def to_row(self) -> list[Any]:
        """Compact plain data for the cache (positional: loading it is the hot path)."""
        a = self.asset
        return [
            [
                [f.rule, f.severity.value, f.line, f.column, f.message, f.hint, list(f.related)]
                for f in self.findings
            ],
            None if a is None else list(a),
            [list(r) for r in self.refs],
            [[n, text] for n, text in self.lines.items()],
        ]

    @classmethod
    def from_row(cls, path: str, row: list[Any]) -> FileReport:
        """Rebuild a report stored by :meth:`to_row`."""
        findings, asset, refs, lines = row
        return cls(
            path,
            [
                Finding(rule, Severity(severity), path, line, column, message, hint, tuple(related))
                for rule, severity, line, column, message, hint, related in findings
            ],
            None if asset is None else asset_from_row(asset),
            [ref_from_row(ref) for ref in refs],
            dict(lines),
        )


def asset_from_row(row: list[Any]) -> Asset:
    """An asset from its cache row (JSON turned its tuples into lists)."""
    *head, provides, labels = row
    return Asset._make([*head, tuple(provides), tuple((k, v) for k, v in labels)])


def ref_from_row(row: list[Any]) -> Ref:
    """A reference from its cache row."""
    return Ref._make([*row[:-1], tuple(row[-1])])


Encoded = tuple[bytes, bytes | None, list[bytes]]  # a report's rows: report, asset, references


def encode(report: FileReport) -> Encoded:
    """The blobs the cache keeps of ``report``."""
    asset = report.asset
    return (
        _blob(report.to_row()),
        None if asset is None else _blob(list(asset)),
        [_blob(list(ref)) for ref in report.refs],
    )


def _blob(value: Any) -> bytes:
    """``value`` as JSON, in bytes of its own size: ``orjson.dumps`` writes into a 4 KiB buffer
    and shrinks it in place, so each small result kept held a page (a first run's 80,000 blobs
    of 10,000 manifests: 314 MiB and 0.5 s of page faults; copied: 8 MiB)."""
    return bytes(memoryview(orjson.dumps(value)))


def decode(path: str, blob: bytes) -> FileReport | None:
    """The report stored by :func:`encode`, or ``None`` when the blob is damaged."""
    try:
        return FileReport.from_row(path, orjson.loads(blob))
    except (IndexError, KeyError, TypeError, ValueError):
        return None


def finding_at(
    rule: str,
    severity: Severity,
    path: str,
    at: Ref | Asset,
    message: str,
    hint: str = "",
    related: Iterable[str] = (),
) -> Finding:
    """A finding at where a reference or an asset is written."""
    return Finding(rule, severity, path, at.line, at.column, message, hint, tuple(related))
