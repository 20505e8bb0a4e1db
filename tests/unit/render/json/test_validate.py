"""``hub validate --format json``: the document's shape (docs/output.md) with every field of a
finding, its counts, and that it is written as one indented document that keeps non-ASCII text
as it is."""

from __future__ import annotations

import io
import json
from pathlib import Path

from hubrails import __version__
from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.run import ValidationResult
from hubrails.render.json.validate import SHAPE_VERSION, render_validation, validation_document

ERROR = Finding("dup-name", Severity.ERROR, "registry/a.yaml", 3, 5, "名前 'x' twice", "",
                ("registry/b.yaml",))  # fmt: skip
WARNING = Finding("placeholder", Severity.WARNING, "registry/b.yaml", 1, 1, "owner", "set it")


def rendered(result: ValidationResult, root: Path | None = None) -> str:
    out = io.StringIO()
    render_validation(result, out, root or Path("/nonexistent"))
    return out.getvalue()


def test_an_empty_result_is_a_document_with_no_findings() -> None:
    assert json.loads(rendered(ValidationResult([], 0))) == {
        "version": 1,
        "tool": {"name": "hubrails", "version": __version__},
        "summary": {"files_checked": 0, "errors": 0, "warnings": 0},
        "findings": [],
    }


def test_the_summary_counts_errors_and_warnings_apart() -> None:
    result = ValidationResult([ERROR, WARNING, WARNING], files_checked=7)
    assert validation_document(result)["summary"] == {
        "files_checked": 7,
        "errors": 1,
        "warnings": 2,
    }


def test_a_finding_has_every_field_under_its_documented_key() -> None:
    error = Finding(
        "schema-enum",
        Severity.ERROR,
        "registry/tools/t.yaml",
        2,
        9,
        "spec.risk: 'hgh' is not one of low, medium, high",
        "did you mean 'high'?",
    )
    warning = Finding("ref-model", Severity.WARNING, "registry/a,b:c.yaml", 1, 1, "100% odd\nname")
    document = json.loads(rendered(ValidationResult([error, warning], files_checked=3)))
    assert document["summary"] == {"files_checked": 3, "errors": 1, "warnings": 1}
    assert document["findings"][0] == {
        "rule": "schema-enum",
        "severity": "error",
        "path": "registry/tools/t.yaml",
        "line": 2,
        "column": 9,
        "message": error.message,
        "hint": error.hint,
        "related": [],
    }


def test_findings_keep_their_order_and_their_related_files_as_a_list() -> None:
    findings = validation_document(ValidationResult([WARNING, ERROR], 2))["findings"]
    assert [f["rule"] for f in findings] == ["placeholder", "dup-name"]
    assert findings[1]["related"] == ["registry/b.yaml"]
    assert findings[0]["severity"] == "warning"


def test_the_document_is_indented_ends_with_a_newline_and_keeps_unicode_unescaped() -> None:
    text = rendered(ValidationResult([ERROR], 1))
    assert text.startswith('{\n  "version": 1,\n')
    assert text.endswith("}\n") and text.count("\n") > 10
    assert "名前" in text and "\\u" not in text
    assert json.loads(text)["findings"][0]["message"] == "名前 'x' twice"


def test_the_shape_version_is_one_and_the_root_is_never_read(tmp_path: Path) -> None:
    assert SHAPE_VERSION == 1
    missing = tmp_path / "gone"
    assert rendered(ValidationResult([ERROR], 1), missing) == rendered(ValidationResult([ERROR], 1))
    assert not missing.exists()


def test_a_real_validation_is_the_documented_document(registry: Path) -> None:
    from hubrails.core.registry.config import load_config
    from hubrails.core.validate.run import validate

    tool = registry / "registry/tools/github.yaml"
    tool.write_text(tool.read_text(encoding="utf-8").replace("risk: ", "risk: hgh-", 1), "utf-8")
    result = validate(load_config(registry), use_cache=False)
    document = json.loads(rendered(result, registry))
    assert document["summary"]["files_checked"] == result.files_checked > 40
    assert document["summary"]["errors"] >= 1
    keys = ["column", "hint", "line", "message", "path", "related", "rule", "severity"]
    assert all(sorted(f) == keys for f in document["findings"])
    found = [f for f in document["findings"] if f["path"] == "registry/tools/github.yaml"]
    assert found and found[0]["severity"] == "error"
