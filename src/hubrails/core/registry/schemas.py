"""JSON Schema validation that points at the offending value, not at the file."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from hubrails.core.registry.document import dotted
from hubrails.core.registry.findings import Finding, Severity
from hubrails.resources import schemas_dir

if TYPE_CHECKING:
    import jsonschema_rs
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

    from hubrails.core.registry.document import Document, Mark, Pointer

KINDS = ("Skill", "Tool", "Guardrail", "Prompt", "Agent", "Team", "Pricing", "Waiver")
_FILES = {kind: f"{kind.lower()}.schema.json" for kind in KINDS} | {
    "HubConfig": "hub-config.schema.json",
    "LedgerRecord": "ledger-record.schema.json",
    "Certificate": "certificate.schema.json",
    "CertificateEnvelope": "certificate-envelope.schema.json",
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
def _documents() -> dict[str, Any]:
    """Every schema file by file name."""
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(schemas_dir().glob("*.schema.json"))
    }


def _inline(node: Any, here: str, seen: tuple[str, ...] = ()) -> Any:
    """Replace every ``$ref`` by the schema it names.

    The result validates the same instances, and about twice as fast: ``referencing`` no
    longer resolves a URI at every reference of every document.
    """
    if isinstance(node, list):
        return [_inline(item, here, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        file, _, pointer = ref.partition("#")
        file = file or here
        if ref in seen or not pointer.startswith("/$defs/"):
            raise ValueError(f"cannot inline {ref}")
        target = _documents()[file]["$defs"][pointer.removeprefix("/$defs/")]
        inlined = _inline(target, file, (*seen, ref))
        rest = {k: _inline(v, here, seen) for k, v in node.items() if k != "$ref"}
        return {"allOf": [inlined], **rest} if rest else inlined
    return {k: _inline(v, here, seen) for k, v in node.items() if k != "$defs"}


@cache
def _fast(kind: str) -> jsonschema_rs.Validator:
    """The compiled (Rust) validator: fast, but its messages lack the detail findings need."""
    import jsonschema_rs

    file = _FILES[kind]
    return jsonschema_rs.Draft202012Validator(
        _inline(_documents()[file], file), validate_formats=True
    )


def is_valid(kind: str, instance: Any) -> bool | None:
    """Whether ``instance`` is valid, decided by the fast check; ``None`` when it cannot tell
    (a value JSON lacks, such as a YAML date)."""
    try:
        return _fast(kind).is_valid(instance)
    except ValueError:
        return None


def _fast_findings(kind: str, doc: Document, path: str) -> list[Finding]:
    """Findings from the compiled validator, for what the pure-Python one does not check
    (formats such as ``uri`` and ``date-time`` without optional packages)."""
    findings = []
    for error in _fast(kind).iter_errors(doc.data):
        pointer = tuple(error.instance_path)
        line, column = doc.mark(pointer)
        rule = f"schema-{_kebab(str(error.schema_path[-1]))}" if error.schema_path else "schema"
        findings.append(
            Finding(rule, Severity.ERROR, path, line, column, f"{dotted(pointer)}: {error.message}")
        )
    return findings


@cache
def _validator(kind: str) -> Validator:
    from jsonschema import Draft202012Validator

    file = _FILES[kind]
    schema = _inline(_documents()[file], file)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


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
    elif (
        keyword == "type"
        and _expects_string(error.validator_value)
        and (raw := doc.raw(pointer)) is not None
    ):
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
    """Every schema problem of ``doc`` as a finding at the offending value.

    Most manifests are valid: the compiled check clears them, and only the others pay for the
    pure-Python validator that explains each error.
    """
    fast = is_valid(kind, doc.data)
    if fast:
        return []
    errors = _validator(kind).iter_errors(doc.data)
    findings = []
    for error in _leaf_errors(errors):
        for rule, message, hint, (line, column) in _explain(error, doc):
            findings.append(Finding(rule, Severity.ERROR, path, line, column, message, hint))
    if not findings and fast is False:
        findings = _fast_findings(kind, doc, path)
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
    if is_valid(kind, instance):
        return []
    return [
        f"{dotted(tuple(e.absolute_path))}: {e.message}"
        for e in _leaf_errors(_validator(kind).iter_errors(instance))
    ]


def json_problems(kind: str, instance: Any) -> list[tuple[str, str]]:
    """Schema problems of a plain JSON value as (field, reason), in a stable order."""
    found: list[tuple[str, str]] = []
    for error in _leaf_errors(_validator(kind).iter_errors(instance)):
        pointer = tuple(error.absolute_path)
        keyword = str(error.validator)
        schema = error.schema if isinstance(error.schema, dict) else {}
        value = error.instance
        if keyword == "required":
            match = re.match(r"'(.+)' is a required property", error.message)
            missing = match.group(1) if match else error.message
            found.append((dotted((*pointer, missing)), "missing required field"))
        elif keyword == "additionalProperties" and isinstance(value, dict):
            allowed = sorted(schema.get("properties", {}))
            for key in value:
                if key not in allowed:
                    hint = _suggest(key, allowed)
                    found.append((dotted((*pointer, key)), f"unknown field; {hint}"))
        elif keyword == "type":
            expected = error.validator_value
            names = [str(n) for n in expected] if isinstance(expected, list) else [str(expected)]
            found.append(
                (dotted(pointer), f"expected {' or '.join(names)}, got {_type_name(value)}")
            )
        elif keyword == "enum":
            choices = [str(c) for c in error.validator_value or ()]  # type: ignore[union-attr]
            found.append((dotted(pointer), f"{value!r} is not one of {', '.join(choices)}"))
        else:
            found.append((dotted(pointer), error.message))
    return sorted(found)
