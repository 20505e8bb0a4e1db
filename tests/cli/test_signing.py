"""Signed certificates end to end: ``hub keygen``, ``hub certify --write --sign`` and
``--verify`` against the teams' ``spec.signing_keys``, with real Ed25519 keys in a real git
repository; in-toto-attestation's Statement model and the DSSE spec's PAE as outside judges."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import git
import pytest

from hubrails.core.signing.envelope import sign
from hubrails.core.signing.keys import load_private_key
from tests.helpers import edit, line_of, run_cli

CERT = "certificates/sre/incident-triage.json"


def keygen(where: Path) -> tuple[Path, str]:
    """A new key pair at ``where`` (outside the repository): its private key and the
    ``signing_keys`` entry ``hub keygen`` prints."""
    run = run_cli("keygen", "--out", str(where))
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    entry = "\n".join(lines[lines.index("signing_keys:") + 1 :])
    return where, entry


def list_key(repo: Path, team: str, entry: str, **window: str) -> None:
    """Add a ``hub keygen`` entry to ``team``'s manifest, its window replaced by ``window``."""
    lines = entry.splitlines()
    for key, value in window.items():
        lines = [f'    {key}: "{value}"' if ln.startswith(f"    {key}:") else ln for ln in lines]
    path = repo / "registry" / "teams" / f"{team}.yaml"
    text = path.read_text(encoding="utf-8")
    block = "\n".join("  " + ln for ln in lines) + "\n"
    if "  signing_keys:\n" in text:
        text += block
    else:
        text += "  signing_keys:\n" + block
    path.write_text(text, encoding="utf-8")


def commit(repo: Path) -> None:
    with git.Repo(repo) as r:
        r.git.add("-A")
        r.index.commit("change")


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.fixture
def repo(registry: Path, keys: Path) -> Path:
    """The example registry as a git repository, with a key ``sre.pem`` for team sre and
    ``growth.pem`` for team growth."""
    for team in ("sre", "growth"):
        list_key(registry, team, keygen(keys / f"{team}.pem")[1])
    with git.Repo.init(registry) as r:
        r.git.add("-A")
        r.index.commit("hub")
    return registry


def write_signed(key: Path, *more: str) -> None:
    run = run_cli("certify", "incident-triage", "--write", "--sign", str(key), *more)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert f"wrote {CERT} (signed for team sre)" in run.stderr


def verify() -> tuple[int, dict[str, tuple[str, str]]]:
    run = run_cli("certify", "--verify", "--format", "json")
    assert run.exit_code in (0, 1), run.stderr
    found = {p["path"]: (p["kind"], p["message"]) for p in run.json()["certificates"]}
    return run.exit_code, {p: v for p, v in found.items() if p == CERT}


def envelope(repo: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((repo / CERT).read_text(encoding="utf-8"))
    return data


def rewrite(repo: Path, data: dict[str, Any]) -> None:
    (repo / CERT).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def test_keygen_writes_a_private_key_only_its_owner_reads(keys: Path) -> None:
    private, entry = keygen(keys / "k.pem")
    assert private.stat().st_mode & 0o777 == 0o600
    public = private.with_name("k.pem.pub").read_text(encoding="utf-8")
    assert public.startswith("-----BEGIN PUBLIC KEY-----")
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    der = base64.b64decode("".join(public.splitlines()[1:-1]))
    assert load_pem_public_key(public.encode()) is not None
    assert f"keyid: {hashlib.sha256(der).hexdigest()}" in entry
    again = run_cli("keygen", "--out", str(private))
    assert again.exit_code == 2 and "refusing to overwrite" in again.stderr


def test_keygen_writes_under_the_config_folder_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    run = run_cli("keygen")
    assert run.exit_code == 0, run.stderr
    private = tmp_path / "home/.config/hubrails/keys/signing.pem"
    assert private.is_file() and private.with_name("signing.pem.pub").is_file()
    assert run.stdout.splitlines()[0] in run.stdout.split("keyid: ")[1]


def test_keygen_refuses_a_path_inside_the_repository(repo: Path, tmp_path: Path) -> None:
    inside = run_cli("keygen", "--out", "keys/signing.pem")
    assert inside.exit_code == 2 and "inside the repository" in inside.stderr
    link = tmp_path / "elsewhere"
    link.symlink_to(repo / "registry")  # outside by its name, inside once resolved
    through = run_cli("keygen", "--out", str(link / "signing.pem"))
    assert through.exit_code == 2 and "inside the repository" in through.stderr
    assert not list(repo.rglob("signing.pem*")) and not list(repo.rglob(".signing.pem-*"))


def test_a_signed_certificate_verifies(repo: Path, keys: Path) -> None:
    write_signed(keys / "sre.pem")
    data = envelope(repo)
    assert data["payloadType"] == "application/vnd.in-toto+json"
    assert verify() == (1, {})  # the other production agents have no certificate yet


def test_outside_judges_accept_the_envelope(repo: Path, keys: Path) -> None:
    """in-toto-attestation parses the payload as a v1 Statement; the signature verifies over
    the PAE the DSSE protocol defines, with pyca/cryptography directly."""
    from google.protobuf import json_format
    from in_toto_attestation.v1 import statement_pb2
    from in_toto_attestation.v1.statement import Statement

    write_signed(keys / "sre.pem")
    data = envelope(repo)
    payload = base64.b64decode(data["payload"])
    proto = json_format.Parse(payload.decode(), statement_pb2.Statement())
    Statement.copy_from_pb(proto).validate()
    assert proto.predicate_type == "https://hubrails.dev/certificate/v1"
    kind = data["payloadType"].encode()
    pae = b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)
    public = load_private_key(keys / "sre.pem").public_key()
    (signature,) = data["signatures"]
    public.verify(base64.b64decode(signature["sig"]), pae)  # raises when it does not hold


