"""``hub certify --verify``: recompute every agent's certificate and compare the whole statement
with the one on disk; only the hub ref is taken as recorded (docs/checks.md says why)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from hubrails import __version__
from hubrails.core.certify.agent_files import HUB_PREFIX, Workspace
from hubrails.core.certify.certificate import (
    FOLDER,
    VerifyProblem,
    build,
    certificate_path,
    expiry,
    stamp,
)
from hubrails.core.certify.results import AgentResult, Certification
from hubrails.core.certify.run import certify_then, validity_days
from hubrails.core.certify.signatures import Trust, load_certificate
from hubrails.core.hub.locate import Hub
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
    history = _History(run.hub, config, {p for r in run.results for p, _ in r.inputs})
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


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


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


class _History:
    """The hub's git history: a certificate's hub commit must be one of its commits and, when
    the hub was clean, hold the hub's inputs with the digests recorded."""

    def __init__(self, hub: Hub, config: HubConfig, inputs: set[str]) -> None:
        self.hub = hub
        self.shared = hub.is_self or hub.config.root.resolve() == config.root.resolve()
        self._seen: dict[str, dict[str, str | None] | None] = {}  # commit -> path -> SHA-256
        # every hub file any agent reads: one batch per commit reads them all
        self._every = sorted({p for i in inputs if (p := self._hub_path(i)) is not None})

    def _hub_path(self, shown: str) -> str | None:
        if shown.startswith(HUB_PREFIX):
            return shown[len(HUB_PREFIX) :]
        return shown if self.shared else None

    def _digests(self, commit: str, paths: list[str]) -> dict[str, str | None] | None:
        """The SHA-256 of each file at ``commit`` (each read and hashed once per commit and
        path: certificates of one commit share their guardrails, tools and teams), ``None``
        for a file the commit lacks, and ``None`` in all without the commit."""
        from hubrails.core.vcs.checkout import files_at

        known = self._seen.get(commit, {})
        if commit in self._seen and known is None:
            return None
        assert known is not None
        lacking = [p for p in paths if p not in known]
        if lacking or commit not in self._seen:
            if commit not in self._seen:
                lacking = sorted({*lacking, *self._every})
            more = files_at(self.hub.config.root, commit, lacking)
            self._seen[commit] = None if more is None else {**known, **_sha256(more)}
        return self._seen[commit]

    def check(self, hub: dict[str, Any], inputs: list[dict[str, str]]) -> str | None:
        """Why the recorded hub revision does not hold, or ``None`` when it does."""
        commit = hub["commit"]
        if commit is None:
            if self.hub.commit is not None:
                return "it records no hub commit, but the hub is a git repository"
            return None
        local = self.shared  # inline _hub_path: 1,000 certificates hold 100,000 inputs
        wanted = {
            (path[len(HUB_PREFIX) :] if path.startswith(HUB_PREFIX) else path): i["sha256"]
            for i in inputs
            if (path := i["path"]).startswith(HUB_PREFIX) or local
        }
        found = self._digests(commit, list(wanted))
        if found is None:
            from hubrails.core.vcs.checkout import is_shallow

            if is_shallow(self.hub.config.root):
                return (
                    f"its hub commit {commit} is not in this shallow clone of the hub: fetch "
                    "the history to verify it (git fetch --unshallow; in GitHub Actions, "
                    "actions/checkout with fetch-depth: 0)"
                )
            return f"its hub commit {commit} is not a commit of the hub's repository"
        if hub["dirty"]:
            return None  # written from uncommitted files: the commit cannot hold them
        for rel, digest in sorted(wanted.items()):
            held = found.get(rel)
            if held is None or held != digest:
                return f"its hub commit {commit} does not hold {rel} as recorded (hub.dirty: false)"
        return None


def _sha256(files: dict[str, bytes | None]) -> dict[str, str | None]:
    return {p: None if d is None else hashlib.sha256(d).hexdigest() for p, d in files.items()}


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
