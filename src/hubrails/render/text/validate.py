"""Human output of ``hub validate``: findings grouped by file as ``path:line:col`` (editors jump
there), the source line with a caret, one summary line.

Built with plain strings and written at once, without rich (importing it and printing through it
took a third of ``hub validate ONE_FILE``). The text is what rich printed: control characters
(bell, backspace, vertical tab, form feed, carriage return) dropped, tabs expanded to 8 columns,
nothing wrapped. Colour only where :func:`colour_enabled` allows it."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path
from typing import TextIO

from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.run import ValidationResult
from hubrails.render.text.terminal import Piece, cells, colour_enabled, paint

# ANSI SGR parameters: bold, dim, cyan, green, and per severity bold red / yellow (alone, and
# on the bold heading line).
_BOLD, _DIM, _CYAN, _GREEN = "1", "2", "36", "32"
_SEVERITY = {Severity.ERROR: "1;31", Severity.WARNING: "33"}
_HEAD_SEVERITY = {Severity.ERROR: "1;31", Severity.WARNING: "1;33"}
_HEAD_RULE = "1;2"

_STRIP = dict.fromkeys((7, 8, 11, 12, 13))  # bell, backspace, VT, FF, CR (rich dropped them)
_TAB = 8


def _expand_tabs(line: list[Piece]) -> list[Piece]:
    """``line`` with each tab widened to the next multiple of 8 columns."""
    column = 0
    expanded: list[Piece] = []
    for text, sgr in line:
        *before, last = text.split("\t")
        parts: list[str] = []
        for part in before:
            column += cells(part)
            spaces = _TAB - column % _TAB
            parts.append(part + " " * spaces)
            column += spaces
        column += cells(last)
        expanded.append(("".join(parts) + last, sgr))
    return expanded


def _emit(pieces: list[Piece], colour: bool, lines: list[str]) -> None:
    """Append the lines of ``pieces`` (which may hold newlines) to ``lines``."""
    plain = "".join([text for text, _ in pieces])
    if plain.isprintable():  # no newline, tab or control character: the usual case
        lines.append(paint(pieces) if colour else plain)
        return
    physical: list[list[Piece]] = [[]]
    for text, sgr in pieces:
        first, *rest = text.translate(_STRIP).split("\n")
        physical[-1].append((first, sgr))
        physical.extend([(more, sgr)] for more in rest)
    for line in physical:
        if any("\t" in text for text, _ in line):
            line = _expand_tabs(line)
        lines.append(paint(line) if colour else "".join(text for text, _ in line))


def _finding(f: Finding, source: str | None, colour: bool, lines: list[str]) -> None:
    """The heading, source line with caret, and hint of one finding."""
    head = [
        (f"{f.path}:{f.line}:{f.column}: ", _BOLD),
        (f"{f.severity.value:<8}", _HEAD_SEVERITY[f.severity]),
        (f"{f.rule}  ", _HEAD_RULE),
        (f.message, _BOLD),
    ]
    _emit(head, colour, lines)
    if source is not None:
        gutter = f"{f.line:>6} | "
        _emit([(gutter + source.replace("\t", " "), _DIM)], colour, lines)
        caret = " " * (len(gutter) - 2) + "| " + " " * (f.column - 1) + "^"
        _emit([(caret, _SEVERITY[f.severity])], colour, lines)
    if f.hint:
        _emit([("         = hint: " + f.hint, _CYAN)], colour, lines)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def render_validation(result: ValidationResult, out: TextIO, root: Path) -> None:
    """Write findings grouped by file, then a one-line verdict; source lines are those the
    result carries (``root`` is not read)."""
    colour = colour_enabled(out)
    lines: list[str] = []
    for _, group in groupby(result.findings, key=lambda f: f.path):
        for finding in group:
            _finding(finding, result.sources.get((finding.path, finding.line)), colour, lines)
        lines.append("")
    checked = _plural(result.files_checked, "file") + " checked"
    if not result.findings:
        _emit([(f"✓ no findings ({checked})", _GREEN)], colour, lines)
    else:
        errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
        files = len({f.path for f in result.findings})
        verdict = (
            f"{'✗' if errors else '!'} {_plural(errors, 'error')}, "
            f"{_plural(warnings, 'warning')} in {_plural(files, 'file')} ({checked})"
        )
        _emit([(verdict, _SEVERITY[Severity.ERROR if errors else Severity.WARNING])], colour, lines)
    out.write("\n".join(lines) + "\n")
