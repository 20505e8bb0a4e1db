"""A Team's ``spec.signing_keys``: each problem a finding at the value it is about."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hubrails.core.registry import safeyaml
from hubrails.core.signing.keys import key_id, public_pem
from hubrails.core.validate.team_keys import signing_key_findings

PUBLIC = Ed25519PrivateKey.generate().public_key()


def entry(
    keyid: str = key_id(PUBLIC), before: str = "2026-01-01", after: str = "2026-12-31"
) -> str:
    pem = "".join(f"          {line}\n" for line in public_pem(PUBLIC).splitlines())
    return (
        f'    - keyid: {keyid}\n      not_before: "{before}"\n      not_after: "{after}"\n'
        f"      public_key: |\n{pem}"
    )


def findings(*entries: str) -> list[tuple[int, int, str]]:
    text = "spec:\n  signing_keys:\n" + "".join(entries)
    found = signing_key_findings("teams/sre.yaml", safeyaml.parse(text))
    assert {f.rule for f in found} <= {"signing-key"}
    return [(f.line, f.column, f.message) for f in found]


def test_a_good_key_has_no_finding() -> None:
    assert findings(entry()) == []


def test_a_key_listed_twice() -> None:
    ((line, column, message),) = findings(entry(), entry())
    assert (line, column) == (10, 7) and "listed twice (first as key 1)" in message


def test_an_empty_window() -> None:
    ((line, column, message),) = findings(entry(before="2026-06-01", after="2026-05-31"))
    assert (line, column) == (5, 18) and message == "not_after is before not_before"


def test_a_key_id_of_another_key() -> None:
    ((line, column, message),) = findings(entry(keyid="a" * 64))
    assert (line, column) == (3, 14) and message.startswith("keyid aaaaaaaaaaaaaaaa… is not")


def test_a_public_key_that_is_not_one() -> None:
    text = 'spec:\n  signing_keys:\n    - keyid: x\n      public_key: "Zm9v"\n'
    (found,) = signing_key_findings("t.yaml", safeyaml.parse(text))
    assert (found.line, found.column) == (4, 19)
    assert found.message.startswith("signing key 1: not a PEM or base64 public key")
