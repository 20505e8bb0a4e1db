"""Semantic versions, npm-style ranges, and the verdicts the index cache keeps."""

from __future__ import annotations

import pytest

from hubrails.core.registry.versions import Verdicts, matches


@pytest.mark.parametrize(
    ("version_range", "version", "expected"),
    [
        ("^1.2.0", "1.9.3", True),
        ("^1.2.0", "2.0.0", False),
        ("~1.2", "1.2.9", True),
        ("~1.2", "1.3.0", False),
        (">=1 <2", "1.5.0", True),
        ("1.x", "2.0.0", False),
        ("not a range!", "1.0.0", None),
        ("^1.0.0", "one", None),
    ],
)
def test_matches(version_range: str, version: str, expected: bool | None) -> None:
    assert matches(version_range, version) is expected


def test_verdicts_answer_from_what_they_know_and_say_when_they_learned() -> None:
    verdicts = Verdicts({"v1.0.0": False})  # a stored answer wins, even a wrong one
    assert verdicts.is_version("1.0.0") is False and not verdicts.learned
    assert verdicts.is_range("^2") is True and verdicts.learned
    assert verdicts.matches("^2", "2.1.0") is True
    assert Verdicts(verdicts.known).matches("^2", "2.1.0") is True
    assert verdicts.known["m^2\x002.1.0"] is True
