"""SKILL.md against the Agent Skills rules: frontmatter, allowed keys, name and description."""

from __future__ import annotations

import pytest

from hubrails.core.registry.layout import Location
from hubrails.core.validate.reports import FileReport
from hubrails.core.validate.skill_md import analyse_skill_doc, split_frontmatter

PATH = "registry/skills/triage/SKILL.md"
GOOD = "---\nname: triage\ndescription: Sort incoming tickets.\n---\n# Triage\n\nSteps.\n"


def findings(text: str) -> list[tuple[str, int, int]]:
    report = analyse_skill_doc(FileReport(PATH), text, Location("SkillDoc", "triage", "sre"), 50)
    return [(f.rule, f.line, f.column) for f in report.findings]


def test_a_good_skill_doc_records_its_name_description_and_team() -> None:
    report = analyse_skill_doc(FileReport(PATH), GOOD, Location("SkillDoc", "triage", "sre"), 50)
    assert report.findings == []
    assert report.asset is not None
    assert (report.asset.name, report.asset.description, report.asset.team) == (
        "triage",
        "Sort incoming tickets.",
        "sre",
    )


def test_frontmatter_is_found_between_the_first_two_rules() -> None:
    assert split_frontmatter(GOOD) == ("name: triage\ndescription: Sort incoming tickets.\n", 1)
    assert split_frontmatter("# no frontmatter\n") is None
    assert split_frontmatter("---\nname: x\n") is None  # never closed
    assert findings("# Triage\n") == [("skill-md-frontmatter", 1, 1)]


def test_positions_are_those_of_the_file_not_of_the_frontmatter() -> None:
    assert findings(GOOD.replace("name: triage\n", "name: triage\nowner: sre\n")) == [
        ("skill-md-key", 3, 1)
    ]
    assert findings("---\nname: triage\ndescription: [x\n---\n")[0][:2] == ("yaml-syntax", 4)


@pytest.mark.parametrize(
    ("old", "new", "rule", "line"),
    [
        ("name: triage\n", "", "skill-md-name", 1),
        ("name: triage\n", "name: Triage_Bot\n", "skill-md-name", 2),
        ("name: triage\n", f"name: {'a' * 65}\n", "skill-md-name", 2),
        ("description: Sort incoming tickets.\n", "description: '  '\n", "skill-md-description", 3),
        (
            "description: Sort incoming tickets.\n",
            f"description: {'x' * 1025}\n",
            "skill-md-description",
            3,
        ),
        ("---\n#", "compatibility: 7\n---\n#", "skill-md-compatibility", 4),
        ("---\n#", "metadata:\n  version: 1.0\n---\n#", "skill-md-metadata", 4),
        ("---\n#", "license: [MIT]\n---\n#", "skill-md-license", 4),
        ("---\n#", "allowed-tools: [Bash]\n---\n#", "skill-md-allowed-tools", 4),
    ],
)
def test_each_rule_points_at_its_key(old: str, new: str, rule: str, line: int) -> None:
    text = GOOD.replace(old, new, 1)  # "---\n#" is the closing rule: a key added before it
    assert [(r, n) for r, n, _ in findings(text)] == [(rule, line)]
