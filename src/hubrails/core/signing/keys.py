"""Ed25519 keys: a pair written by ``hub keygen``, a private key read for ``--sign``, and the
public keys a Team manifest lists (PEM or base64), each with its key id and validity window.

A key id is the lowercase hex SHA-256 of the public key's DER SubjectPublicKeyInfo (what
``openssl pkey -pubin -outform DER | sha256sum`` prints), so anyone can recompute it."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hubrails.errors import HubError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

MAX_KEY_BYTES = 64 * 1024  # a PEM key is a few hundred bytes
_MOMENT = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?$")


class PublicKeyError(ValueError):
    """A public key that is not an Ed25519 key in PEM or base64."""


def key_id(public: Ed25519PublicKey) -> str:
    """The key id of ``public``: hex SHA-256 of its DER SubjectPublicKeyInfo."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    der = public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def public_pem(public: Ed25519PublicKey) -> str:
    """``public`` as a PEM SubjectPublicKeyInfo block."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def parse_public_key(text: str) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM, or from base64 of its DER form or its 32 raw bytes."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import (
        load_der_public_key,
        load_pem_public_key,
    )

    stripped = text.strip()
    try:
        if stripped.startswith("-----BEGIN"):
            key: Any = load_pem_public_key(stripped.encode("ascii"))
        else:
            raw = base64.b64decode("".join(stripped.split()), validate=True)
            key = (
                Ed25519PublicKey.from_public_bytes(raw)
                if len(raw) == 32
                else load_der_public_key(raw)
            )
    except (ValueError, TypeError, UnicodeEncodeError, binascii.Error) as exc:
        reason = str(exc).split("\n")[0] or type(exc).__name__
        raise PublicKeyError(f"not a PEM or base64 public key ({reason})") from None
    except Exception as exc:  # cryptography's UnsupportedAlgorithm: a key of another kind
        raise PublicKeyError(f"not a public key hubrails can read ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise PublicKeyError(f"a {type(key).__name__.removeprefix('_')} key, not an Ed25519 key")
    return key


def parse_moment(value: Any, *, end: bool = False) -> dt.datetime | None:
    """``YYYY-MM-DD`` (the start of that day UTC, or its end with ``end``) or
    ``YYYY-MM-DDTHH:MM:SSZ``; ``None`` for anything else."""
    found = _MOMENT.match(value) if isinstance(value, str) else None
    if found is None:
        return None
    try:
        if found.group(2):
            return dt.datetime.fromisoformat(value)  # the pattern above: UTC, to the second
        day = dt.date.fromisoformat(found.group(1))
    except ValueError:
        return None
    return dt.datetime.combine(day, dt.time.max if end else dt.time.min, dt.UTC)


@dataclass(frozen=True, slots=True)
class TeamKey:
    """A public key that may sign for ``team``, from ``not_before`` to ``not_after``."""

    keyid: str
    team: str
    public: Ed25519PublicKey
    not_before: dt.datetime | None
    not_after: dt.datetime | None

    def outside(self, moment: dt.datetime) -> str | None:
        """Why the key was not valid at ``moment``, or ``None`` when it was."""
        if self.not_before is not None and moment < self.not_before:
            return f"not valid before {_shown(self.not_before)}"
        if self.not_after is not None and moment > self.not_after:
            return f"expired at {_shown(self.not_after)}"
        return None


def _shown(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def team_key(team: str, entry: Any) -> TeamKey | None:
    """The key one ``spec.signing_keys`` entry describes; ``None`` when the entry is broken
    (``hub validate`` reports it) or its key id is not its public key's."""
    if not isinstance(entry, dict) or not isinstance(entry.get("public_key"), str):
        return None
    try:
        public = parse_public_key(entry["public_key"])
    except PublicKeyError:
        return None
    if entry.get("keyid") != key_id(public):
        return None
    before, after = entry.get("not_before"), entry.get("not_after")
    start, end = parse_moment(before), parse_moment(after, end=True)
    if (before is not None and start is None) or (after is not None and end is None):
        return None
    return TeamKey(entry["keyid"], team, public, start, end)


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in the PEM file ``path``; a :class:`HubError` otherwise."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_KEY_BYTES + 1)
    except OSError as exc:
        raise HubError(f"cannot read the signing key {path}: {exc.strerror or exc}") from None
    try:
        if len(data) > MAX_KEY_BYTES:
            raise ValueError(f"larger than {MAX_KEY_BYTES} bytes")
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise HubError(
            f"{path} is not an unencrypted PEM private key ({str(exc).splitlines()[0]})",
            hint="hub keygen writes one; keep it in a secret store, outside the repository",
        ) from None
    except Exception as exc:  # UnsupportedAlgorithm
        raise HubError(f"{path} holds a key hubrails cannot use ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise HubError(f"{path} holds a {type(key).__name__.removeprefix('_')}, not Ed25519")
    return key


@dataclass(frozen=True, slots=True)
class KeyPair:
    """What ``hub keygen`` wrote."""

    private: Path
    public: Path
    keyid: str
    public_pem: str


def refuse_inside_repository(target: Path) -> None:
    """Refuse a private key path inside a git repository or a registry (a folder holding
    ``.git`` or ``hub.yaml``), links resolved: a committed private key signs for anyone."""
    where = target.expanduser().resolve()
    for folder in where.parents:
        for marker in (".git", "hub.yaml"):
            if (folder / marker).exists():
                raise HubError(
                    f"refusing to write a private key to {target}: it is inside the repository "
                    f"{folder} (it holds {marker})",
                    hint="write it outside any repository (the default is under "
                    "~/.config/hubrails/keys) and keep it in a secret store",
                )


def default_key_path() -> Path:
    """``$XDG_CONFIG_HOME/hubrails/keys/signing.pem`` (``~/.config`` by default)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "hubrails" / "keys" / "signing.pem"


def write_pair(private_path: Path) -> KeyPair:
    """Generate an Ed25519 pair: the private key as PKCS#8 PEM at ``private_path`` (mode
    0600, never over an existing file) and the public key beside it (``.pub``)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    refuse_inside_repository(private_path)
    private_path = private_path.expanduser()
    public_path = private_path.with_name(private_path.name + ".pub")
    for path in (private_path, public_path):
        if path.exists() or path.is_symlink():
            raise HubError(f"{path} exists; refusing to overwrite a key", hint="pick --out PATH")
    private_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    shown = public_pem(key.public_key())
    _write_new(private_path, pem)
    try:
        _write_new(public_path, shown.encode("ascii"), mode=0o644)
    except BaseException:
        private_path.unlink(missing_ok=True)  # all or nothing
        raise
    return KeyPair(private_path, public_path, key_id(key.public_key()), shown)


def _write_new(target: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to a new file ``target`` atomically: a temporary file (created 0600),
    then a hard link, which fails rather than replace a file that appeared meanwhile."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fchmod(out.fileno(), mode)
            os.fsync(out.fileno())
        os.link(tmp, target)
    except FileExistsError:
        raise HubError(f"{target} exists; refusing to overwrite a key") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
