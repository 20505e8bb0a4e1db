"""What ``hub promote`` produces: the promotion, its parts, and the ways it is refused."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

PROMOTED_BY = "Promoted-by"
PROMOTED_BY_VALUE = "hubrails"


@dataclass(frozen=True, slots=True)
class Options:
    """What the user asked for."""

    skill: str
    branch: str | None = None
    push: bool | None = None  # None: push when the hub has a remote
    force: bool = False
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class Lineage:
    """Where a promoted skill came from; kept in ``metadata.promoted_from``."""

    team: str
    version: str
    commit: str
    repository: str

    def to_dict(self) -> dict[str, str]:
        """The manifest form."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ToolUse:
    """A catalog tool the skill needs, with its status and risk."""

    name: str
    version: str
    status: str
    risk: str
    actions: tuple[tuple[str, str], ...] = ()  # (action, risk)


@dataclass(frozen=True, slots=True)
class AgentUse:
    """An agent that uses the skill, and whether it is certified."""

    name: str
    team: str
    path: str
    certification: str


@dataclass(frozen=True, slots=True)
class PullRequest:
    """The review request to open: title, markdown body and, for known hosts, its URL."""

    title: str
    body: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Pushed:
    """Where the branch was pushed and what the remote answered."""

    remote: str
    summary: str
    messages: str = ""


@dataclass(frozen=True, slots=True)
class Promotion:
    """A promotion branch, made (or, with ``--dry-run``, only planned)."""

    skill: str
    team: str
    owner: str
    branch: str
    base: str
    base_name: str
    source_folder: str
    target_folder: str
    lineage: Lineage
    message: str
    commit: str | None
    update: bool
    files: tuple[str, ...]
    removed: tuple[str, ...]
    tools: tuple[ToolUse, ...]
    agents: tuple[AgentUse, ...]
    reviewers: tuple[str, ...]
    pull_request: PullRequest
    dry_run: bool = False
    pushed: Pushed | None = None
    diff: str = ""
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """Everything, for ``--format json``."""
        data = asdict(self)
        data["promoted"] = not self.dry_run
        data["tools"] = [
            {**asdict(t), "actions": [{"name": a, "risk": r} for a, r in t.actions]}
            for t in self.tools
        ]
        return data
