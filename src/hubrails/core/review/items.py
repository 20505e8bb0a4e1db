"""What a review finds: items (an agent, or a team for its budget) with their reasons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hubrails.core.ledger.window import Window

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a condition makes an item (docs/review.md)."""

    mad_k: float = 3.0  # cost above the baseline median by this many scaled MADs …
    min_ratio: float = 1.5  # … and by this factor at least
    baseline_days: int = 28  # the baseline: the 28 days before the last 7
    recent_days: int = 7
    min_baseline_days: int = 7  # days with runs the baseline needs to say anything
    min_recent_runs: int = 5  # runs of the last 7 days a cost per run needs
    waiver_days: int = 14  # a waiver ending within this many days
    denials: int = 5  # guard denials in the window that make an item


@dataclass(frozen=True, slots=True)
class Reason:
    """One condition an item meets: what it is, how bad, the evidence and what to do."""

    code: str
    severity: str
    message: str
    evidence: tuple[str, ...]
    action: str


@dataclass(frozen=True, slots=True)
class Item:
    """An agent (``agent`` None: a team, for its budget) that needs a person."""

    team: str
    agent: str | None
    path: str | None
    reasons: tuple[Reason, ...]
    last_seen: str | None = None  # RFC 3339, from its runs and evidence

    @property
    def severity(self) -> str:
        """The worst of its reasons."""
        return ERROR if any(r.severity == ERROR for r in self.reasons) else WARNING

    @property
    def key(self) -> str:
        """``team/agent``, or the team."""
        return f"{self.team}/{self.agent}" if self.agent else self.team


@dataclass(frozen=True, slots=True)
class Review:
    """The review queue of one window."""

    window: Window
    as_of: datetime
    agents: int  # agents the registry declares (each one looked at)
    items: tuple[Item, ...]
    thresholds: Thresholds = Thresholds()

    @property
    def errors(self) -> int:
        """Items with an error."""
        return sum(1 for i in self.items if i.severity == ERROR)
