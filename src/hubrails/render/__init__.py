"""One renderer per output format. Renderers write; they never decide exit codes."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from pathlib import Path

    from hubrails.core.certify.certificate import VerifyProblem
    from hubrails.core.certify.run import Certification
    from hubrails.core.validate.run import ValidationResult


class Format(StrEnum):
    """Output formats of ``hub validate``."""

    TEXT = "text"
    JSON = "json"
    GITHUB = "github"
    SARIF = "sarif"


class OutputFormat(StrEnum):
    """Output formats of the query commands (``hub catalog``)."""

    TEXT = "text"
    JSON = "json"


Renderer = Callable[["ValidationResult", TextIO, "Path"], None]


def validation_renderer(fmt: Format) -> Renderer:
    """The function that renders a validation result in ``fmt``."""
    if fmt is Format.TEXT:
        from hubrails.render.text import render_validation
    elif fmt is Format.JSON:
        from hubrails.render.json_ import render_validation
    elif fmt is Format.GITHUB:
        from hubrails.render.github import render_validation
    else:
        from hubrails.render.sarif import render_validation
    return render_validation


CertificationRenderer = Callable[["Certification", "list[VerifyProblem] | None", TextIO], None]


def certification_renderer(fmt: Format) -> CertificationRenderer:
    """The function that renders a certification (and any verification problems) in ``fmt``."""
    if fmt is Format.TEXT:
        from hubrails.render.certify_text import render_certification
    elif fmt is Format.JSON:
        from hubrails.render.json_ import render_certification
    elif fmt is Format.GITHUB:
        from hubrails.render.github import render_certification
    else:
        from hubrails.render.sarif import render_certification
    return render_certification