def test_a_key_of_another_team_fails(repo: Path, keys: Path) -> None:
    refused = run_cli("certify", "incident-triage", "--write", "--sign", str(keys / "growth.pem"))
    assert refused.exit_code == 2 and "no --sign key of team sre" in refused.stderr
    write_signed(keys / "sre.pem")
    data = envelope(repo)
    payload = base64.b64decode(data["payload"])
    rewrite(repo, sign(payload, load_private_key(keys / "growth.pem")))
    code, problems = verify()
    kind, message = problems[CERT]
    assert code == 1 and kind == "untrusted"
    assert "of team growth, which is not one of team sre's signing_keys" in message


def test_an_unlisted_key_fails(repo: Path, keys: Path) -> None:
    stranger, _ = keygen(keys / "stranger.pem")
    refused = run_cli("certify", "incident-triage", "--write", "--sign", str(stranger))
    assert refused.exit_code == 2 and "not in any team's spec.signing_keys" in refused.stderr
    write_signed(keys / "sre.pem")
    payload = base64.b64decode(envelope(repo)["payload"])
    rewrite(repo, sign(payload, load_private_key(stranger)))
    assert verify()[1][CERT][0] == "untrusted"
    assert "which no team lists" in verify()[1][CERT][1]


@pytest.mark.parametrize(
    ("window", "said"),
    [
        (
            {"not_before": "2020-01-01", "not_after": "2020-12-31"},
            "expired at 2020-12-31T23:59:59Z",
        ),
        ({"not_before": "2099-01-01", "not_after": "2099-12-31"}, "not valid before 2099-01-01"),
    ],
)
def test_a_key_outside_its_window_fails(
    repo: Path, keys: Path, window: dict[str, str], said: str
) -> None:
    old, entry = keygen(keys / "old.pem")
    list_key(repo, "sre", entry, **window)
    commit(repo)
    refused = run_cli("certify", "incident-triage", "--write", "--sign", str(old))
    assert refused.exit_code == 2 and said.split(" 20")[0] in refused.stderr
    write_signed(keys / "sre.pem")
    payload = base64.b64decode(envelope(repo)["payload"])
    rewrite(repo, sign(payload, load_private_key(old)))  # as if signed with the old key
    code, problems = verify()
    assert code == 1 and problems[CERT][0] == "untrusted" and said in problems[CERT][1]


def test_a_tampered_payload_fails(repo: Path, keys: Path) -> None:
    write_signed(keys / "sre.pem")
    data = envelope(repo)
    statement = json.loads(base64.b64decode(data["payload"]))
    statement["predicate"]["expires_at"] = "2099-01-01T00:00:00Z"
    tampered = json.dumps(statement, separators=(",", ":")).encode()
    data["payload"] = base64.b64encode(tampered).decode()
    rewrite(repo, data)
    code, problems = verify()
    assert code == 1 and problems[CERT][0] == "untrusted"
    assert "does not verify" in problems[CERT][1]


