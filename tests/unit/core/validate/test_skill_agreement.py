"""A skill's two files agree: skill.yaml without a SKILL.md beside it is an error, and so is a
name or description that differs between them (the hint quoting SKILL.md, clipped)."""

from __future__ import annotations

from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.asset_index import Index
from hubrails.core.validate.reports import Asset, FileReport
from hubrails.core.validate.skill_agreement import skill_docs

FOLDER = "registry/skills/pr-review"
YAML, DOC = f"{FOLDER}/skill.yaml", f"{FOLDER}/SKILL.md"


def skill(name: str = "pr-review", description: str | None = "Reviews PRs.") -> FileReport:
    return FileReport(YAML, asset=Asset("Skill", name, 3, 5, description=description))


def doc(
    name: str = "pr-review", description: str | None = "Reviews PRs.", path: str = DOC
) -> FileReport:
    return FileReport(path, asset=Asset("SkillDoc", name, 2, 1, description=description))


def check(*reports: FileReport, index: Index | None = None) -> list[Finding]:
    return skill_docs(list(reports), index or Index(reports))


def test_a_skill_whose_files_agree_is_fine() -> None:
    assert check(skill(), doc()) == []


def test_a_skill_without_skill_md_is_an_error_at_its_asset() -> None:
    assert check(skill()) == [
        Finding(
            "skill-md-missing",
            Severity.ERROR,
            YAML,
            3,
            5,
            "the skill has no SKILL.md beside skill.yaml",
            "write the agent-facing instructions in SKILL.md",
        )
    ]


def test_a_skill_md_in_another_folder_does_not_count() -> None:
    elsewhere = doc(path="registry/skills/other/SKILL.md")
    assert [f.rule for f in check(skill(), elsewhere)] == ["skill-md-missing"]


def test_a_skill_md_known_only_to_the_index_counts() -> None:
    """In a focused run the SKILL.md beside the file is not among the reports being checked."""
    index = Index([skill(), doc()])
    assert check(skill(), index=index) == []
    assert [f.rule for f in check(skill(), index=Index([skill()]))] == ["skill-md-missing"]


def test_a_name_that_differs_is_an_error_related_to_skill_md() -> None:
    (finding,) = check(skill(), doc(name="pr-reviewer"))
    assert (finding.rule, finding.path, finding.line, finding.column) == (
        "skill-md-mismatch",
        YAML,
        3,
        5,
    )
    assert finding.message == f"metadata.name differs from the name in {DOC}"
    assert finding.hint == "make them identical; SKILL.md says: pr-reviewer"
    assert finding.related == (DOC,)


def test_a_name_and_a_description_that_differ_are_two_errors() -> None:
    findings = check(skill(), doc(name="other", description="Something else."))
    assert [f.message for f in findings] == [
        f"metadata.name differs from the name in {DOC}",
        f"metadata.description differs from the description in {DOC}",
    ]


def test_a_description_missing_on_either_side_is_not_a_mismatch() -> None:
    assert check(skill(description=None), doc()) == []
    assert check(skill(), doc(description=None)) == []


def test_a_long_description_is_clipped_in_the_hint() -> None:
    long = "x" * 100
    (finding,) = check(skill(), doc(description=long))
    assert finding.hint == "make them identical; SKILL.md says: " + "x" * 79 + "…"
    (exact,) = check(skill(), doc(description="y" * 80))
    assert exact.hint.endswith(": " + "y" * 80)


def test_other_kinds_and_reports_without_an_asset_are_ignored() -> None:
    tool = FileReport("registry/tools/jira.yaml", asset=Asset("Tool", "jira", 1, 1))
    broken = FileReport(f"{FOLDER}/broken.yaml")
    assert check(tool, broken, doc()) == []
