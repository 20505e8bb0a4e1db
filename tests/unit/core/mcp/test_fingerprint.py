"""Fingerprints: RFC 8785 canonical JSON, independent of key order and whitespace."""

from __future__ import annotations

import hashlib

from hubrails.core.mcp.fingerprint import canonical, fingerprint, sha256


def test_canonical_json_follows_rfc_8785() -> None:
    # RFC 8785 section 3.2.2: sorted keys, no whitespace, ES6 number form, minimal escapes
    assert canonical({"b": 1.0, "a": [1e21, "\u20ac", 0.000001]}) == (
        b'{"a":[1e+21,"\xe2\x82\xac",0.000001],"b":1}'
    )


def test_fingerprint_ignores_key_order_but_not_content() -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}}}
    reordered = {"properties": {"city": {"type": "string"}}, "type": "object"}
    one = fingerprint("get", "Get it.", schema, {"readOnlyHint": True})
    assert one == fingerprint("get", "Get it.", reordered, {"readOnlyHint": True})
    assert one != fingerprint("get", "Get it!", schema, {"readOnlyHint": True})
    assert one != fingerprint("get", "Get it.", schema, {"readOnlyHint": False})
    assert one != fingerprint("get", "Get it.", {**schema, "required": ["city"]}, {})


def test_sha256_is_of_the_canonical_bytes() -> None:
    assert sha256({"a": 1}) == "sha256:" + hashlib.sha256(b'{"a":1}').hexdigest()
