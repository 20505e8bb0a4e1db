"""The rule catalogue and its documentation agree."""

from __future__ import annotations

from hubrails.core.validate.rules import RULES, describe
from hubrails.resources import data_dir


def test_every_rule_is_documented() -> None:
    text = (data_dir() / "docs" / "rules.md").read_text(encoding="utf-8")
    missing = [rule for rule in RULES if f"`{rule}`" not in text]
    assert missing == []


def test_schema_rules_are_described_by_keyword() -> None:
    assert "enum" in describe("schema-enum")
    assert describe("yaml-tag") == RULES["yaml-tag"]


def test_every_check_is_documented() -> None:
    from hubrails.core.certify.checks import CHECKS

    text = (data_dir() / "docs" / "checks.md").read_text(encoding="utf-8")
    for spec in CHECKS:
        assert f"## `{spec.id}` — {spec.title} ({spec.severity})" in text, spec.id
