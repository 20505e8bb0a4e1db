"""Text for a terminal: when colour is on (rich's conventions), the columns a string takes, and
painted runs."""

from __future__ import annotations

import io

import pytest

from hubrails.render.text.terminal import cells, colour_enabled, paint


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


@pytest.mark.parametrize(
    ("text", "width"),
    [("abc", 3), ("", 0), ("日本", 4), ("e\u0301", 1), ("a\x07b", 2), ("\u200bx", 1), ("\xad", 1)],
)
def test_cells_counts_terminal_columns(text: str, width: int) -> None:
    assert cells(text) == width


def test_paint_wraps_each_styled_run_and_leaves_plain_and_empty_runs_alone() -> None:
    assert paint([("a", "1"), ("b", ""), ("", "31"), ("c", "32")]) == (
        "\x1b[1ma\x1b[0mb\x1b[32mc\x1b[0m"
    )