def test_a_reordered_payload_with_the_same_content_fails(repo: Path, keys: Path) -> None:
    """DSSE signs bytes: the same Statement serialised in another key order is not signed."""
    write_signed(keys / "sre.pem")
    data = envelope(repo)
    original = base64.b64decode(data["payload"])
    statement = json.loads(original)
    reordered = json.dumps(statement, sort_keys=True, separators=(",", ":")).encode()
    assert reordered != original and json.loads(reordered) == statement
    data["payload"] = base64.b64encode(reordered).decode()
    rewrite(repo, data)
    assert verify()[1][CERT][0] == "untrusted"
    data["payload"] = base64.b64encode(original).decode()  # the very bytes: it holds again
    rewrite(repo, data)
    assert verify()[1] == {}


def test_signing_required_fails_an_unsigned_certificate(repo: Path, keys: Path) -> None:
    run = run_cli("certify", "incident-triage", "--write")
    assert run.exit_code == 0
    with (repo / "hub.yaml").open("a", encoding="utf-8") as out:
        out.write("certify:\n  signing: required\n")
    commit(repo)
    code, problems = verify()
    assert code == 1 and problems[CERT][0] == "unsigned"
    refused = run_cli("certify", "incident-triage", "--write")
    assert refused.exit_code == 2 and "certify.signing is required" in refused.stderr
    write_signed(keys / "sre.pem")
    assert verify()[1] == {}


def test_signing_optional_still_reads_unsigned_certificates(repo: Path) -> None:
    assert run_cli("certify", "--all", "--write").exit_code == 0
    assert verify() == (0, {})


def test_sign_needs_write_and_a_key_file(repo: Path, keys: Path) -> None:
    alone = run_cli("certify", "incident-triage", "--sign", str(keys / "sre.pem"))
    assert alone.exit_code == 2 and "pass --write too" in alone.stderr
    (keys / "junk.pem").write_text("not a key\n", encoding="utf-8")
    junk = run_cli("certify", "incident-triage", "--write", "--sign", str(keys / "junk.pem"))
    assert junk.exit_code == 2 and "not an unencrypted PEM private key" in junk.stderr
    assert not (repo / CERT).exists()


def test_all_write_signs_with_one_key_per_team(repo: Path, keys: Path) -> None:
    """``--all`` needs a key for every team it writes for, and refuses before writing any."""
    lacking = run_cli("certify", "--all", "--write", "--sign", str(keys / "sre.pem"))
    assert lacking.exit_code == 2 and "no --sign key of team" in lacking.stderr
    assert not (repo / "certificates").exists()
    for team in ("billing-ops", "support"):
        list_key(repo, team, keygen(keys / f"{team}.pem")[1])
    commit(repo)
    signs = [
        a
        for t in ("sre", "growth", "billing-ops", "support")
        for a in ("--sign", str(keys / f"{t}.pem"))
    ]
    assert run_cli("certify", "--all", "--write", *signs).exit_code == 0
    assert verify() == (0, {})
    assert all(
        "payloadType" in json.loads(p.read_text()) for p in (repo / "certificates").rglob("*.json")
    )


def test_bad_public_keys_are_findings_with_their_position(repo: Path) -> None:
    team = repo / "registry/teams/sre.yaml"
    edit(team, "MCowBQYDK2VwAyEA", "MCowBQYDK2VwAyEB")  # no longer DER of an Ed25519 key
    growth = repo / "registry/teams/growth.yaml"
    text = growth.read_text(encoding="utf-8")
    at = text.index("keyid: ") + len("keyid: ")
    growth.write_text(text[:at] + "f" * 64 + text[at + 64 :], encoding="utf-8")
    run = run_cli("validate", "--format", "json")
    assert run.exit_code == 1
    found = {
        (f["path"], f["line"], f["column"], f["message"].split(" (")[0])
        for f in run.json()["findings"]
        if f["rule"] == "signing-key"
    }
    pem_line = line_of(team, "public_key:")
    id_line = line_of(growth, "keyid:")
    assert found == {
        ("registry/teams/sre.yaml", pem_line, 19, "signing key 1: not a PEM or base64 public key"),
        ("registry/teams/growth.yaml", id_line, 14, f"keyid {'f' * 16}… is not this public key's"),
    }
