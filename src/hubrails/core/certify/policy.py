"""Guardrail inheritance: the effective policy is hub ⊓ team ⊓ agent, and may only tighten.

Each policy field has a merge type. A team or agent value that would loosen what the levels
above it set is not applied; it is recorded as a :class:`Loosening` naming both files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from hubrails.core.registry.document import Document, Pointer

RISKS = ("low", "medium", "high")
CLASSIFICATIONS = ("public", "internal", "confidential", "restricted")


class Merge(StrEnum):
    """How values of one field combine; each tightens in its own direction."""

    REQUIRE = "require"  # booleans that require something: OR
    ALLOW = "allow"  # allow lists: intersection
    DENY = "deny"  # deny lists: union
    MAXIMUM = "maximum"  # upper limits: the smallest wins
    MINIMUM = "minimum"  # lower limits: the largest wins
    THRESHOLD = "threshold"  # ordered levels where the lower one is stricter


FIELDS: dict[str, tuple[Merge, tuple[str, ...]]] = {
    "logging.required": (Merge.REQUIRE, ()),
    "logging.min_retention_days": (Merge.MINIMUM, ()),
    "telemetry.required": (Merge.REQUIRE, ()),
    "telemetry.ledger_window_days": (Merge.MAXIMUM, ()),
    "approval.required_for_risk": (Merge.THRESHOLD, RISKS),
    "approval.destructive_actions": (Merge.REQUIRE, ()),
    "models.allow": (Merge.ALLOW, ()),
    "models.deny": (Merge.DENY, ()),
    "tools.allowed_statuses": (Merge.ALLOW, ()),
    "tools.deny": (Merge.DENY, ()),
    "limits.max_cost_usd_per_run": (Merge.MAXIMUM, ()),
    "limits.max_tool_calls_per_run": (Merge.MAXIMUM, ()),
    "data.max_classification": (Merge.THRESHOLD, CLASSIFICATIONS),
    "certificate.validity_days": (Merge.MAXIMUM, ()),
}
# What certify enforces when no guardrail sets a field (docs/checks.md); hub policy shows them.
BUILT_IN: dict[str, Any] = {
    "tools.allowed_statuses": ["vetted"],
    "telemetry.ledger_window_days": 30,
    "certificate.validity_days": 90,
}
# A lower level's allow list must not name what a level above denies.
_DENIED_BY = {"models.allow": "models.deny"}


@dataclass(frozen=True, slots=True)
class Source:
    """Where a policy value is written: file, line, and the level (hub, team or agent)."""

    path: str
    line: int
    level: str


@dataclass(frozen=True, slots=True)
class Layer:
    """One policy document (a guardrail's ``spec.policy`` or an agent's overrides): every
    field it sets, with the line it is set on."""

    level: str  # hub | team | agent
    path: str
    values: dict[str, tuple[Any, int]]
    required: bool = True


def layer(level: str, path: str, doc: Document, at: Pointer, *, required: bool = True) -> Layer:
    """The layer of the policy mapping at ``at`` in ``doc``."""
    policy: Any = doc.data
    for part in at:
        policy = policy.get(part) if isinstance(policy, dict) else None
    found: dict[str, tuple[Any, int]] = {}
    for name in FIELDS if isinstance(policy, dict) else ():
        section, key = name.split(".")
        block = policy.get(section)
        if isinstance(block, dict) and key in block and _valid(name, block[key]):
            found[name] = (block[key], doc.mark((*at, section, key))[0])
    return Layer(level, path, found, required)


@dataclass(frozen=True, slots=True)
class Value:
    """The effective value of one field and the places it comes from."""

    field: str
    value: Any
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class Loosening:
    """A team or agent value that would loosen the policy above it; it was not applied."""

    field: str
    value: Any
    source: Source
    base: Any
    base_sources: tuple[Source, ...]

    def message(self, *, located: bool = True) -> str:
        """One sentence naming both files (``located``: starting with where the value is)."""
        where = ", ".join(f"{s.path}:{s.line}" for s in self.base_sources)
        start = f"{self.source.path}:{self.source.line} sets" if located else "sets"
        return (
            f"{start} {self.field} to {_show(self.value)}, looser than {_show(self.base)} "
            f"from {where}; the looser value is not applied"
        )


@dataclass(frozen=True, slots=True)
class EffectivePolicy:
    """The merged policy: a value per field that any level sets, and every loosening attempt."""

    values: dict[str, Value] = field(default_factory=dict)
    loosenings: tuple[Loosening, ...] = ()

    def get(self, name: str, default: Any = None) -> Any:
        """The effective value of ``name``, or ``default`` when no level sets it."""
        value = self.values.get(name)
        return value.value if value is not None else default

    def source(self, name: str) -> Source | None:
        """The first place the effective value of ``name`` is written."""
        value = self.values.get(name)
        return value.sources[0] if value is not None and value.sources else None

    def to_dict(self) -> dict[str, Any]:
        """Plain data: each field's value and sources (also what certificates digest)."""
        return {
            name: {
                "value": value.value,
                "sources": [
                    {"path": s.path, "line": s.line, "level": s.level} for s in value.sources
                ],
            }
            for name, value in sorted(self.values.items())
        }


