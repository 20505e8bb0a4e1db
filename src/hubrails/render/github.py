"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from hubrails.core.findings import Severity
from hubrails.core.validate import ValidationResult


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_validation(result: ValidationResult, out: TextIO, root: Path) -> None:
    """Write ``::error``/``::warning`` commands the runner turns into annotations."""
    for f in result.findings:
        level = "error" if f.severity is Severity.ERROR else "warning"
        message = f"{f.message} ({f.hint})" if f.hint else f.message
        out.write(
            f"::{level} file={_prop(f.path)},line={f.line},col={f.column},"
            f"title={_prop(f.rule)}::{_data(message)}\n"
        )
    out.write(
        f"hub validate: {result.count(Severity.ERROR)} error(s), "
        f"{result.count(Severity.WARNING)} warning(s) in {result.files_checked} file(s)\n"
    )
