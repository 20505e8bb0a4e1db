"""JSON Schema validation that points at the offending value, not at the file."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from hubrails.core.findings import Finding, Severity
from hubrails.core.safeyaml import dotted
from hubrails.resources import schemas_dir

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

    from hubrails.core.safeyaml import Document, Mark, Pointer

KINDS = ("Skill", "Tool", "Guardrail", "Prompt", "Agent", "Team", "Pricing", "Waiver")
_FILES = {kind: f"{kind.lower()}.schema.json" for kind in KINDS} | {
    "HubConfig": "hub-config.schema.json",
    "LedgerRecord": "ledger-record.schema.json",
    "Certificate": "certificate.schema.json",
}
_JSON_TYPES = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    list: "a list",
    dict: "a mapping",
    type(None): "null",
}


def schema_file(kind: str) -> str:
    """The file name of the schema for ``kind``."""
    return _FILES[kind]


@cache
def _validator(kind: str) -> Validator:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    folder = schemas_dir()
    resources = []
    for path in sorted(folder.glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    registry: Registry[Any] = Registry().with_resources(resources)
    schema = json.loads((folder / _FILES[kind]).read_text(encoding="utf-8"))
    return Draft202012Validator(
        schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _leaf_errors(errors: Iterator[ValidationError]) -> Iterator[ValidationError]:
    """Replace each anyOf/oneOf error by its most relevant sub-error."""
    from jsonschema.exceptions import best_match

    for error in errors:
        if error.context and error.validator in ("anyOf", "oneOf"):
            deepest = best_match(error.context)
            if deepest is not None and len(deepest.absolute_path) > len(error.absolute_path):
                error = deepest
        yield error


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _type_name(value: Any) -> str:
    return _JSON_TYPES.get(type(value), f"a {type(value).__name__}")


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return "expected one of: " + ", ".join(choices) if choices else ""


def _explain(error: ValidationError, doc: Document) -> Iterator[tuple[str, str, str, Mark]]:
    """(rule, message, hint, mark) for one jsonschema error; a few errors give several."""
    pointer: Pointer = tuple(error.absolute_path)
    keyword = str(error.validator)
    rule = f"schema-{_kebab(keyword)}"
    schema = error.schema if isinstance(error.schema, dict) else {}
    hint = str(schema.get("description", ""))
    value = error.instance
    where = dotted(pointer)
    if keyword == "required":
        match = re.match(r"'(.+)' is a required property", error.message)
        missing = match.group(1) if match else error.message
        yield (
            rule,
            f"missing required field '{dotted((*pointer, missing))}'",
            hint,
            doc.mark(pointer, key=True),
        )
    elif keyword == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(schema.get("properties", {}))
        patterns = list(schema.get("patternProperties", {}))
        for key in value:
            if key in allowed or any(re.search(p, key) for p in patterns):
                continue
            yield (
                rule,
                f"unknown field '{dotted((*pointer, key))}'",
                _suggest(key, allowed),
                doc.mark((*pointer, key), key=True),
            )
    elif keyword == "type" and pointer in doc.raw and _expects_string(error.validator_value):
        raw = doc.raw[pointer]
        yield (
            "yaml-implicit-type",
            f"{where}: expected a string, but YAML reads {raw} as {_type_name(value)} ({value!r})",
            f'quote it: "{raw}"',
            doc.mark(pointer),
        )
    elif keyword == "type":
        expected = error.validator_value
        names = [str(n) for n in expected] if isinstance(expected, list) else [str(expected)]
        yield (
            rule,
            f"{where}: expected {' or '.join(names)}, got {_type_name(value)}",
            hint,
            doc.mark(pointer),
        )
    elif keyword == "enum" and isinstance(value, str):
        choices = [str(c) for c in error.validator_value or ()]  # type: ignore[union-attr]
        yield (
            rule,
            f"{where}: '{value}' is not one of {', '.join(choices)}",
            _suggest(value, choices),
            doc.mark(pointer),
        )
    elif keyword == "const":
        yield rule, f"{where}: must be '{error.validator_value}'", hint, doc.mark(pointer)
    else:
        yield rule, f"{where}: {error.message}", hint, doc.mark(pointer)


def _expects_string(expected: Any) -> bool:
    return expected == "string" or (isinstance(expected, list) and "string" in expected)


def schema_findings(kind: str, doc: Document, path: str) -> list[Finding]:
    """Every schema problem of ``doc`` as a finding at the offending value."""
    errors = _validator(kind).iter_errors(doc.data)
    findings = []
    for error in _leaf_errors(errors):
        for rule, message, hint, (line, column) in _explain(error, doc):
            findings.append(Finding(rule, Severity.ERROR, path, line, column, message, hint))
    return findings


def first_error(kind: str, doc: Document) -> tuple[str, Mark] | None:
    """The first schema problem of ``doc`` as (message, mark), or ``None`` when valid."""
    found = schema_findings(kind, doc, "")
    if not found:
        return None
    first = min(found, key=Finding.sort_key)
    message = f"{first.message} ({first.hint})" if first.hint else first.message
    return message, (first.line, first.column)


def validate_json(kind: str, instance: Any) -> list[str]:
    """Schema problems of a plain JSON value (ledger records, certificates), as messages."""
    return [
        f"{dotted(tuple(e.absolute_path))}: {e.message}"
        for e in _leaf_errors(_validator(kind).iter_errors(instance))
    ]