def effective(layers: list[Layer], base: EffectivePolicy | None = None) -> EffectivePolicy:
    """Merge hub, then team, then agent layers (on top of ``base``, the merge of the levels
    above, when given); peers at one level simply combine."""
    values: dict[str, Value] = dict(base.values) if base else {}
    loosenings: list[Loosening] = list(base.loosenings) if base else []
    for level in ("hub", "team", "agent"):
        above = dict(values)
        for one in (la for la in layers if la.level == level):
            for name, (raw, line) in one.values.items():
                source = Source(one.path, line, level)
                upper = above.get(name)
                loose = _loosens(name, raw, upper.value) if upper is not None else None
                denial = above.get(_DENIED_BY.get(name, ""))
                denied = [v for v in raw if v in denial.value] if denial and raw else []
                if denied and denial is not None:
                    loosenings.append(
                        Loosening(_DENIED_BY[name], denied, source, denial.value, denial.sources)
                    )
                if loose is not None and upper is not None:
                    loosenings.append(Loosening(name, loose, source, upper.value, upper.sources))
                    if FIELDS[name][0] is not Merge.ALLOW:
                        continue  # not applied; an allow list still narrows by intersection
                values[name] = _meet(name, values.get(name), raw, source)
    return EffectivePolicy(values, tuple(loosenings))


def _loosens(name: str, value: Any, base: Any) -> Any:
    """What in ``value`` is looser than ``base`` (``None`` when it only tightens)."""
    merge, order = FIELDS[name]
    if merge is Merge.REQUIRE:
        return value if base is True and value is False else None
    if merge is Merge.ALLOW:
        extra = [v for v in value if v not in base]
        return extra or None
    if merge is Merge.MAXIMUM:
        return value if value > base else None
    if merge is Merge.MINIMUM:
        return value if value < base else None
    if merge is Merge.THRESHOLD:
        return value if order.index(value) > order.index(base) else None
    return None  # a deny list only ever grows


def _meet(name: str, current: Value | None, raw: Any, source: Source) -> Value:
    if current is None:
        return Value(name, list(raw) if isinstance(raw, list) else raw, (source,))
    merge, order = FIELDS[name]
    old = current.value
    if merge is Merge.REQUIRE:
        new: Any = old or raw
    elif merge is Merge.ALLOW:
        new = [v for v in old if v in raw]
    elif merge is Merge.DENY:
        new = old + [v for v in raw if v not in old]
    elif merge is Merge.MAXIMUM:
        new = min(old, raw)
    elif merge is Merge.MINIMUM:
        new = max(old, raw)
    else:
        new = order[min(order.index(old), order.index(raw))]
    if new == old and merge not in (Merge.ALLOW, Merge.DENY):
        return current
    if new == raw and merge not in (Merge.ALLOW, Merge.DENY):
        return Value(name, new, (source,))
    return Value(name, new, (*current.sources, source))


def _valid(name: str, value: Any) -> bool:
    """Only well-typed values take part (``hub validate`` reports the others)."""
    merge, order = FIELDS[name]
    if merge is Merge.REQUIRE:
        return isinstance(value, bool)
    if merge in (Merge.ALLOW, Merge.DENY):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if merge is Merge.THRESHOLD:
        return value in order
    if isinstance(value, float):
        return math.isfinite(value)  # .nan and .inf take no part: no comparison holds for NaN
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
