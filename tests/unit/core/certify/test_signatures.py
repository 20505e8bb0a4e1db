"""Signed certificates' trust with real Ed25519 keys listed in the example teams' manifests:
the hub's signing policy, the keyring, the ``--sign`` keys accepted or refused, and reading a
certificate file (bare, signed, or not a certificate at all) into a Statement or a problem."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from hubrails.core.certify.agent_files import Workspace
from hubrails.core.certify.certificate import statement
from hubrails.core.certify.run import certify_agent
from hubrails.core.certify.signatures import (
    MAX_BYTES,
    Trust,
    envelope_text,
    load_certificate,
    signer_for,
    signers,
    signing_required,
)
from hubrails.core.hub.locate import find_hub
from hubrails.core.registry.config import HubConfig, load_config
from hubrails.core.signing.keys import key_id, public_pem
from hubrails.core.vcs.checkout import CheckoutState
from hubrails.errors import HubError

INCIDENT = "spokes/sre/agents/incident-triage.yaml"
NOW = dt.datetime(2026, 6, 1, 9, 0, 0, tzinfo=dt.UTC)


def workspace(root: Path) -> Workspace:
    config = load_config(root)
    found = find_hub(config, None)
    return Workspace(config, dataclasses.replace(found, pinned=CheckoutState(None, False)))


def new_key(folder: Path, name: str) -> tuple[Path, Ed25519PrivateKey]:
    """A private key written as PEM to ``folder/name.pem``."""
    private = Ed25519PrivateKey.generate()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.pem"
    path.write_bytes(private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    return path, private


def list_key(root: Path, team: str, private: Ed25519PrivateKey, **window: str) -> str:
    """List ``private``'s public key in ``team``'s manifest (with ``not_before`` and the like)."""
    public = private.public_key()
    pem = textwrap.indent(public_pem(public), " " * 8)
    extra = "".join(f'      {k}: "{v}"\n' for k, v in window.items())
    entry = f"    - keyid: {key_id(public)}\n      public_key: |\n{pem}{extra}"
    path = root / "registry/teams" / f"{team}.yaml"
    text = path.read_text(encoding="utf-8")
    text += entry if "  signing_keys:\n" in text else "  signing_keys:\n" + entry
    path.write_text(text, encoding="utf-8")
    return key_id(public)


def statement_of(root: Path) -> dict[str, Any]:
    ws = workspace(root)
    return statement(certify_agent(ws, ws.agent(INCIDENT), []), ws.hub, NOW)


def written(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "cert.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problem(found: dict[str, Any] | tuple[str, str]) -> tuple[str, str]:
    assert isinstance(found, tuple), "loaded, not a problem"
    return found


def config(raw: dict[str, Any] | None) -> HubConfig:
    return HubConfig(root=Path("/nowhere"), role="hub", raw=raw)


def test_signing_is_required_when_any_config_says_so() -> None:
    required = config({"certify": {"signing": "required"}})
    assert signing_required(required)
    assert signing_required(config(None), required)
    assert not signing_required(config(None), config({"certify": {"signing": "optional"}}))
    assert not signing_required(config({"certify": "required"}))
    assert not signing_required()


def test_the_trust_of_a_workspace_reads_its_teams_keys(hub: Path, tmp_path: Path) -> None:
    _, sre = new_key(tmp_path / "keys", "sre")
    _, growth = new_key(tmp_path / "keys", "growth")
    sre_id = list_key(hub, "sre", sre)
    growth_id = list_key(hub, "growth", growth)
    trust = Trust.of(workspace(hub))
    assert not trust.required
    assert trust.keyring.teams(sre_id) == ["sre"]
    assert trust.keyring.teams(growth_id) == ["growth"]
    assert trust.keyring is trust.keyring  # read once


def test_a_broken_signing_key_entry_is_left_out(hub: Path, tmp_path: Path) -> None:
    _, good = new_key(tmp_path / "keys", "good")
    _, other = new_key(tmp_path / "keys", "other")
    good_id = list_key(hub, "sre", good)
    team = hub / "registry/teams/sre.yaml"
    wrong_id = key_id(other.public_key())
    text = team.read_text(encoding="utf-8")
    bad = text.split("  signing_keys:\n")[1].replace(good_id, wrong_id)  # id of another key
    team.write_text(text + bad + "    - just a string\n", encoding="utf-8")
    ring = Trust.of(workspace(hub)).keyring
    assert set(ring.keys) == {good_id}


def test_a_trust_without_a_workspace_has_no_keys() -> None:
    assert Trust(required=True).keyring.keys == {}


def test_the_sign_keys_are_those_the_teams_list(hub: Path, tmp_path: Path) -> None:
    path, private = new_key(tmp_path / "keys", "sre")
    list_key(hub, "sre", private)
    found = signers([path], Trust.of(workspace(hub)), NOW)
    assert list(found) == ["sre"]
    assert found["sre"].public_key() == private.public_key()
    assert signers([], Trust.of(workspace(hub)), NOW) == {}


def test_a_sign_key_no_team_lists_is_refused(hub: Path, tmp_path: Path) -> None:
    path, private = new_key(tmp_path / "keys", "stray")
    with pytest.raises(HubError) as caught:
        signers([path], Trust.of(workspace(hub)), NOW)
    assert str(caught.value) == (
        f"the key in {path} (key id {key_id(private.public_key())}) is not in any team's "
        "spec.signing_keys"
    )


def test_a_sign_key_outside_its_window_is_refused(hub: Path, tmp_path: Path) -> None:
    path, private = new_key(tmp_path / "keys", "sre")
    keyid = list_key(hub, "sre", private, not_after="2026-05-31")
    with pytest.raises(HubError) as caught:
        signers([path], Trust.of(workspace(hub)), NOW)
    assert str(caught.value) == (
        f"the key in {path} ({keyid[:16]}, team sre) is expired at 2026-05-31T23:59:59Z"
    )
    # the last day of the window still counts
    assert list(signers([path], Trust.of(workspace(hub)), NOW - dt.timedelta(hours=10))) == ["sre"]


def test_two_sign_keys_for_one_team_are_refused(hub: Path, tmp_path: Path) -> None:
    one, first = new_key(tmp_path / "keys", "one")
    two, second = new_key(tmp_path / "keys", "two")
    list_key(hub, "sre", first)
    list_key(hub, "sre", second)
    with pytest.raises(HubError, match="two --sign keys for team sre; give one per team"):
        signers([one, two], Trust.of(workspace(hub)), NOW)


def test_signer_for_a_team_without_a_key_is_a_usage_error() -> None:
    private = Ed25519PrivateKey.generate()
    assert signer_for({"sre": private}, "sre", "a") is private
    with pytest.raises(HubError) as caught:
        signer_for({"sre": private}, "growth", "notes")
    assert str(caught.value) == "no --sign key of team growth for growth/notes"
    assert caught.value.hint == "pass --sign with a key listed in team growth's spec.signing_keys"


def test_envelope_text_signs_the_compact_statement() -> None:
    private = Ed25519PrivateKey.generate()
    text = envelope_text({"b": "é", "a": 1}, private)
    assert text.endswith("}\n")
    envelope = json.loads(text)
    assert envelope["payloadType"] == "application/vnd.in-toto+json"
    assert base64.b64decode(envelope["payload"]) == '{"b":"é","a":1}'.encode()
    assert [s["keyid"] for s in envelope["signatures"]] == [key_id(private.public_key())]


def test_a_bare_certificate_loads_when_signing_is_optional(hub: Path, tmp_path: Path) -> None:
    made = statement_of(hub)
    path = written(tmp_path, json.dumps(made))
    assert load_certificate(path, "sre", Trust(required=False)) == made
    assert load_certificate(path, "sre", Trust(required=True)) == (
        "unsigned",
        "not signed, and hub.yaml's certify.signing is required: certify again with "
        "'hub certify --write --sign KEY'",
    )


def test_a_signed_certificate_loads_for_its_team_only(hub: Path, tmp_path: Path) -> None:
    _, private = new_key(tmp_path / "keys", "sre")
    keyid = list_key(hub, "sre", private)
    made = statement_of(hub)
    path = written(tmp_path, envelope_text(made, private))
    trust = Trust.of(workspace(hub))
    trust.required = True
    assert load_certificate(path, "sre", trust) == made
    assert load_certificate(path, "growth", trust) == (
        "untrusted",
        f"signed by key {keyid[:16]} of team sre, which is not one of team growth's signing_keys",
    )


def test_a_certificate_signed_outside_the_keys_window_is_untrusted(
    hub: Path, tmp_path: Path
) -> None:
    _, private = new_key(tmp_path / "keys", "sre")
    keyid = list_key(hub, "sre", private, not_before="2026-07-01")
    path = written(tmp_path, envelope_text(statement_of(hub), private))
    assert load_certificate(path, "sre", Trust.of(workspace(hub))) == (
        "untrusted",
        f"signed by key {keyid[:16]} of team sre, which at its issued_at 2026-06-01T09:00:00Z "
        "was not valid before 2026-07-01T00:00:00Z",
    )


def test_a_changed_signed_payload_does_not_verify(hub: Path, tmp_path: Path) -> None:
    _, private = new_key(tmp_path / "keys", "sre")
    list_key(hub, "sre", private)
    envelope = json.loads(envelope_text(statement_of(hub), private))
    envelope["payload"] = envelope["payload"][:-8] + "AAAAAAA="
    found = load_certificate(
        written(tmp_path, json.dumps(envelope)), "sre", Trust.of(workspace(hub))
    )
    kind, why = problem(found)
    assert kind == "untrusted" and "does not verify" in why


def test_an_envelope_that_breaks_its_schema_is_edited(hub: Path, tmp_path: Path) -> None:
    path = written(tmp_path, json.dumps({"payloadType": 3, "payload": "x", "signatures": []}))
    kind, why = problem(load_certificate(path, "sre", Trust(required=False)))
    assert kind == "edited" and why.startswith("not a valid certificate envelope: ")


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"{not json", "not a readable JSON certificate (Expecting property name"),
        (b"\xff\xfe", "not a readable JSON certificate ('utf-8' codec can't decode"),
        (b'{"a": NaN}', "not a readable JSON certificate (NaN is not a JSON number)"),
        (b"[" * 100_000 + b"]" * 100_000, "not a readable JSON certificate (nested too deeply)"),
        (b'{"_type": "x"}', "not a valid certificate: "),
        (b"[]", "not a valid certificate: "),
    ],
)
def test_a_file_that_is_not_a_certificate_is_edited(
    tmp_path: Path, content: bytes, why: str
) -> None:
    kind, found = problem(load_certificate(written(tmp_path, content), "sre", Trust(False)))
    assert kind == "edited"
    assert found.startswith(why), found


def test_a_larger_file_is_not_read_whole(tmp_path: Path) -> None:
    path = written(tmp_path, b" " * (MAX_BYTES + 1))
    assert load_certificate(path, "sre", Trust(required=False)) == (
        "edited",
        f"not a certificate: larger than {MAX_BYTES} bytes",
    )


def test_a_linked_or_missing_certificate_is_edited(hub: Path, tmp_path: Path) -> None:
    target = written(tmp_path, json.dumps(statement_of(hub)))
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert load_certificate(link, "sre", Trust(required=False)) == (
        "edited",
        "not a certificate: a symbolic link (certificates are files hubrails writes)",
    )
    kind, why = problem(load_certificate(tmp_path / "none.json", "sre", Trust(required=False)))
    assert kind == "edited" and why.startswith("not a readable JSON certificate ([Errno 2]")
