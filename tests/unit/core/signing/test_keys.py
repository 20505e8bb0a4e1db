"""Ed25519 keys: the forms of a public key a Team may list, key ids, windows, key files."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from hubrails.core.signing.keys import (
    PublicKeyError,
    key_id,
    load_private_key,
    parse_moment,
    parse_public_key,
    public_pem,
    team_key,
    write_pair,
)
from hubrails.errors import HubError

KEY = Ed25519PrivateKey.generate().public_key()
DER = KEY.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
RAW = KEY.public_bytes(Encoding.Raw, PublicFormat.Raw)


@pytest.mark.parametrize(
    "text",
    [public_pem(KEY), base64.b64encode(DER).decode(), base64.b64encode(RAW).decode()],
    ids=["pem", "der-base64", "raw-base64"],
)
def test_a_public_key_in_any_accepted_form(text: str) -> None:
    assert parse_public_key(text).public_bytes(Encoding.Raw, PublicFormat.Raw) == RAW


def test_the_key_id_is_the_sha256_of_the_der_form() -> None:
    assert key_id(KEY) == hashlib.sha256(DER).hexdigest()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("not base64!", "not a PEM or base64 public key"),
        (base64.b64encode(b"short").decode(), "not a PEM or base64 public key"),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "not a PEM or base64"),
        (
            generate_private_key(public_exponent=65537, key_size=2048)
            .public_key()
            .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
            .decode(),
            "not an Ed25519 key",
        ),
    ],
    ids=["garbage", "wrong-length", "bad-pem", "rsa"],
)
def test_what_is_not_an_ed25519_public_key(text: str, said: str) -> None:
    with pytest.raises(PublicKeyError, match=said):
        parse_public_key(text)


def test_moments_and_windows() -> None:
    assert parse_moment("2026-02-03") == dt.datetime(2026, 2, 3, tzinfo=dt.UTC)
    end = parse_moment("2026-02-03", end=True)
    assert end is not None and end.hour == 23 and end.second == 59
    assert parse_moment("2026-02-03T04:05:06Z") == dt.datetime(2026, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    assert parse_moment("2026-02-30") is None and parse_moment(20260203) is None
    entry = {"keyid": key_id(KEY), "public_key": public_pem(KEY), "not_after": "2026-06-30"}
    key = team_key("sre", entry)
    assert key is not None and key.not_before is None
    assert key.outside(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC)) is None
    assert key.outside(dt.datetime(2026, 7, 1, tzinfo=dt.UTC)) == "expired at 2026-06-30T23:59:59Z"
    assert team_key("sre", {**entry, "keyid": "0" * 64}) is None  # not this key's id
    assert team_key("sre", {**entry, "not_after": "soon"}) is None


def test_a_pair_round_trips_and_never_overwrites(tmp_path: Path) -> None:
    pair = write_pair(tmp_path / "k" / "signing.pem")
    assert (pair.private.stat().st_mode & 0o777, pair.public.stat().st_mode & 0o777) == (
        0o600,
        0o644,
    )
    assert key_id(load_private_key(pair.private).public_key()) == pair.keyid
    assert key_id(parse_public_key(pair.public.read_text())) == pair.keyid
    with pytest.raises(HubError, match="exists"):
        write_pair(pair.private)
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    with pytest.raises(HubError, match="inside the repository"):
        write_pair(tmp_path / "repo" / "deep" / "k.pem")
    assert not (tmp_path / "repo" / "deep").exists()
