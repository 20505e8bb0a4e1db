"""Human output: findings grouped by file as ``path:line:col`` (editors jump there), the source
line with a caret, one summary line.
Colour only on a terminal (rich decides; ``NO_COLOR`` is honoured)."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.text import Text

from hubrails.core.findings import Finding, Severity
from hubrails.core.validate import ValidationResult

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}


def _source_line(root: Path, path: str, line: int, cache: dict[str, list[str]]) -> str | None:
    if path not in cache:
        try:
            cache[path] = (root / path).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            cache[path] = []
    lines = cache[path]
    return lines[line - 1] if 0 < line <= len(lines) else None


def _finding(console: Console, f: Finding, root: Path, cache: dict[str, list[str]]) -> None:
    head = Text(f"{f.path}:{f.line}:{f.column}: ", style="bold")
    head.append(f"{f.severity.value:<8}", style=_STYLE[f.severity])
    head.append(f"{f.rule}  ", style="dim")
    head.append(f.message)
    console.print(head)
    source = _source_line(root, f.path, f.line, cache)
    if source is not None:
        gutter = f"{f.line:>6} | "
        console.print(Text(gutter, style="dim") + Text(source.replace("\t", " ")))
        caret = " " * (len(gutter) - 2) + "| " + " " * (f.column - 1) + "^"
        console.print(Text(caret, style=_STYLE[f.severity]))
    if f.hint:
        console.print(Text("         = hint: ", style="cyan") + Text(f.hint))


def render_validation(result: ValidationResult, out: TextIO, root: Path) -> None:
    """Write findings grouped by file, then a one-line verdict."""
    console = Console(file=out, highlight=False, soft_wrap=True)
    cache: dict[str, list[str]] = {}
    for _, group in groupby(result.findings, key=lambda f: f.path):
        for finding in group:
            _finding(console, finding, root, cache)
        console.print()
    errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
    files = len({f.path for f in result.findings})
    checked = f"{result.files_checked} file{'s' if result.files_checked != 1 else ''} checked"
    if not result.findings:
        console.print(Text(f"✓ no findings ({checked})", style="green"))
        return
    verdict = Text(
        "✗ " if errors else "! ", style=_STYLE[Severity.ERROR if errors else Severity.WARNING]
    )
    verdict.append(
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''} in {files} "
        f"file{'s' if files != 1 else ''} ({checked})"
    )
    console.print(verdict)
