"""DSSE envelopes: signing bytes, and what the keyring says about each way one fails."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hubrails.core.signing.envelope import EnvelopeError, Keyring, sign
from hubrails.core.signing.keys import TeamKey, key_id

SRE, GROWTH = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()


def listed(private: Ed25519PrivateKey, team: str) -> TeamKey:
    public = private.public_key()
    return TeamKey(key_id(public), team, public, None, dt.datetime(2099, 1, 1, tzinfo=dt.UTC))


RING = Keyring([listed(SRE, "sre"), listed(GROWTH, "growth")])


def test_a_signed_payload_opens_with_its_teams_key() -> None:
    opened = RING.open(sign(b'{"a":1}', SRE), "sre")
    assert opened.payload == b'{"a":1}' and opened.key.team == "sre"


@pytest.mark.parametrize(
    ("change", "kind", "said"),
    [
        (
            lambda e: e.update(payload=base64.b64encode(b'{"a":2}').decode()),
            "untrusted",
            "does not verify",
        ),
        (lambda e: e.update(payloadType="text/plain"), "edited", "payloadType"),
        (lambda e: e.update(signatures=[]), "untrusted", "no signature"),
        (lambda e: e.pop("payload"), "edited", "not a DSSE envelope"),
        (lambda e: e["signatures"][0].update(sig="AAAA"), "untrusted", "does not verify"),
    ],
    ids=["payload", "payload-type", "no-signature", "no-payload", "short-signature"],
)
def test_each_broken_envelope_says_why(
    change: Callable[[dict[str, Any]], object], kind: str, said: str
) -> None:
    envelope = sign(b'{"a":1}', SRE)
    change(envelope)
    with pytest.raises(EnvelopeError, match=said) as raised:
        RING.open(envelope, "sre")
    assert raised.value.kind == kind


def test_a_key_of_another_team_is_named() -> None:
    with pytest.raises(EnvelopeError, match="of team growth, which is not one of team sre's"):
        RING.open(sign(b"{}", GROWTH), "sre")
