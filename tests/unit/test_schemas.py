"""The JSON Schemas themselves: valid, strict, documented, and inlinable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from hubrails.core.schemas import _FILES, _validator, validate_json
from hubrails.resources import schemas_dir

SCHEMAS = sorted(schemas_dir().glob("*.schema.json"))


def properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            yield f"{where}.{name}", sub
        for key, value in node.items():
            yield from properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from properties(item, f"{where}[{i}]")


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid_strict_and_documented(path: Path) -> None:
    schema = json.loads(path.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith("/" + path.name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    undocumented = [
        where
        for where, sub in properties(schema)
        if not sub.get("description") and "/if" not in where
    ]
    assert undocumented == []


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_objects_are_closed(path: Path) -> None:
    def open_objects(node: Any, where: str = "") -> Iterator[str]:
        # ``if`` conditions and refinements of a referenced (closed) object are not objects
        if isinstance(node, dict):
            refines = "$ref" in node or where.endswith("/if")
            if "properties" in node and "additionalProperties" not in node and not refines:
                yield where
            for key, value in node.items():
                yield from open_objects(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, item in enumerate(node):
                yield from open_objects(item, f"{where}[{i}]")

    assert list(open_objects(json.loads(path.read_text()))) == []


@pytest.mark.parametrize("kind", sorted(_FILES))
def test_every_kind_compiles_with_references_inlined(kind: str) -> None:
    assert "$ref" not in json.dumps(_validator(kind).schema)


def test_seed_ledger_record_is_valid() -> None:
    record = {
        "team": "billing-ops",
        "agent": "invoice-triage",
        "model": "sonnet",
        "input_tokens": 18420,
        "output_tokens": 2110,
        "tool_calls": 3,
        "human_review_minutes": 4,
        "task_outcome": "resolved",
        "ts": "2026-06-06T14:21:00Z",
    }
    assert validate_json("LedgerRecord", record) == []
    assert validate_json("LedgerRecord", {**record, "input_tokens": -1}) != []
