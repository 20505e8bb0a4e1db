"""``hub certify --verify``: recompute every agent's certificate and compare the whole statement
with the one on disk; only the hub ref is taken as recorded (docs/checks.md says why)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from hubrails import __version__
from hubrails.core.certify.agent_files import Workspace
from hubrails.core.certify.certificate import (
    FOLDER,
    VerifyProblem,
    build,
    certificate_path,
    expiry,
    stamp,
)
from hubrails.core.certify.hub_history import HubHistory
from hubrails.core.certify.results import AgentResult, Certification
from hubrails.core.certify.run import certify_then, validity_days
from hubrails.core.certify.signatures import Trust, load_certificate
from hubrails.core.registry.config import HubConfig

CLOCK_SKEW = dt.timedelta(minutes=5)  # an issued_at this far ahead of the clock is accepted
ENVIRONMENTAL = frozenset({"ledger-records"})  # results that depend on the ledger at hand
_STAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")


def verify(
    config: HubConfig, run: Certification, now: dt.datetime, trust: Trust | None = None
) -> list[VerifyProblem]:
    """Recompute every agent's result and compare it with its certificate (its signature
    checked against ``trust``: by default no keys, signing optional)."""
    trust = trust or Trust(required=False)
    return settle(config, run, [judge(config, now, trust, r) for r in run.results])


def certify_and_verify(
    ws: Workspace,
    now: dt.datetime,
    trust: Trust,
    *,
    ledger_url: str | None = None,
    hub_state: bool = False,
) -> tuple[Certification, list[VerifyProblem]]:
    """Certify every agent and :func:`verify` its certificate, each compared where its result
    is made (in the forked workers for many agents); the hub's git history is read once, here."""
    if trust.ws is not None:
        _ = trust.keyring  # read once, before the workers fork
    run, judged = certify_then(
        ws, ws.agent_paths, partial(judge, ws.config, now, trust),
        ledger_url=ledger_url, hub_state=hub_state,
    )  # fmt: skip
    return run, settle(ws.config, run, judged)


@dataclass(frozen=True, slots=True)
class Judged:
    """A certificate (``path`` as shown) compared with its recomputation, all but its hub
    revision: a problem found before that check, or the revision to check (``hub`` and the
    ``inputs`` recorded) and the problem found after it, if any."""

    path: str
    agent: str
    problem: VerifyProblem | None
    hub: dict[str, Any] | None = None
    inputs: list[dict[str, str]] = field(default_factory=list)
    later: VerifyProblem | None = None


def judge(config: HubConfig, now: dt.datetime, trust: Trust, result: AgentResult) -> Judged | None:
    """``result``'s certificate compared with it, the hub's history left to :func:`settle`;
    ``None`` when it has no certificate and needs none."""
    path = certificate_path(config, result.team, result.name)
    shown = path.relative_to(config.root).as_posix()
    if not path.is_file():
        if result.lifecycle != "production":
            return None
        return Judged(
            shown,
            result.name,
            VerifyProblem(
                "missing",
                shown,
                result.name,
                f"production agent {result.team}/{result.name} has no certificate; "
                f"run 'hub certify {result.name} --write'",
            ),
        )
    return _compare(path, shown, result, now, trust)


def settle(
    config: HubConfig, run: Certification, judged: list[Judged | None]
) -> list[VerifyProblem]:
    """The problems of the certificates ``judged`` (one per result of ``run``), their hub
    revisions checked against its git history, and certificates of no agent."""
    problems: list[VerifyProblem] = []
    history = HubHistory(run.hub, config, {p for r in run.results for p, _ in r.inputs})
    for found in judged:
        if found is None:
            continue
        problem = found.problem
        if problem is None and found.hub is not None:
            trouble = history.check(found.hub, found.inputs)
            if trouble is not None:
                problem = VerifyProblem("edited", found.path, found.agent, trouble)
            else:
                problem = found.later
        if problem is not None:
            problems.append(problem)
    expected = {certificate_path(config, r.team, r.name) for r in run.results}
    folder = config.root / FOLDER
    for orphan in sorted(folder.glob("*/*.json")) if folder.is_dir() else []:
        if orphan not in expected:
            shown = orphan.relative_to(config.root).as_posix()
            problems.append(
                VerifyProblem(
                    "stale", shown, orphan.stem, "certificate for an agent that no longer exists"
                )
            )
    return problems


