"""What ``hub certify`` finds: each check's result, each agent's, and the whole run's."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from hubrails.core.certify.check_context import Problem
from hubrails.core.certify.policy import EffectivePolicy
from hubrails.core.certify.waivers import Waiver
from hubrails.core.hub.locate import Hub


class Status(StrEnum):
    """The result of one check."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    SKIP = "skip"
    WAIVED = "waived"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's result, with the first problem as its reason and all problems kept."""

    id: str
    title: str
    severity: str
    status: Status
    remediation: str
    reason: str | None = None
    problems: tuple[Problem, ...] = ()
    waiver: Waiver | None = None

    @property
    def where(self) -> Problem | None:
        """The first problem: its file, line and field locate the check's reason."""
        return self.problems[0] if self.problems else None

    def to_dict(self) -> dict[str, Any]:
        """The certificate's form of this result (stable, no free-form extras)."""
        first = self.where
        return {
            "id": self.id,
            "title": self.title,
            "severity": self.severity,
            "status": self.status.value,
            "reason": self.reason,
            "remediation": self.remediation if self.status is not Status.PASS else None,
            "file": first.path if first else None,
            "line": first.line if first else None,
            "field": (first.field or None) if first else None,
        }


@dataclass(frozen=True)
class AgentResult:
    """Everything certify found out about one agent (its digests made once: no slots)."""

    name: str
    team: str
    path: str
    lifecycle: str
    checks: tuple[CheckResult, ...]
    policy: EffectivePolicy
    inputs: tuple[tuple[str, str], ...]
    waivers: tuple[Waiver, ...] = ()

    @property
    def passed(self) -> bool:
        """Every required check passes, is skipped or waived."""
        return not any(c.status is Status.FAIL for c in self.checks)

    def policy_digest(self) -> str:
        """SHA-256 of the effective policy's canonical JSON."""
        return self._digests[0]

    def inputs_digest(self) -> str:
        """SHA-256 over every input file's digest and the effective policy."""
        return self._digests[1]

    @cached_property
    def _digests(self) -> tuple[str, str]:
        policy = _sha256_json(self.policy.to_dict())
        return policy, _sha256_json({"inputs": sorted(self.inputs), "policy": policy})


@dataclass(frozen=True, slots=True)
class Certification:
    """The results of one ``hub certify`` run, and the warnings met on the way."""

    hub: Hub
    results: tuple[AgentResult, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> bool:
        """Every agent passed."""
        return all(r.passed for r in self.results)


def _sha256_json(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
