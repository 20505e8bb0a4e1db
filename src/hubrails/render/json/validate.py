"""``hub validate`` as JSON: one document on stdout, stable keys (documented in docs/output.md),
written with one call (stdout may be unbuffered, and thousands of small writes cost a second)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from hubrails import __version__
from hubrails.core.registry.findings import Severity
from hubrails.core.validate.run import ValidationResult

SHAPE_VERSION = 1


def validation_document(result: ValidationResult) -> dict[str, Any]:
    """The JSON document for a validation result."""
    return {
        "version": SHAPE_VERSION,
        "tool": {"name": "hubrails", "version": __version__},
        "summary": {
            "files_checked": result.files_checked,
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
        },
        "findings": [f.to_dict() for f in result.findings],
    }


def render_validation(result: ValidationResult, out: TextIO, root: Path) -> None:
    """Write the validation result as one JSON document."""
    out.write(json.dumps(validation_document(result), indent=2, ensure_ascii=False) + "\n")
