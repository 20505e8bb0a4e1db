"""Signed certificates in ``hub certify``: the teams' signing keys (``spec.signing_keys`` of
each Team manifest), the hub's signing policy (``certify.signing`` in hub.yaml), the keys
``--write --sign`` signs with, and reading a certificate file, bare Statement or DSSE envelope,
for ``--verify``. The envelopes themselves are :mod:`hubrails.core.signing.envelope`'s."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hubrails.core.registry.layout import folder_of, yaml_files
from hubrails.errors import HubError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from hubrails.core.certify.agent_files import Workspace
    from hubrails.core.registry.config import HubConfig
    from hubrails.core.signing.envelope import Keyring

MAX_BYTES = 8 << 20  # far more than any certificate; a larger file is not one


def signing_required(*configs: HubConfig) -> bool:
    """Whether hub.yaml's ``certify.signing`` is ``required`` in any of ``configs`` (the
    repository's own or its hub's: the stricter holds)."""
    for config in configs:
        section = (config.raw or {}).get("certify")
        if isinstance(section, dict) and section.get("signing") == "required":
            return True
    return False


@dataclass
class Trust:
    """What ``--verify`` holds signatures to: the teams' keys and whether signing is required."""

    required: bool
    ws: Workspace | None = None
    _keyring: Keyring | None = None

    @classmethod
    def of(cls, ws: Workspace) -> Trust:
        """The trust of the workspace: its hub's policy and its teams' keys (read when needed)."""
        return cls(signing_required(ws.config, ws.hub.config), ws)

    @property
    def keyring(self) -> Keyring:
        """Every team's keys, the hub's Team manifests first (read once)."""
        if self._keyring is None:
            from hubrails.core.signing.envelope import Keyring
            from hubrails.core.signing.keys import team_key

            keys = []
            for team, spec in _team_specs(self.ws).items():
                entries = spec.get("signing_keys")
                for entry in entries if isinstance(entries, list) else []:
                    key = team_key(team, entry)
                    if key is not None:
                        keys.append(key)
            self._keyring = Keyring(keys)
        return self._keyring


def _team_specs(ws: Workspace | None) -> dict[str, dict[str, Any]]:
    """Each team's ``spec``, as certify resolves teams (the hub's manifest first)."""
    if ws is None:
        return {}
    names = {
        n[: -len(".yaml")]
        for repo in (ws.config, ws.hub.config)
        for n in yaml_files(repo.registry_dir / folder_of("Team"))
    }
    found: dict[str, dict[str, Any]] = {}
    for name in sorted(names):
        loaded = ws.team(name)
        spec = loaded.data.get("spec") if loaded is not None and loaded.ok else None
        if isinstance(spec, dict):
            found[name] = spec
    return found


def signers(paths: list[Path], trust: Trust, now: dt.datetime) -> dict[str, Ed25519PrivateKey]:
    """The ``--sign`` keys by the team that lists each: a key no team lists, or one outside
    its validity window now, is refused before anything is written."""
    from hubrails.core.signing.keys import key_id, load_private_key

    found: dict[str, Ed25519PrivateKey] = {}
    for path in paths:
        private = load_private_key(path)
        keyid = key_id(private.public_key())
        teams = trust.keyring.teams(keyid)
        if not teams:
            raise HubError(
                f"the key in {path} (key id {keyid}) is not in any team's spec.signing_keys",
                hint="add its public key (hub keygen prints the entry) to the Team manifest "
                "and commit that first",
            )
        for team in teams:
            key = trust.keyring.of(keyid, team)
            assert key is not None
            outside = key.outside(now)
            if outside is not None:
                raise HubError(f"the key in {path} ({keyid[:16]}, team {team}) is {outside}")
            if team in found:
                raise HubError(f"two --sign keys for team {team}; give one per team")
            found[team] = private
    return found


def signer_for(keys: dict[str, Ed25519PrivateKey], team: str, agent: str) -> Ed25519PrivateKey:
    """The ``--sign`` key of ``team``; a :class:`HubError` when none was given."""
    if team not in keys:
        raise HubError(
            f"no --sign key of team {team} for {team}/{agent}",
            hint=f"pass --sign with a key listed in team {team}'s spec.signing_keys",
        )
    return keys[team]


def envelope_text(statement: dict[str, Any], private: Ed25519PrivateKey) -> str:
    """The certificate file of a signed ``statement``: its DSSE envelope as JSON."""
    from hubrails.core.signing.envelope import sign

    payload = json.dumps(statement, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return json.dumps(sign(payload, private), indent=2) + "\n"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _json(raw: bytes) -> Any:
    return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)


def load_certificate(path: Path, team: str, trust: Trust) -> dict[str, Any] | tuple[str, str]:
    """The Statement a certificate file holds, its envelope's signature checked against
    ``team``'s keys, or (problem kind, why it does not hold)."""
    from hubrails.core.registry.schemas import validate_json
    from hubrails.core.signing.envelope import EnvelopeError, is_envelope

    if path.is_symlink():
        return (
            "edited",
            "not a certificate: a symbolic link (certificates are files hubrails writes)",
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return "edited", f"not a certificate: larger than {MAX_BYTES} bytes"
        recorded = _json(raw)
        signer = None
        if is_envelope(recorded):
            errors = validate_json("CertificateEnvelope", recorded)
            if errors:
                return "edited", f"not a valid certificate envelope: {errors[0]}"
            opened = trust.keyring.open(recorded, team)
            recorded, signer = _json(opened.payload), opened.key
        errors = validate_json("Certificate", recorded)
    except EnvelopeError as exc:
        return exc.kind, str(exc)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return "edited", f"not a readable JSON certificate ({exc})"
    except RecursionError:
        return "edited", "not a readable JSON certificate (nested too deeply)"
    if errors:
        return "edited", f"not a valid certificate: {errors[0]}"
    assert isinstance(recorded, dict)
    if signer is not None:
        from hubrails.core.signing.keys import parse_moment

        issued = parse_moment(recorded["predicate"]["issued_at"])
        outside = signer.outside(issued) if issued is not None else None
        if outside is not None:
            return "untrusted", (
                f"signed by key {signer.keyid[:16]} of team {team}, which at its issued_at "
                f"{recorded['predicate']['issued_at']} was {outside}"
            )
    elif trust.required:
        return "unsigned", (
            "not signed, and hub.yaml's certify.signing is required: certify again with "
            "'hub certify --write --sign KEY'"
        )
    return recorded
