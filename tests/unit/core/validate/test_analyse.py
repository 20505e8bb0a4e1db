"""One file analysed by itself: loaded by the one manifest loader, checked against its schema
and its place in the layout, with the lines its findings point at kept."""

from __future__ import annotations

import pytest

from hubrails.core.registry.layout import Location, classify
from hubrails.core.validate.analyse import analyse_file
from hubrails.core.validate.reports import FileReport
from hubrails.resources import data_dir

JIRA = (data_dir() / "registry/tools/jira.yaml").read_bytes()
SKILL_MD = (data_dir() / "registry/skills/sql-report/SKILL.md").read_bytes()


def analyse(rel: str, data: bytes, spoke_team: str | None = None) -> FileReport:
    location = classify(tuple(rel.split("/")))
    assert location is not None
    return analyse_file(
        f"registry/{rel}", data, location, spoke_team=spoke_team, max_alias_nodes=100
    )


def rules(report: FileReport) -> list[tuple[str, int]]:
    return [(f.rule, f.line) for f in report.findings]


def test_a_good_tool_has_no_findings_and_gives_its_asset_and_references() -> None:
    report = analyse("tools/jira.yaml", JIRA)
    assert rules(report) == []
    assert report.asset is not None
    assert (report.asset.kind, report.asset.name, report.asset.team) == ("Tool", "jira", "platform")
    assert (report.asset.version, report.asset.status) == ("1.3.0", "vetted")


def test_a_file_where_no_manifest_belongs_is_not_parsed() -> None:
    report = analyse("notes/todo.yaml", b"key: [broken\n")
    assert rules(report) == [("layout-unexpected-file", 1)]
    assert report.asset is None
    assert report.lines == {1: "key: [broken"}


def test_a_load_error_is_a_finding_at_its_place_with_its_line_kept() -> None:
    broken = JIRA.replace(b"  risk: medium\n", b"  risk: [medium\n")
    report = analyse("tools/jira.yaml", broken)
    assert [f.rule for f in report.findings] == ["yaml-syntax"]
    line = report.findings[0].line
    assert report.lines[line] == broken.decode().splitlines()[line - 1]
    assert report.asset is None


def test_bad_utf8_is_reported_and_its_line_shown_with_the_byte_replaced() -> None:
    report = analyse("tools/jira.yaml", JIRA.replace(b"Atlassian\n", b"Atlas\xffsian\n", 1))
    finding = report.findings[0]
    assert (finding.rule, len(report.findings)) == ("file-encoding", 1)
    assert "\ufffd" in report.lines[finding.line]


def test_the_layout_is_checked_against_the_manifest() -> None:
    renamed = analyse("tools/jira-cloud.yaml", JIRA)
    assert rules(renamed) == [("layout-name", 5)]
    misplaced = analyse("prompts/jira.yaml", JIRA)
    assert ("layout-kind", 3) in rules(misplaced)
    other_team = analyse("spokes/sre/agents/x.yaml", b"kind: Agent\nmetadata:\n  team: growth\n")
    assert ("spoke-team", 3) in rules(other_team)


def test_a_spoke_repository_owns_its_files_for_its_team() -> None:
    agent = b"apiVersion: hubrails/v1\nkind: Agent\nmetadata:\n  name: x\n  team: growth\n"
    assert ("spoke-team", 5) in rules(analyse("agents/x.yaml", agent, spoke_team="sre"))
    assert "spoke-team" not in {r for r, _ in rules(analyse("agents/x.yaml", agent))}


def test_duplicate_action_names_point_at_the_second() -> None:
    doubled = JIRA.replace(
        b"  actions:\n", b"  actions:\n    - name: search_issues\n      description: again\n", 1
    )
    found = [
        f for f in analyse("tools/jira.yaml", doubled).findings if f.rule == "tool-duplicate-name"
    ]
    assert len(found) == 1
    assert "first at line" in found[0].message


def test_a_skill_doc_is_front_matter_and_markdown_not_one_yaml_mapping() -> None:
    report = analyse("skills/sql-report/SKILL.md", SKILL_MD)
    assert rules(report) == []
    assert report.asset is not None and report.asset.kind == "SkillDoc"
    unclosed = analyse("skills/sql-report/SKILL.md", b"---\nname: [x\n---\nbody\n")
    assert [f.rule for f in unclosed.findings][:1] == ["yaml-syntax"]


@pytest.mark.parametrize("kind", [Location("Tool", "jira"), Location("Team", "jira")])
def test_an_empty_file_is_not_a_manifest(kind: Location) -> None:
    report = analyse_file("registry/x.yaml", b"", kind, spoke_team=None, max_alias_nodes=100)
    assert rules(report) == [("yaml-not-mapping", 1)]
