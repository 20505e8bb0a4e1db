"""What validation learns from one file: its findings and the facts cross-checks need.

Everything here round-trips through plain JSON, so the index cache can keep it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from hubrails.core.findings import Finding


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference from one manifest to another asset, with where it is written."""

    kind: str
    name: str
    field: str
    line: int
    column: int
    version: str | None = None
    actions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Asset:
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

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the cache."""
        return {
            "path": self.path,
            "findings": [f.to_dict() for f in self.findings],
            "asset": asdict(self.asset) if self.asset else None,
            "refs": [asdict(r) for r in self.refs],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileReport:
        """Rebuild a report stored by :meth:`to_dict`."""
        asset = data["asset"]
        return cls(
            path=data["path"],
            findings=[Finding.from_dict(f) for f in data["findings"]],
            asset=Asset(
                **{
                    **asset,
                    "provides": tuple(asset["provides"]),
                    "labels": tuple((k, v) for k, v in asset.get("labels", ())),
                }
            )
            if asset
            else None,
            refs=[Ref(**{**r, "actions": tuple(r["actions"])}) for r in data["refs"]],
        )
