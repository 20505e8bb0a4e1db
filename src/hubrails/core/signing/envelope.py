"""DSSE envelopes (https://github.com/secure-systems-lab/dsse) around in-toto Statements, made
and checked with securesystemslib: the signature covers the PAE of the payload type and the
payload's exact bytes, so a re-serialised payload with the same content no longer verifies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hubrails.core.signing.keys import TeamKey, key_id

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )
    from securesystemslib.signer import SSlibKey

PAYLOAD_TYPE = "application/vnd.in-toto+json"


def is_envelope(data: Any) -> bool:
    """Whether a certificate file's JSON is a DSSE envelope (rather than a bare Statement)."""
    return isinstance(data, dict) and "payloadType" in data


def sslib_key(public: Ed25519PublicKey, keyid: str | None = None) -> SSlibKey:
    """securesystemslib's form of ``public``, under hubrails' key id."""
    from securesystemslib.signer import SSlibKey

    return SSlibKey.from_crypto(public, keyid or key_id(public), "ed25519")


def sign(payload: bytes, private: Ed25519PrivateKey) -> dict[str, Any]:
    """The DSSE envelope (its JSON form) of ``payload`` signed with ``private``."""
    from securesystemslib.dsse import Envelope
    from securesystemslib.signer import CryptoSigner

    envelope = Envelope(payload, PAYLOAD_TYPE, {})
    envelope.sign(CryptoSigner(private, sslib_key(private.public_key())))
    return envelope.to_dict()


@dataclass(frozen=True, slots=True)
class Opened:
    """A verified envelope: its payload bytes and the key that signed them."""

    payload: bytes
    key: TeamKey


class EnvelopeError(ValueError):
    """An envelope that does not verify for the team; ``kind`` is how ``--verify`` names it."""

    def __init__(self, message: str, kind: str = "untrusted") -> None:
        super().__init__(message)
        self.kind = kind


class Keyring:
    """Every team's signing keys by key id, with securesystemslib's key made once per key."""

    def __init__(self, keys: list[TeamKey]) -> None:
        self.keys: dict[str, list[TeamKey]] = {}
        for key in keys:
            self.keys.setdefault(key.keyid, []).append(key)
        self._sslib: dict[str, SSlibKey] = {}

    def of(self, keyid: str, team: str) -> TeamKey | None:
        """The key ``keyid`` as ``team`` lists it, if it does."""
        return next((k for k in self.keys.get(keyid, []) if k.team == team), None)

    def teams(self, keyid: str) -> list[str]:
        """The teams that list ``keyid``."""
        return sorted({k.team for k in self.keys.get(keyid, [])})

    def sslib(self, key: TeamKey) -> SSlibKey:
        """securesystemslib's form of ``key`` (made once)."""
        if key.keyid not in self._sslib:
            self._sslib[key.keyid] = sslib_key(key.public, key.keyid)
        return self._sslib[key.keyid]

    def open(self, data: Mapping[str, Any], team: str) -> Opened:
        """The payload of the envelope ``data`` once one of its signatures verifies with a key
        of ``team``; an :class:`EnvelopeError` saying why not otherwise."""
        from securesystemslib.dsse import Envelope
        from securesystemslib.exceptions import FormatError, VerificationError

        try:  # from_dict rewrites the signatures it is given: copies of them
            signatures = [dict(s) if isinstance(s, dict) else s for s in data["signatures"]]
            envelope = Envelope.from_dict({**data, "signatures": signatures})
        except (KeyError, TypeError, ValueError, FormatError) as exc:
            raise EnvelopeError(f"not a DSSE envelope ({exc})", "edited") from None
        if envelope.payload_type != PAYLOAD_TYPE:
            raise EnvelopeError(
                f"its payloadType is {envelope.payload_type!r}, not {PAYLOAD_TYPE}", "edited"
            )
        ids = sorted(envelope.signatures)
        ours = [k for i in ids if (k := self.of(i, team)) is not None]
        if not ours:
            raise EnvelopeError(self._foreign(ids, team))
        try:
            accepted = envelope.verify([self.sslib(k) for k in ours], 1)
        except VerificationError:
            raise EnvelopeError(
                f"its signature by key {_short(ours[0].keyid)} of team {team} does not verify: "
                "the payload or the signature was changed after signing"
            ) from None
        signer = next(k for k in ours if k.keyid in accepted)
        return Opened(envelope.payload, signer)

    def _foreign(self, ids: list[str], team: str) -> str:
        if not ids:
            return "the envelope holds no signature"
        for keyid in ids:
            others = self.teams(keyid)
            if others:
                return (
                    f"signed by key {_short(keyid)} of team {', '.join(others)}, which is not "
                    f"one of team {team}'s signing_keys"
                )
        return f"signed by key {_short(ids[0])}, which no team lists in spec.signing_keys"


def _short(keyid: str) -> str:
    return keyid[:16]
