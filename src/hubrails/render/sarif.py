"""SARIF 2.1.0, for code-scanning upload."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from hubrails import __version__
from hubrails.core.findings import Severity
from hubrails.core.rules import describe
from hubrails.core.validate import ValidationResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def validation_log(result: ValidationResult) -> dict[str, Any]:
    """The SARIF log for a validation result."""
    rule_ids = sorted({f.rule for f in result.findings})
    index = {rule: i for i, rule in enumerate(rule_ids)}
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": "error" if f.severity is Severity.ERROR else "warning",
            "message": {"text": f"{f.message} ({f.hint})" if f.hint else f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        for f in result.findings
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "hubrails",
                        "version": __version__,
                        "informationUri": "https://hubrails.dev",
                        "rules": [
                            {"id": r, "shortDescription": {"text": describe(r)}} for r in rule_ids
                        ],
                    }
                },
                "results": results,
            }
        ],
    }


def render_validation(result: ValidationResult, out: TextIO, root: Path) -> None:
    """Write the validation result as a SARIF log."""
    json.dump(validation_log(result), out, indent=2)
    out.write("\n")
