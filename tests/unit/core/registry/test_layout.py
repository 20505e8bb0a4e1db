"""Which file of a registry holds which kind."""

from __future__ import annotations

import pytest

from hubrails.core.registry.layout import Location, classify


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("teams/sre.yaml", Location("Team", "sre")),
        ("tools/github.yaml", Location("Tool", "github")),
        ("pricing.yaml", Location("Pricing", "pricing")),
        ("skills/triage/skill.yaml", Location("Skill", "triage")),
        ("skills/triage/SKILL.md", Location("SkillDoc", "triage")),
        ("skills/triage/scripts/run.py", None),  # a skill's own files are not manifests
        ("spokes/sre/agents/bot.yaml", Location("Agent", "bot", "sre")),
        ("spokes/sre/skills/x/skill.yaml", Location("Skill", "x", "sre")),
        ("spokes/sre/teams/sre.yaml", Location("", "", unexpected=True)),  # not a spoke folder
        ("spokes/sre/pricing.yaml", Location("", "", unexpected=True)),
        ("agents/bot.yml", Location("", "", unexpected=True)),
        ("notes/README.md", None),
    ],
)
def test_classify(path: str, expected: Location | None) -> None:
    assert classify(tuple(path.split("/"))) == expected


def test_a_link_leading_outside_is_marked() -> None:
    assert classify(("tools", "")) == Location("", "", unexpected=True, link=True)
