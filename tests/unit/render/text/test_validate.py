"""``hub validate``'s text (what tests/unit/render/test_validate.py leaves out): findings of one
file together and a blank line after each file, a finding without source or hint is one line,
tabs widened by terminal cells (wide, combining and format characters), the plural of the
verdict, and when colour is off for streams that cannot say they are terminals."""

from __future__ import annotations

import io
from pathlib import Path

from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.run import ValidationResult
from hubrails.render.text.validate import colour_enabled, render_validation

Sources = dict[tuple[str, int], str]


def rendered(*findings: Finding, files: int = 2, sources: Sources | None = None) -> str:
    out = io.StringIO()
    render_validation(ValidationResult(list(findings), files, sources or {}), out, Path())
    return out.getvalue()


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


class _Closed(io.StringIO):
    def isatty(self) -> bool:
        raise ValueError("I/O operation on closed file")


class _NoTty:
    def write(self, text: str) -> int:
        return len(text)


def test_no_colour_for_a_closed_stream_or_one_without_isatty_unless_forced() -> None:
    assert colour_enabled(_Closed(), {}) is False
    assert colour_enabled(_NoTty(), {}) is False  # type: ignore[arg-type]
    assert colour_enabled(_NoTty(), {"FORCE_COLOR": "1"}) is True  # type: ignore[arg-type]


def test_a_terminal_named_unknown_in_any_case_or_spacing_gets_no_colour() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert colour_enabled(Terminal(), {"TERM": " Unknown "}) is False
    assert colour_enabled(Terminal(), {"TERM": "DUMB"}) is False
    assert colour_enabled(Terminal(), {"TERM": ""}) is True
