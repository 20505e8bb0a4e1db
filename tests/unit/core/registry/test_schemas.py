"""The JSON Schemas themselves: valid, strict, documented, and inlinable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from hubrails.core.registry.schemas import _FILES, _validator, validate_json
from hubrails.resources import schemas_dir
from tests.helpers import SEED

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
    record = SEED
    assert validate_json("LedgerRecord", record) == []
    assert validate_json("LedgerRecord", {**record, "input_tokens": -1}) != []


def mutations(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Broken variants of a valid manifest: each leaf dropped, retyped, or joined by a stranger."""

    def walk(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
        yield path
        if isinstance(node, dict):
            for key, value in node.items():
                yield from walk(value, (*path, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, (*path, i))

    for path in list(walk(data, ()))[1:]:
        for change in ("drop", "number", "string", "extra", "empty"):
            copy = json.loads(json.dumps(data))
            parent = copy
            for part in path[:-1]:
                parent = parent[part]
            key = path[-1]
            if change == "drop":
                del parent[key]
            elif change == "number":
                parent[key] = 1.5
            elif change == "string":
                parent[key] = "Not-A-Valid Value!"
            elif change == "extra" and isinstance(parent[key], dict):
                parent[key]["unexpected_field"] = True
            elif change == "empty":
                parent[key] = [] if isinstance(parent[key], list) else {}
            yield copy


def test_fast_check_never_passes_what_the_full_validator_rejects() -> None:
    """The compiled check may only be stricter (it checks formats such as uri); where it is,
    its own findings are reported, so nothing passes silently."""
    from hubrails.core.registry.document import Document
    from hubrails.core.registry.safefile import load
    from hubrails.core.registry.schemas import KINDS, is_valid, schema_findings
    from hubrails.resources import data_dir

    root = data_dir()
    checked = 0
    for path in sorted((root / "registry").rglob("*.yaml")):
        data = load(path, root).data
        kind = data["kind"]
        assert kind in KINDS
        assert is_valid(kind, data) is True, path
        for broken in mutations(data):
            full_ok = not list(_validator(kind).iter_errors(broken))
            fast_ok = is_valid(kind, broken)
            assert fast_ok is not None
            assert full_ok or not fast_ok, (path, broken)
            if fast_ok != full_ok:
                document = Document(broken)
                assert schema_findings(kind, document, "x.yaml"), (path, broken)
            checked += 1
    assert checked > 1000
