"""Which file of a registry holds which kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubrails.core.registry.layout import Location, classify, manifest_path, manifests_of


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


@pytest.mark.parametrize(
    ("kind", "name", "team", "path"),
    [
        ("Tool", "github", None, "tools/github.yaml"),
        ("Team", "sre", None, "teams/sre.yaml"),
        ("Pricing", "pricing", None, "pricing.yaml"),
        ("Skill", "triage", None, "skills/triage/skill.yaml"),
        ("Skill", "triage", "sre", "spokes/sre/skills/triage/skill.yaml"),
        ("Agent", "bot", "sre", "spokes/sre/agents/bot.yaml"),
        ("Guardrail", "pii", None, "guardrails/pii.yaml"),
    ],
)
def test_manifest_path_is_where_classify_expects_it(
    kind: str, name: str, team: str | None, path: str
) -> None:
    assert manifest_path(kind, name, team) == path
    assert classify(tuple(path.split("/"))) == Location(kind, name, team)


def test_manifests_of_lists_the_shared_folder_then_each_team(tmp_path: Path) -> None:
    for rel in [
        "agents/a.yaml",
        "agents/notes.txt",
        "spokes/sre/agents/b.yaml",
        "spokes/data/agents/c.yaml",
        "spokes/data/guardrails/g.yaml",
        "guardrails/h.yaml",
        "skills/s/skill.yaml",
        "spokes/sre/skills/t/SKILL.md",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x: 1\n", encoding="utf-8")
    assert manifests_of(tmp_path, "Agent") == [
        "agents/a.yaml",
        "spokes/data/agents/c.yaml",
        "spokes/sre/agents/b.yaml",
    ]
    assert manifests_of(tmp_path, "Guardrail", ["sre"]) == ["guardrails/h.yaml"]
    assert manifests_of(tmp_path, "Guardrail", ["data"]) == [
        "guardrails/h.yaml",
        "spokes/data/guardrails/g.yaml",
    ]
    # a skill is its folder, listed whether or not its manifest is there yet
    assert manifests_of(tmp_path, "Skill") == [
        "skills/s/skill.yaml",
        "spokes/sre/skills/t/skill.yaml",
    ]
    assert manifests_of(tmp_path, "Team") == []  # teams have no spoke folder, and none here
    assert manifests_of(tmp_path / "missing", "Tool") == []
