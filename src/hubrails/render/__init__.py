"""Output, one renderer per format: ``text/`` and ``json/`` (a module per command), ``github``,
``sarif``, ``csv`` and ``html/`` (the dashboard); below, the renderer of each command by
format. Renderers only format: they write to the stream they are given, read nothing and
decide no exit code."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from types import ModuleType
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from pathlib import Path

    from hubrails.core.certify.certificate import VerifyProblem
    from hubrails.core.certify.policy import EffectivePolicy
    from hubrails.core.certify.results import Certification
    from hubrails.core.ledger.ingest import IngestResult
    from hubrails.core.ledger.report import Report
    from hubrails.core.promote.outcome import Promotion
    from hubrails.core.review.items import Review
    from hubrails.core.validate.run import ValidationResult


class Format(StrEnum):
    """Output formats of ``hub validate`` and ``hub certify``."""

    TEXT = "text"
    JSON = "json"
    GITHUB = "github"
    SARIF = "sarif"


class OutputFormat(StrEnum):
    """Output formats of the query commands (``hub catalog``)."""

    TEXT = "text"
    JSON = "json"


class PromotionFormat(StrEnum):
    """Output formats of ``hub promote``."""

    TEXT = "text"
    JSON = "json"


Renderer = Callable[["ValidationResult", TextIO, "Path"], None]


def validation_renderer(fmt: Format) -> Renderer:
    """The function that renders a validation result in ``fmt``."""
    if fmt is Format.TEXT:
        from hubrails.render.text.validate import render_validation
    elif fmt is Format.JSON:
        from hubrails.render.json.validate import render_validation
    elif fmt is Format.GITHUB:
        from hubrails.render.github import render_validation
    else:
        from hubrails.render.sarif import render_validation
    return render_validation


CertificationRenderer = Callable[["Certification", "list[VerifyProblem] | None", TextIO], None]


def certification_renderer(fmt: Format) -> CertificationRenderer:
    """The function that renders a certification (and any verification problems) in ``fmt``."""
    if fmt is Format.TEXT:
        from hubrails.render.text.certify import render_certification
    elif fmt is Format.JSON:
        from hubrails.render.json.certify import render_certification
    elif fmt is Format.GITHUB:
        from hubrails.render.github import render_certification
    else:
        from hubrails.render.sarif import render_certification
    return render_certification


PolicyRenderer = Callable[
    [str, "EffectivePolicy", "EffectivePolicy", TextIO, "Mapping[str, Any] | None"], None
]


def policy_renderer(fmt: OutputFormat) -> PolicyRenderer:
    """The function that renders an effective policy (``hub policy``): text or JSON."""
    if fmt is OutputFormat.JSON:
        from hubrails.render.json.certify import render_policy
    else:
        from hubrails.render.text.certify import render_policy
    return render_policy


def catalog_renderer(fmt: OutputFormat) -> ModuleType:
    """The module whose ``render_list``, ``render_search``, ``render_impact`` and
    ``render_show`` write ``hub catalog``'s answers in ``fmt``."""
    import importlib

    return importlib.import_module(f"hubrails.render.{fmt.value}.catalog")


PromotionRenderer = Callable[["Promotion", TextIO], None]


def promotion_renderer(fmt: PromotionFormat) -> PromotionRenderer:
    """The function that renders a promotion in ``fmt``."""
    if fmt is PromotionFormat.JSON:
        from hubrails.render.json.promotion import render_promotion
    else:
        from hubrails.render.text.promotion import render_promotion
    return render_promotion


IngestRenderer = Callable[["IngestResult", TextIO, "Path | None"], None]


def ingest_renderer(fmt: str) -> IngestRenderer:
    """The function that renders an ingest summary: ``text`` or ``json``."""
    if fmt == "json":
        from hubrails.render.json.ledger import render_ingest
    else:
        from hubrails.render.text.ledger import render_ingest
    return render_ingest


ReportRenderer = Callable[["Report", TextIO], None]


def report_renderer(fmt: str) -> ReportRenderer:
    """The function that renders a ledger report: ``text``, ``json`` or ``csv``."""
    if fmt == "json":
        from hubrails.render.json.ledger import render_report
    elif fmt == "csv":
        from hubrails.render.csv import render_report
    else:
        from hubrails.render.text.ledger import render_report
    return render_report


ReviewRenderer = Callable[["Review", TextIO], None]


def review_renderer(fmt: Format) -> ReviewRenderer:
    """The function that renders ``hub review`` in ``fmt``."""
    if fmt is Format.TEXT:
        from hubrails.render.text.review import render_review
    elif fmt is Format.JSON:
        from hubrails.render.json.review import render_review
    elif fmt is Format.GITHUB:
        from hubrails.render.github import render_review
    else:
        from hubrails.render.sarif import render_review
    return render_review
