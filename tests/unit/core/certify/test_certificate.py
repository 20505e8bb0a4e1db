"""Certificates as ``--write`` makes them: where each lives, the in-toto Statement of a real
result (valid by the schema), when it ends (the policy's validity or a waiver's end), the
refusal to write through a link, and the atomic write of a bare or signed file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hubrails import __version__
from hubrails.core.certify.agent_files import Workspace
from hubrails.core.certify.certificate import (
    PREDICATE_TYPE,
    STATEMENT_TYPE,
    build,
    certificate_path,
    expiry,
    provenance,
    refuse_outside,
    stamp,
    statement,
    write_certificate,
)
from hubrails.core.certify.results import AgentResult, Status
from hubrails.core.certify.run import certify_agent
from hubrails.core.certify.waivers import Waiver
from hubrails.core.hub.locate import Hub, find_hub
from hubrails.core.registry.config import HubConfig, load_config
from hubrails.core.registry.schemas import validate_json
from hubrails.core.signing.envelope import Keyring, is_envelope
from hubrails.core.signing.keys import TeamKey, key_id
from hubrails.core.vcs.checkout import CheckoutState
from hubrails.errors import HubError

INCIDENT = "spokes/sre/agents/incident-triage.yaml"
NOW = dt.datetime(2026, 6, 1, 9, 30, 15, 123456, tzinfo=dt.UTC)
COMMIT = "a" * 40


def prepared(root: Path) -> tuple[HubConfig, AgentResult, Hub]:
    config = load_config(root)
    found = find_hub(config, None)
    pinned = dataclasses.replace(found, pinned=CheckoutState(COMMIT, False), ref="main")
    ws = Workspace(config, pinned)
    return config, certify_agent(ws, ws.agent(INCIDENT), []), pinned


def waiver(expires: dt.date) -> Waiver:
    return Waiver("w", "registry/waivers/w.yaml", 9, "incident-triage", "sre", "logging",
                  "why", "@x", expires, "f" * 64, "platform")  # fmt: skip


def test_a_certificate_lives_under_certificates_team_agent(hub: Path) -> None:
    config = load_config(hub)
    assert certificate_path(config, "sre", "triage") == hub / "certificates/sre/triage.json"


def test_stamp_is_utc_to_the_second() -> None:
    assert stamp(NOW) == "2026-06-01T09:30:15Z"
    paris = dt.datetime(2026, 6, 1, 11, 30, 15, 999999, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert stamp(paris) == "2026-06-01T09:30:15Z"


def test_the_provenance_is_the_hubs_commit_dirtiness_and_ref(hub: Path) -> None:
    _, _, pinned = prepared(hub)
    assert provenance(pinned) == {"commit": COMMIT, "dirty": False, "ref": "main"}


def test_a_certificate_ends_after_the_policys_validity_or_at_a_waivers_end(hub: Path) -> None:
    _, result, _ = prepared(hub)
    assert expiry(result, NOW) == NOW + dt.timedelta(days=90)
    soon = dataclasses.replace(result, waivers=(waiver(dt.date(2026, 6, 10)),))
    assert expiry(soon, NOW) == dt.datetime.combine(dt.date(2026, 6, 10), dt.time.max, dt.UTC)
    later = dataclasses.replace(result, waivers=(waiver(dt.date(2027, 1, 1)),))
    assert expiry(later, NOW) == NOW + dt.timedelta(days=90)


def test_the_statement_of_a_result_is_a_valid_certificate(hub: Path) -> None:
    _, result, pinned = prepared(hub)
    made = statement(result, pinned, NOW)
    assert validate_json("Certificate", made) == []
    assert made["_type"] == STATEMENT_TYPE and made["predicateType"] == PREDICATE_TYPE
    path = f"registry/{INCIDENT}"
    assert made["subject"] == [{"name": path, "digest": {"sha256": dict(result.inputs)[path]}}]
    predicate = made["predicate"]
    assert predicate["agent"] == {"name": "incident-triage", "team": "sre", "path": path}
    assert predicate["inputs_digest"] == result.inputs_digest()
    assert predicate["policy_sha256"] == result.policy_digest()
    assert predicate["inputs"] == [{"path": p, "sha256": d} for p, d in result.inputs]
    assert predicate["hub"] == {"commit": COMMIT, "dirty": False, "ref": "main"}
    assert [c["id"] for c in predicate["checks"]] == [c.id for c in result.checks]
    assert (predicate["waivers"], predicate["verdict"]) == ([], "pass")
    assert predicate["tool"] == {"name": "hubrails", "version": __version__}
    assert (predicate["issued_at"], predicate["expires_at"]) == (
        "2026-06-01T09:30:15Z",
        "2026-08-30T09:30:15Z",
    )


def test_a_failing_result_is_a_fail_verdict_and_the_hub_given_is_copied(hub: Path) -> None:
    _, result, _ = prepared(hub)
    failing = dataclasses.replace(
        result, checks=tuple(dataclasses.replace(c, status=Status.FAIL) for c in result.checks[:1])
    )
    given = {"commit": None, "dirty": True, "ref": None}
    made = build(failing, given, NOW)
    assert made["predicate"]["verdict"] == "fail"
    assert made["predicate"]["hub"] == given and made["predicate"]["hub"] is not given


def test_write_puts_the_statement_in_place_and_leaves_no_temporary_file(hub: Path) -> None:
    config, result, pinned = prepared(hub)
    target = write_certificate(config, result, pinned, NOW)
    assert target == hub / "certificates/sre/incident-triage.json"
    text = target.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert json.loads(text) == statement(result, pinned, NOW)
    later = NOW + dt.timedelta(days=1)
    write_certificate(config, result, pinned, later)  # over the earlier one
    assert json.loads(target.read_text())["predicate"]["issued_at"] == "2026-06-02T09:30:15Z"
    assert [p.name for p in target.parent.iterdir()] == ["incident-triage.json"]


def test_a_signed_write_is_an_envelope_that_opens_to_the_statement(hub: Path) -> None:
    config, result, pinned = prepared(hub)
    private = Ed25519PrivateKey.generate()
    target = write_certificate(config, result, pinned, NOW, sign=private)
    envelope = json.loads(target.read_text(encoding="utf-8"))
    assert is_envelope(envelope)
    public = private.public_key()
    ring = Keyring([TeamKey(key_id(public), "sre", public, None, None)])
    opened = ring.open(envelope, "sre")
    assert json.loads(opened.payload) == statement(result, pinned, NOW)


def test_writing_through_a_linked_team_folder_is_refused(hub: Path, tmp_path: Path) -> None:
    config, result, pinned = prepared(hub)
    (tmp_path / "elsewhere").mkdir()
    (hub / "certificates").mkdir()
    (hub / "certificates/sre").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(HubError) as caught:
        write_certificate(config, result, pinned, NOW)
    assert str(caught.value) == (
        "refusing to write certificates/sre/incident-triage.json: it leads outside the "
        "repository's certificates/ folder (a symbolic link)"
    )
    assert caught.value.hint == "remove the link; certificates are files in certificates/TEAM/"
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_a_linked_certificates_folder_or_certificate_file_is_refused(
    hub: Path, tmp_path: Path
) -> None:
    config, result, _ = prepared(hub)
    (tmp_path / "outside").mkdir()
    (hub / "certificates").symlink_to(tmp_path / "outside")
    with pytest.raises(HubError, match="leads outside"):
        refuse_outside(config, result)
    (hub / "certificates").unlink()
    (hub / "certificates/sre").mkdir(parents=True)
    (tmp_path / "target.json").write_text("{}")
    (hub / "certificates/sre/incident-triage.json").symlink_to(tmp_path / "target.json")
    with pytest.raises(HubError, match="leads outside"):
        refuse_outside(config, result)
    assert (tmp_path / "target.json").read_text() == "{}"


def test_a_real_folder_is_not_refused(hub: Path) -> None:
    config, result, _ = prepared(hub)
    refuse_outside(config, result)  # no certificates/ yet
    (hub / "certificates/sre").mkdir(parents=True)
    refuse_outside(config, result)


def test_a_failed_write_leaves_no_temporary_file(hub: Path) -> None:
    config, result, pinned = prepared(hub)
    (hub / "certificates/sre/incident-triage.json").mkdir(parents=True)  # a rename cannot replace
    with pytest.raises(OSError):
        write_certificate(config, result, pinned, NOW)
    assert [p.name for p in (hub / "certificates/sre").iterdir()] == ["incident-triage.json"]
