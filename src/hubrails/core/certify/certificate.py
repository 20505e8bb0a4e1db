"""Certificates: in-toto Statements (v1) written by ``hub certify --write`` and recomputed by
``hub certify --verify`` (see :mod:`hubrails.core.certify.verify`)."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hubrails import __version__
from hubrails.core.certify.results import AgentResult
from hubrails.core.certify.run import validity_days
from hubrails.core.hub.locate import Hub
from hubrails.core.registry.config import HubConfig

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://hubrails.dev/certificate/v1"
FOLDER = "certificates"


def certificate_path(config: HubConfig, team: str, agent: str) -> Path:
    """Where the certificate of ``team``/``agent`` lives: ``certificates/TEAM/AGENT.json``."""
    return config.root / FOLDER / team / f"{agent}.json"


def stamp(moment: dt.datetime) -> str:
    """The form certificates write times in: ``YYYY-MM-DDTHH:MM:SSZ``."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def provenance(hub: Hub) -> dict[str, Any]:
    """The hub revision a certificate records: commit, dirtiness and ref."""
    return {"commit": hub.commit, "dirty": hub.dirty, "ref": hub.ref}


def expiry(result: AgentResult, issued: dt.datetime) -> dt.datetime:
    """When a certificate issued at ``issued`` ends: the policy's validity, or a waiver's end if
    sooner."""
    expires = issued + dt.timedelta(days=validity_days(result))
    for waiver in result.waivers:  # a waiver's end ends the certificate too
        end = dt.datetime.combine(waiver.expires, dt.time.max, dt.UTC)
        expires = min(expires, end)
    return expires


def statement(result: AgentResult, hub: Hub, now: dt.datetime) -> dict[str, Any]:
    """The in-toto Statement certifying ``result``."""
    return build(result, provenance(hub), now)


def build(result: AgentResult, hub: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """The Statement of ``result`` issued at ``now`` against the hub revision ``hub``."""
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": result.path, "digest": {"sha256": dict(result.inputs)[result.path]}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "agent": {"name": result.name, "team": result.team, "path": result.path},
            "inputs_digest": result.inputs_digest(),
            "policy_sha256": result.policy_digest(),
            "inputs": [{"path": p, "sha256": d} for p, d in result.inputs],
            "hub": dict(hub),
            "checks": [c.to_dict() for c in result.checks],
            "waivers": [w.to_dict() for w in result.waivers],
            "verdict": "pass" if result.passed else "fail",
            "tool": {"name": "hubrails", "version": __version__},
            "issued_at": stamp(now),
            "expires_at": stamp(expiry(result, now)),
        },
    }


def refuse_outside(config: HubConfig, result: AgentResult) -> None:
    """Refuse a certificate path that leads out of the repository's ``certificates/`` folder
    (through a symbolic link, say), or onto a link."""
    from hubrails.errors import HubError

    target = certificate_path(config, result.team, result.name)
    folder = (config.root / FOLDER).resolve()
    where = target.parent.resolve() / target.name
    if (
        not where.is_relative_to(folder)
        or folder.parent != config.root.resolve()
        or (target.is_symlink())
    ):
        shown = target.relative_to(config.root).as_posix()
        raise HubError(
            f"refusing to write {shown}: it leads outside the repository's {FOLDER}/ folder "
            "(a symbolic link)",
            hint=f"remove the link; certificates are files in {FOLDER}/TEAM/",
        )


def write_certificate(
    config: HubConfig,
    result: AgentResult,
    hub: Hub,
    now: dt.datetime,
    sign: Ed25519PrivateKey | None = None,
) -> Path:
    """Write the certificate atomically (a temporary file, then a rename): the Statement, or
    with ``sign`` its DSSE envelope signed with that key."""
    refuse_outside(config, result)
    target = certificate_path(config, result.team, result.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    made = statement(result, hub, now)
    if sign is None:
        text = json.dumps(made, indent=2, ensure_ascii=False) + "\n"
    else:
        from hubrails.core.certify.signatures import envelope_text

        text = envelope_text(made, sign)
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