def parse_stamp(value: Any) -> dt.datetime | None:
    """A time as certificates write it (``YYYY-MM-DDTHH:MM:SSZ``), or ``None``."""
    if not isinstance(value, str) or not _STAMP.match(value):
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def _compare(path: Path, shown: str, result: AgentResult, now: dt.datetime, trust: Trust) -> Judged:
    def problem(kind: str, message: str) -> Judged:
        return Judged(shown, result.name, VerifyProblem(kind, shown, result.name, message))

    recorded = load_certificate(path, result.team, trust)
    if isinstance(recorded, tuple):
        return problem(*recorded)
    predicate = recorded["predicate"]
    issued, expires = parse_stamp(predicate["issued_at"]), parse_stamp(predicate["expires_at"])
    for name, moment in (("issued_at", issued), ("expires_at", expires)):
        if moment is None:
            return problem(
                "edited", f"its {name} {predicate[name]!r} is not a time hubrails writes "
                "(YYYY-MM-DDTHH:MM:SSZ, a real date)",
            )  # fmt: skip
    assert issued is not None and expires is not None
    if expires < now:
        return problem("expired", f"expired at {predicate['expires_at']}; certify again")
    if predicate["inputs_digest"] != result.inputs_digest():
        return problem("stale", "its inputs changed: " + _changed(predicate["inputs"], result))
    if predicate["tool"] != {"name": "hubrails", "version": __version__}:
        tool = predicate["tool"]
        return problem(
            "stale", f"written by {tool['name']} {tool['version']}, checked by hubrails "
            f"{__version__}: certify again with this version",
        )  # fmt: skip
    if issued > now + CLOCK_SKEW:
        return problem("edited", f"it is issued in the future ({predicate['issued_at']})")
    if expires > expiry(result, issued):
        return problem(
            "edited", f"its expires_at {predicate['expires_at']} is later than issued_at plus "
            f"the policy's {validity_days(result)} days (or a waiver's end): "
            f"{stamp(expiry(result, issued))}",
        )  # fmt: skip
    later = _recomputed(shown, result, recorded, issued)
    return Judged(shown, result.name, None, predicate["hub"], predicate["inputs"], later)


def _recomputed(
    shown: str, result: AgentResult, recorded: dict[str, Any], issued: dt.datetime
) -> VerifyProblem | None:
    """How the statement differs from a recomputation issued at the same time, if it does."""
    predicate = recorded["predicate"]
    recomputed = _comparable([c.to_dict() for c in result.checks])
    verdict = "pass" if result.passed else "fail"
    if _comparable(predicate["checks"]) != recomputed or predicate["verdict"] != verdict:
        return VerifyProblem("edited", shown, result.name, _edited(predicate, recomputed, verdict))
    want = build(result, predicate["hub"], issued)
    want["predicate"]["checks"] = predicate["checks"]  # compared above
    same = _canonical(recorded) == _canonical(want)  # the walk below only to name a change
    differs = None if same else _first_difference(recorded, want, "")
    if differs is not None:
        where, was, now_is = differs
        return VerifyProblem(
            "edited", shown, result.name, f"its {where or 'statement'} ({_short(was)}) "
            f"differs from a recomputation ({_short(now_is)})",
        )  # fmt: skip
    return None


def _comparable(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Checks as compared: an environmental check's result (it depends on where and when it
    ran, never on the verdict) counts only as "did not fail"."""
    return [
        {"id": c["id"], "title": c["title"], "severity": c["severity"], "status": "not failed"}
        if c.get("id") in ENVIRONMENTAL and c.get("status") in ("pass", "warn", "skip")
        else c
        for c in checks
    ]


def _canonical(value: Any) -> bytes:
    """A JSON text of ``value`` with sorted keys, to compare two statements at once (a
    mismatch is then walked to name it, so the two serialisers never need to agree)."""
    import orjson

    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # an integer beyond 64 bits (a hand-edited file): the slow encoder
        return json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _first_difference(got: Any, want: Any, at: str) -> tuple[str, Any, Any] | None:
    """The first place (a dotted path) where ``got`` and ``want`` differ, with both values."""
    if isinstance(got, dict) and isinstance(want, dict):
        for key in [*want, *(k for k in got if k not in want)]:
            if key not in got or key not in want:
                return f"{at}.{key}".lstrip("."), got.get(key), want.get(key)
            found = _first_difference(got[key], want[key], f"{at}.{key}")
            if found is not None:
                return found
        return None
    if isinstance(got, list) and isinstance(want, list):
        for i, (a, b) in enumerate(zip(got, want, strict=False)):
            found = _first_difference(a, b, f"{at}[{i}]")
            if found is not None:
                return found
        if len(got) != len(want):
            return f"{at}".lstrip(".") + " length", len(got), len(want)
        return None
    if got != want or type(got) is not type(want):
        return at.lstrip("."), got, want
    return None


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _changed(recorded: list[dict[str, str]], result: AgentResult) -> str:
    before = {i["path"]: i["sha256"] for i in recorded}
    after = dict(result.inputs)
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    if not changed:
        return "the effective policy differs"
    more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
    return ", ".join(changed[:5]) + more


def _edited(predicate: dict[str, Any], recomputed: list[dict[str, Any]], verdict: str) -> str:
    if predicate["verdict"] != verdict:
        return f"it records verdict {predicate['verdict']}, a recomputation gives {verdict}"
    recorded = {c["id"]: c for c in _comparable(predicate["checks"])}
    for check in recomputed:
        if recorded.get(check["id"]) != check:
            was = recorded.get(check["id"], {}).get("status", "nothing")
            return (
                f"its result for check {check['id']} ({was}) differs from a recomputation "
                f"({check['status']})"
            )
    return "it records checks that a recomputation does not give"
