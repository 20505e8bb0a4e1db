"""A Team manifest's ``spec.signing_keys``: each public key an Ed25519 key in PEM or base64,
its ``keyid`` the key's own, each id once, and ``not_before`` before ``not_after``."""

from __future__ import annotations

from hubrails.core.registry.document import Document, Pointer
from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.facts import as_list, spec_of

RULE = "signing-key"


def signing_key_findings(path: str, doc: Document) -> list[Finding]:
    """The problems of every entry of ``spec.signing_keys`` the schema let through."""
    from hubrails.core.signing.keys import PublicKeyError, key_id, parse_moment, parse_public_key

    found: list[Finding] = []

    def add(at: Pointer, message: str, hint: str) -> None:
        line, column = doc.mark(at)
        found.append(Finding(RULE, Severity.ERROR, path, line, column, message, hint))

    seen: dict[str, int] = {}
    for i, entry in enumerate(as_list(spec_of(doc).get("signing_keys"))):
        if not isinstance(entry, dict) or not isinstance(entry.get("public_key"), str):
            continue
        at = ("spec", "signing_keys", i)
        try:
            public = parse_public_key(entry["public_key"])
        except PublicKeyError as exc:
            add((*at, "public_key"), f"signing key {i + 1}: {exc}", _HINT)
            continue
        keyid, actual = entry.get("keyid"), key_id(public)
        if isinstance(keyid, str) and keyid != actual:
            add((*at, "keyid"), f"keyid {keyid[:16]}… is not this public key's ({actual})", _HINT)
        if actual in seen:
            add(at, f"the key {actual[:16]}… is listed twice (first as key {seen[actual] + 1})", "")
        seen.setdefault(actual, i)
        start = parse_moment(entry.get("not_before"))
        end = parse_moment(entry.get("not_after"), end=True)
        if start is not None and end is not None and end < start:
            add((*at, "not_after"), "not_after is before not_before", "the window is empty")
    return found


_HINT = "hub keygen prints the public key and its keyid; paste both unchanged"
