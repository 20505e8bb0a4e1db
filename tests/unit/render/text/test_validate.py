"""``hub validate``'s text: what rich printed, character for character (the source line with a
caret under the column, the hint, the verdict), findings of one file together and a blank line
after each file, a finding without source or hint is one line, control characters dropped and
tabs widened by terminal cells (wide, combining and format characters), the plural of the
verdict, source lines only from the result (never from disk), colour only on a terminal unless
the environment says otherwise (and off for streams that cannot say they are terminals), its
SGR styles, and no import of rich."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.run import ValidationResult
from hubrails.render.text.validate import render_validation

Sources = dict[tuple[str, int], str]

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


def rendered(*findings: Finding, files: int = 2, sources: Sources | None = None) -> str:
    out = io.StringIO()
    render_validation(ValidationResult(list(findings), files, sources or {}), out, Path())
    return out.getvalue()


def result_text(root: Path) -> str:
    out = io.StringIO()
    render_validation(RESULT, out, root)
    return out.getvalue()


def _tool_file(root: Path) -> None:
    (root / "registry/tools").mkdir(parents=True)
    (root / "registry/tools/t.yaml").write_text("spec:\n  risk: hgh\n")


def test_the_source_line_has_a_caret_under_the_column(tmp_path: Path) -> None:
    _tool_file(tmp_path)
    text = result_text(tmp_path)
    lines = text.splitlines()
    source = next(i for i, line in enumerate(lines) if line.endswith("|   risk: hgh"))
    assert lines[source + 1].index("^") == lines[source].index("hgh")
    assert "hint: did you mean 'high'?" in text
    assert "1 error, 1 warning in 2 files (3 files checked)" in text
    assert "\x1b[" not in text


def test_the_text_is_what_rich_printed(tmp_path: Path) -> None:
    _tool_file(tmp_path)
    assert result_text(tmp_path) == (
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


def test_control_characters_are_dropped_and_tabs_expanded_as_rich_did(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text("a:\n\tb: 漢\n")
    finding = Finding("r", Severity.WARNING, "t.yaml", 2, 2, "漢\ttab\r\nbell\x07\t!", "x\ty")
    out = io.StringIO()
    result = ValidationResult([finding], 1, {("t.yaml", 2): "\tb: 漢"})
    render_validation(result, out, tmp_path)
    assert out.getvalue() == (
        "t.yaml:2:2: warning r  漢       tab\n"
        "bell    !\n"
        "     2 |  b: 漢\n"
        "       |  ^\n"
        "         = hint: x      y\n"
        "\n"
        "! 0 errors, 1 warning in 1 file (1 file checked)\n"
    )


def test_the_files_reported_on_are_never_read(tmp_path: Path) -> None:
    """The source line comes from the result (what the safe reader held), never from disk: a
    file there now (or a link to /proc/self/environ, or a FIFO) is not opened."""
    _tool_file(tmp_path)
    out = io.StringIO()
    render_validation(ValidationResult([ERROR], 1), out, tmp_path)
    assert "risk: hgh" not in out.getvalue()
    assert " | " not in out.getvalue()


def test_findings_of_one_file_stay_together_with_a_blank_line_after_each_file() -> None:
    assert rendered(
        Finding("a", Severity.ERROR, "x.yaml", 1, 1, "one"),
        Finding("b", Severity.ERROR, "x.yaml", 4, 2, "two", "h"),
        Finding("c", Severity.WARNING, "y.yaml", 2, 3, "three"),
        sources={("x.yaml", 4): "ab"},
    ) == (
        "x.yaml:1:1: error   a  one\n"
        "x.yaml:4:2: error   b  two\n"
        "     4 | ab\n"
        "       |  ^\n"
        "         = hint: h\n"
        "\n"
        "y.yaml:2:3: warning c  three\n"
        "\n"
        "✗ 2 errors, 1 warning in 2 files (2 files checked)\n"
    )


def test_a_source_line_for_another_line_of_the_file_is_not_shown() -> None:
    text = rendered(Finding("a", Severity.ERROR, "x.yaml", 3, 1, "m"), sources={("x.yaml", 2): "z"})
    assert " | " not in text


def test_the_verdict_counts_in_the_singular_for_one() -> None:
    one = rendered(Finding("a", Severity.ERROR, "x.yaml", 1, 1, "m"), files=1)
    assert one.endswith("\n✗ 1 error, 0 warnings in 1 file (1 file checked)\n")
    assert rendered(files=0) == "✓ no findings (0 files checked)\n"


def test_a_tab_reaches_the_next_multiple_of_eight_counting_terminal_cells() -> None:
    # The heading before the message is 23 cells; 漢 takes two, é's accent, a zero-width space
    # none, a soft hyphen one.
    message = "漢\tx|e\u0301\ty|\u200b\tz|\xad\tw"
    [heading, *_] = rendered(Finding("c", Severity.WARNING, "y.yaml", 2, 3, message)).splitlines()
    assert heading == "y.yaml:2:3: warning c  漢       x|e\u0301     y|\u200b      z|\xad     w"


def test_a_newline_in_a_hint_continues_at_the_start_of_the_next_line() -> None:
    text = rendered(Finding("r", Severity.WARNING, "x.yaml", 1, 1, "m", "first\nsecond\r"))
    assert "         = hint: first\nsecond\n\n" in text


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_is_sgr_in_the_styles_rich_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tool_file(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    out = _Terminal()
    render_validation(RESULT, out, tmp_path)
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
    render_validation(RESULT, plain, tmp_path)
    assert "\x1b" not in plain.getvalue()
    assert plain.getvalue() == result_text(tmp_path)


def test_the_text_renderer_does_not_import_rich() -> None:
    code = "import sys, hubrails.render.text.validate; print('rich' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
