"""Fingerprints of MCP tools: SHA-256 of the RFC 8785 canonical JSON of what a model reads."""

from __future__ import annotations

import hashlib
from typing import Any


def canonical(value: Any) -> bytes:
    """``value`` as RFC 8785 (JSON Canonicalization Scheme) bytes."""
    import rfc8785

    return rfc8785.dumps(value)


def sha256(value: Any) -> str:
    """``sha256:`` and the hex SHA-256 of ``value``'s canonical JSON."""
    return "sha256:" + hashlib.sha256(canonical(value)).hexdigest()


def fingerprint(
    name: str, description: str, input_schema: dict[str, Any], annotations: dict[str, Any]
) -> str:
    """The pin of one tool: its name, description, input schema and annotations together."""
    return sha256(
        {
            "name": name,
            "description": description,
            "inputSchema": input_schema,
            "annotations": annotations,
        }
    )
