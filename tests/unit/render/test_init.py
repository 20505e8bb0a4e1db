"""The renderer of each command by format: every format of every command leads to its own
module's function (text is the fallback of the string-chosen ledger formats), and the formats'
values are the ``--format`` words."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pytest

from hubrails.render import (
    Format,
    OutputFormat,
    PromotionFormat,
    catalog_renderer,
    certification_renderer,
    ingest_renderer,
    policy_renderer,
    promotion_renderer,
    report_renderer,
    review_renderer,
    validation_renderer,
)


def _module_of(function: Callable[..., None]) -> str:
    return function.__module__


@pytest.mark.parametrize(
    ("fmt", "module"),
    [
        (Format.TEXT, "hubrails.render.text.validate"),
        (Format.JSON, "hubrails.render.json.validate"),
        (Format.GITHUB, "hubrails.render.github"),
        (Format.SARIF, "hubrails.render.sarif"),
    ],
)
def test_validation_is_rendered_by_the_module_of_its_format(fmt: Format, module: str) -> None:
    renderer = validation_renderer(fmt)
    assert renderer is importlib.import_module(module).render_validation
    assert _module_of(renderer) == module


@pytest.mark.parametrize(
    ("fmt", "module"),
    [
        (Format.TEXT, "hubrails.render.text.certify"),
        (Format.JSON, "hubrails.render.json.certify"),
        (Format.GITHUB, "hubrails.render.github"),
        (Format.SARIF, "hubrails.render.sarif"),
    ],
)
def test_certification_is_rendered_by_the_module_of_its_format(fmt: Format, module: str) -> None:
    assert certification_renderer(fmt) is importlib.import_module(module).render_certification


@pytest.mark.parametrize(
    ("fmt", "module"),
    [
        (Format.TEXT, "hubrails.render.text.review"),
        (Format.JSON, "hubrails.render.json.review"),
        (Format.GITHUB, "hubrails.render.github"),
        (Format.SARIF, "hubrails.render.sarif"),
    ],
)
def test_a_review_is_rendered_by_the_module_of_its_format(fmt: Format, module: str) -> None:
    assert review_renderer(fmt) is importlib.import_module(module).render_review


def test_policy_catalog_and_promotion_have_text_and_json() -> None:
    assert _module_of(policy_renderer(OutputFormat.TEXT)) == "hubrails.render.text.certify"
    assert _module_of(policy_renderer(OutputFormat.JSON)) == "hubrails.render.json.certify"
    assert catalog_renderer(OutputFormat.TEXT).__name__ == "hubrails.render.text.catalog"
    assert catalog_renderer(OutputFormat.JSON).__name__ == "hubrails.render.json.catalog"
    for name in ("render_list", "render_search", "render_impact", "render_show"):
        assert callable(getattr(catalog_renderer(OutputFormat.JSON), name))
    text, json = (promotion_renderer(f) for f in (PromotionFormat.TEXT, PromotionFormat.JSON))
    assert _module_of(text) == "hubrails.render.text.promotion"
    assert _module_of(json) == "hubrails.render.json.promotion"


def test_ledger_formats_are_words_and_anything_unknown_is_text() -> None:
    assert _module_of(ingest_renderer("json")) == "hubrails.render.json.ledger"
    assert _module_of(ingest_renderer("text")) == "hubrails.render.text.ledger"
    assert _module_of(ingest_renderer("yaml")) == "hubrails.render.text.ledger"
    assert _module_of(report_renderer("json")) == "hubrails.render.json.ledger"
    assert _module_of(report_renderer("csv")) == "hubrails.render.csv"
    assert _module_of(report_renderer("text")) == "hubrails.render.text.ledger"


def test_the_formats_are_the_words_given_to_format() -> None:
    assert [f.value for f in Format] == ["text", "json", "github", "sarif"]
    assert [f.value for f in OutputFormat] == ["text", "json"]
    assert [f.value for f in PromotionFormat] == ["text", "json"]
    assert Format("sarif") is Format.SARIF
    with pytest.raises(ValueError, match="'html' is not a valid OutputFormat"):
        OutputFormat("html")
