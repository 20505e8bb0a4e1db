"""What every check works with: the agent's context, problems, and the check's identity."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hubrails.core.certify.agent_files import Loaded, Workspace
from hubrails.core.certify.policy import BUILT_IN, EffectivePolicy
from hubrails.core.registry.document import Pointer, dotted

CLASSES = ("public", "internal", "confidential", "restricted")
DEFAULT_ALLOWED_STATUSES = tuple(BUILT_IN["tools.allowed_statuses"])


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong, where: file, line and the field (dotted)."""

    message: str
    path: str
    line: int
    field: str


@dataclass(frozen=True, slots=True)
class Skip:
    """The check could not run, and why."""

    reason: str


@dataclass
class AgentContext:
    """An agent and everything it resolves to, loaded once for all checks."""

    ws: Workspace
    agent: Loaded
    name: str
    team: str
    spec: dict[str, Any]
    tools: dict[str, Loaded | None]
    skills: list[tuple[int, dict[str, Any], Loaded | None]]
    schema_problems: list[Problem]
    ledger_url: str | None = None

    def at(self, pointer: Pointer, message: str, loaded: Loaded | None = None) -> Problem:
        """A problem at ``pointer`` in the agent (or in ``loaded``)."""
        target = loaded or self.agent
        line = target.line(pointer)
        return Problem(message, target.path, line, dotted(pointer))

    def tool_uses(self) -> list[tuple[int, str, dict[str, Any]]]:
        """(index, name, entry) of every well-formed ``spec.tools`` entry."""
        items = self.spec.get("tools")
        return [
            (i, t["name"], t)
            for i, t in enumerate(items if isinstance(items, list) else [])
            if isinstance(t, dict) and isinstance(t.get("name"), str)
        ]


def named_items(value: Any) -> list[tuple[int, str]]:
    """(index, item) of the strings of ``value`` when it is a list; anything else in it (a
    mapping, a list) is a schema finding of validate, never something to look up."""
    return (
        [(j, v) for j, v in enumerate(value) if isinstance(v, str)]
        if isinstance(value, list)
        else []
    )


Outcome = list[Problem] | Skip
CheckFunction = Callable[[AgentContext, EffectivePolicy], Outcome]


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """A check's identity and how to run it."""

    id: str
    title: str
    severity: str  # required | advisory
    remediation: str
    run: CheckFunction


def spec_of(loaded: Loaded | None) -> dict[str, Any]:
    """The ``spec`` mapping of a loaded manifest (empty when absent or malformed)."""
    spec = loaded.data.get("spec") if loaded is not None else None
    return spec if isinstance(spec, dict) else {}


def version_of(loaded: Loaded) -> str:
    """The ``metadata.version`` of a loaded manifest, or an empty string."""
    meta = loaded.data.get("metadata")
    version = meta.get("version") if isinstance(meta, dict) else None
    return version if isinstance(version, str) else ""


def actions_of(tool: Loaded | None) -> dict[str, dict[str, Any]]:
    """A tool's actions by name."""
    items = spec_of(tool).get("actions")
    return {
        a["name"]: a
        for a in (items if isinstance(items, list) else [])
        if isinstance(a, dict) and isinstance(a.get("name"), str)
    }


def rank_of(order: tuple[str, ...], value: Any) -> int | None:
    """The position of ``value`` in an ordered scale, or ``None`` when it is not on it."""
    return order.index(value) if value in order else None
