"""Renderers on hand-built results, without the CLI."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.run import ValidationResult
from hubrails.render import Format, validation_renderer
from hubrails.render.text.validate import colour_enabled

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
RESULT = ValidationResult(
    [ERROR, WARNING], files_checked=3, sources={("registry/tools/t.yaml", 2): "  risk: hgh"}
)


def render(fmt: Format, root: Path) -> str:
    out = io.StringIO()
    validation_renderer(fmt)(RESULT, out, root)
    return out.getvalue()


def _tool_file(root: Path) -> None:
    (root / "registry/tools").mkdir(parents=True)
    (root / "registry/tools/t.yaml").write_text("spec:\n  risk: hgh\n")


def test_text_shows_the_source_line_with_a_caret(tmp_path: Path) -> None:
    _tool_file(tmp_path)
    text = render(Format.TEXT, tmp_path)
    lines = text.splitlines()
    source = next(i for i, line in enumerate(lines) if line.endswith("|   risk: hgh"))
    assert lines[source + 1].index("^") == lines[source].index("hgh")
    assert "hint: did you mean 'high'?" in text
    assert "1 error, 1 warning in 2 files (3 files checked)" in text
    assert "\x1b[" not in text


def test_text_is_what_rich_printed(tmp_path: Path) -> None:
    _tool_file(tmp_path)
    assert render(Format.TEXT, tmp_path) == (
        "registry/tools/t.yaml:2:9: error   schema-enum  "
        "spec.risk: 'hgh' is not one of low, medium, high\n"
        "     2 |   risk: hgh\n"
        "       |         ^\n"
        "         = hint: did you mean 'high'?\n"
        "\n"
        "registry/a,b:c.yaml:1:1: warning ref-model  100% odd\n"
        "name\n"
        "\n"
        "✗ 1 error, 1 warning in 2 files (3 files checked)\n"
    )


def test_text_drops_control_characters_and_expands_tabs_as_rich_did(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text("a:\n\tb: 漢\n")
    finding = Finding("r", Severity.WARNING, "t.yaml", 2, 2, "漢\ttab\r\nbell\x07\t!", "x\ty")
    out = io.StringIO()
    result = ValidationResult([finding], 1, {("t.yaml", 2): "\tb: 漢"})
    validation_renderer(Format.TEXT)(result, out, tmp_path)
    assert out.getvalue() == (
        "t.yaml:2:2: warning r  漢       tab\n"
        "bell    !\n"
        "     2 |  b: 漢\n"
        "       |  ^\n"
        "         = hint: x      y\n"
        "\n"
        "! 0 errors, 1 warning in 1 file (1 file checked)\n"
    )


def test_text_never_reads_the_files_it_reports_on(tmp_path: Path) -> None:
    """The source line comes from the result (what the safe reader held), never from disk: a
    file there now (or a link to /proc/self/environ, or a FIFO) is not opened."""
    _tool_file(tmp_path)
    out = io.StringIO()
    validation_renderer(Format.TEXT)(ValidationResult([ERROR], 1), out, tmp_path)
    assert "risk: hgh" not in out.getvalue()
    assert " | " not in out.getvalue()


def test_text_no_findings() -> None:
    out = io.StringIO()
    validation_renderer(Format.TEXT)(ValidationResult([], 1), out, Path())
    assert out.getvalue() == "✓ no findings (1 file checked)\n"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("environ", "tty", "expected"),
    [
        ({}, False, False),
        ({}, True, True),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": ""}, False, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, True, False),
        ({"TERM": "dumb"}, True, False),
        ({"TERM": "dumb", "FORCE_COLOR": "1"}, False, False),
        ({"TERM": "xterm-256color"}, True, True),
    ],
)
def test_colour_only_on_a_terminal_unless_told(
    environ: dict[str, str], tty: bool, expected: bool
) -> None:
    out = _Terminal() if tty else io.StringIO()
    assert colour_enabled(out, environ) is expected


def test_colour_is_sgr_in_the_styles_rich_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tool_file(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    out = _Terminal()
    validation_renderer(Format.TEXT)(RESULT, out, tmp_path)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "\x1b[1mregistry/tools/t.yaml:2:9: \x1b[0m\x1b[1;31merror   \x1b[0m"
        "\x1b[1;2mschema-enum  \x1b[0m"
        "\x1b[1mspec.risk: 'hgh' is not one of low, medium, high\x1b[0m"
    )
    assert lines[1] == "\x1b[2m     2 |   risk: hgh\x1b[0m"
    assert lines[2] == "\x1b[1;31m       |         ^\x1b[0m"
    assert lines[3] == "\x1b[36m         = hint: did you mean 'high'?\x1b[0m"
    assert lines[5].startswith("\x1b[1mregistry/a,b:c.yaml:1:1: \x1b[0m\x1b[1;33mwarning \x1b[0m")
    assert lines[6] == "\x1b[1mname\x1b[0m"
    assert lines[-1] == "\x1b[1;31m✗ 1 error, 1 warning in 2 files (3 files checked)\x1b[0m"
    monkeypatch.setenv("NO_COLOR", "1")
    plain = _Terminal()
    validation_renderer(Format.TEXT)(RESULT, plain, tmp_path)
    assert "\x1b" not in plain.getvalue()
    assert plain.getvalue() == render(Format.TEXT, tmp_path)


def test_the_text_renderer_does_not_import_rich() -> None:
    code = "import sys, hubrails.render.text.validate; print('rich' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


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
