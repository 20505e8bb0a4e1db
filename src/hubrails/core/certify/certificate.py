"""Certificates: in-toto Statements (v1) written by ``hub certify --write`` and recomputed by
``hub certify --verify``."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubrails import __version__
from hubrails.core.certify.results import AgentResult, Certification
from hubrails.core.certify.run import validity_days
from hubrails.core.hub.locate import Hub
from hubrails.core.registry.config import HubConfig

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://hubrails.dev/certificate/v1"
FOLDER = "certificates"


def certificate_path(config: HubConfig, team: str, agent: str) -> Path:
    """Where the certificate of ``team``/``agent`` lives: ``certificates/TEAM/AGENT.json``."""
    return config.root / FOLDER / team / f"{agent}.json"


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def statement(result: AgentResult, hub: Hub, now: dt.datetime) -> dict[str, Any]:
    """The in-toto Statement certifying ``result``."""
    expires = now + dt.timedelta(days=validity_days(result))
    for waiver in result.waivers:  # a waiver's end ends the certificate too
        end = dt.datetime.combine(waiver.expires, dt.time.max, dt.UTC)
        expires = min(expires, end)
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": result.path, "digest": {"sha256": dict(result.inputs)[result.path]}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "agent": {"name": result.name, "team": result.team, "path": result.path},
            "inputs_digest": result.inputs_digest(),
            "policy_sha256": result.policy_digest(),
            "inputs": [{"path": p, "sha256": d} for p, d in result.inputs],
            "hub": {"commit": hub.commit, "dirty": hub.dirty, "ref": hub.ref},
            "checks": [c.to_dict() for c in result.checks],
            "waivers": [w.to_dict() for w in result.waivers],
            "verdict": "pass" if result.passed else "fail",
            "tool": {"name": "hubrails", "version": __version__},
            "issued_at": _stamp(now),
            "expires_at": _stamp(expires),
        },
    }


def write_certificate(config: HubConfig, result: AgentResult, hub: Hub, now: dt.datetime) -> Path:
    """Write the certificate atomically (a temporary file, then a rename)."""
    target = certificate_path(config, result.team, result.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(statement(result, hub, now), indent=2, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{result.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


@dataclass(frozen=True, slots=True)
class VerifyProblem:
    """A certificate that does not hold: stale, edited, expired, missing or invalid."""

    kind: str
    path: str
    agent: str
    message: str


def verify(config: HubConfig, run: Certification, now: dt.datetime) -> list[VerifyProblem]:
    """Recompute every agent's result and compare it with its certificate."""
    problems: list[VerifyProblem] = []
    expected: set[Path] = set()
    for result in run.results:
        path = certificate_path(config, result.team, result.name)
        expected.add(path)
        shown = path.relative_to(config.root).as_posix()
        if not path.is_file():
            if result.lifecycle == "production":
                problems.append(
                    VerifyProblem(
                        "missing",
                        shown,
                        result.name,
                        f"production agent {result.team}/{result.name} has no certificate; "
                        f"run 'hub certify {result.name} --write'",
                    )
                )
            continue
        problem = _compare(path, shown, result, now)
        if problem is not None:
            problems.append(problem)
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


def _compare(path: Path, shown: str, result: AgentResult, now: dt.datetime) -> VerifyProblem | None:
    from hubrails.core.registry.schemas import validate_json

    def problem(kind: str, message: str) -> VerifyProblem:
        return VerifyProblem(kind, shown, result.name, message)

    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return problem("edited", f"not a readable JSON certificate ({exc})")
    errors = validate_json("Certificate", recorded)
    if errors:
        return problem("edited", f"not a valid certificate: {errors[0]}")
    predicate = recorded["predicate"]
    if dt.datetime.fromisoformat(predicate["expires_at"]) < now:
        return problem("expired", f"expired at {predicate['expires_at']}; certify again")
    if predicate["inputs_digest"] != result.inputs_digest():
        return problem("stale", "its inputs changed: " + _changed(predicate["inputs"], result))
    recomputed = [c.to_dict() for c in result.checks]
    verdict = "pass" if result.passed else "fail"
    if predicate["checks"] != recomputed or predicate["verdict"] != verdict:
        return problem("edited", _edited(predicate, recomputed, verdict))
    subject = recorded["subject"][0]["digest"]["sha256"]
    if subject != dict(result.inputs).get(result.path):
        return problem("edited", "its subject digest is not the agent manifest's")
    return None


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
    recorded = {c["id"]: c for c in predicate["checks"]}
    for check in recomputed:
        if recorded.get(check["id"]) != check:
            was = recorded.get(check["id"], {}).get("status", "nothing")
            return (
                f"its result for check {check['id']} ({was}) differs from a recomputation "
                f"({check['status']})"
            )
    return "it records checks that a recomputation does not give"
