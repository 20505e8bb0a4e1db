"""Renderers on hand-built results, without the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

from hubrails.core.findings import Finding, Severity
from hubrails.core.validate import ValidationResult
from hubrails.render import Format, validation_renderer

ERROR = Finding(
    "schema-enum",
    Severity.ERROR,
    "registry/tools/t.yaml",
    2,
    9,
    "spec.risk: 'hgh' is not one of low, medium, high",
    "did you mean 'high'?",
)
WARNING = Finding("ref-model", Severity.WARNING, "registry/a,b:c.yaml", 1, 1, "100% odd\nname", "")
RESULT = ValidationResult([ERROR, WARNING], files_checked=3)


def render(fmt: Format, root: Path) -> str:
    out = io.StringIO()
    validation_renderer(fmt)(RESULT, out, root)
    return out.getvalue()


def test_text_shows_the_source_line_with_a_caret(tmp_path: Path) -> None:
    (tmp_path / "registry/tools").mkdir(parents=True)
    (tmp_path / "registry/tools/t.yaml").write_text("spec:\n  risk: hgh\n")
    text = render(Format.TEXT, tmp_path)
    lines = text.splitlines()
    source = next(i for i, line in enumerate(lines) if line.endswith("|   risk: hgh"))
    assert lines[source + 1].index("^") == lines[source].index("hgh")
    assert "hint: did you mean 'high'?" in text
    assert "1 error, 1 warning in 2 files (3 files checked)" in text
    assert "\x1b[" not in text


def test_json_shape(tmp_path: Path) -> None:
    document = json.loads(render(Format.JSON, tmp_path))
    assert document["summary"] == {"files_checked": 3, "errors": 1, "warnings": 1}
    assert document["findings"][0] == {
        "rule": "schema-enum",
        "severity": "error",
        "path": "registry/tools/t.yaml",
        "line": 2,
        "column": 9,
        "message": ERROR.message,
        "hint": ERROR.hint,
        "related": [],
    }


def test_github_escapes_properties_and_data(tmp_path: Path) -> None:
    lines = render(Format.GITHUB, tmp_path).splitlines()
    assert lines[0].startswith(
        "::error file=registry/tools/t.yaml,line=2,col=9,title=schema-enum::"
    )
    assert (
        lines[1]
        == "::warning file=registry/a%2Cb%3Ac.yaml,line=1,col=1,title=ref-model::100%25 odd%0Aname"
    )


def test_sarif_is_2_1_0_with_rules(tmp_path: Path) -> None:
    log = json.loads(render(Format.SARIF, tmp_path))
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == ["ref-model", "schema-enum"]
    first = run["results"][0]
    assert first["ruleId"] == "schema-enum" and first["level"] == "error"
    assert rules[first["ruleIndex"]] == "schema-enum"
    region = first["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 2, "startColumn": 9}
