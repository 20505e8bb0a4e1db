"""Cross-file rules on reports built by hand: references resolve to an asset, a version in
range, an active status and the actions named; each finding lands on the file that must change."""

from __future__ import annotations

from hubrails.core.validate.references import cross_check
from hubrails.core.validate.reports import Asset, FileReport, Ref

TOOL = "registry/tools/jira.yaml"
AGENT = "registry/agents/bot.yaml"


def tool(version: str = "1.3.0", status: str = "vetted", path: str = TOOL) -> FileReport:
    asset = Asset("Tool", "jira", 5, 9, "platform", version, status=status,
                  provides=("search", "comment"))  # fmt: skip
    return FileReport(path, asset=asset)


def agent(*refs: Ref) -> FileReport:
    return FileReport(AGENT, asset=Asset("Agent", "bot", 5, 9, "sre"), refs=list(refs))


def use(version: str | None = "^1.0.0", *actions: str, name: str = "jira") -> Ref:
    return Ref("Tool", name, "spec.tools[0]", 12, 7, version, actions)


def found(reports: list[FileReport], **kwargs: object) -> list[tuple[str, str, int]]:
    return sorted((f.rule, f.path, f.line) for f in cross_check(reports, **kwargs))  # type: ignore[arg-type]


def test_a_reference_in_range_to_an_active_tool_is_clean() -> None:
    assert found([tool(), agent(use("^1.0.0", "search"))]) == []


def test_an_unknown_name_is_reported_on_the_referring_file_with_a_suggestion() -> None:
    findings = cross_check([tool(), agent(use(name="jiraa"))])
    assert [(f.rule, f.path, f.line, f.column) for f in findings] == [
        ("ref-unresolved", AGENT, 12, 7)
    ]
    assert findings[0].hint == "did you mean 'jira'?"


def test_versions_ranges_statuses_and_actions() -> None:
    assert found([tool(), agent(use("^2.0.0"))]) == [("ref-version", AGENT, 12)]
    assert found([tool(), agent(use("not a range"))]) == [("ref-range-invalid", AGENT, 12)]
    assert found([tool(status="deprecated"), agent(use())]) == [("ref-deprecated", AGENT, 12)]
    assert found([tool(status="revoked"), agent(use())]) == [("ref-revoked", AGENT, 12)]
    assert found([tool(), agent(use("^1.0.0", "delete"))]) == [("ref-action", AGENT, 12)]


def test_a_version_that_matches_one_of_two_definitions_resolves() -> None:
    reports = [tool("1.3.0"), tool("2.0.0", path="registry/spokes/sre/tools/jira.yaml")]
    assert ("ref-version", AGENT, 12) not in found([*reports, agent(use("^2.0.0"))])


def test_a_name_defined_twice_is_a_duplicate() -> None:
    reports = [tool(), tool(path="registry/tools/jira-copy.yaml")]
    assert {rule for rule, _, _ in found(reports)} == {"duplicate-name"}


def test_a_spoke_resolves_against_the_hubs_assets() -> None:
    assert found([agent(use())], hub=[tool()]) == []
    assert found([agent(use())], hub=[]) == [("ref-unresolved", AGENT, 12)]


def test_a_focused_run_resolves_only_what_can_concern_its_files() -> None:
    other = FileReport("registry/agents/other.yaml", refs=[use("^9.0.0")])
    reports = [tool(), agent(use()), other]
    assert found(reports) == [("ref-version", "registry/agents/other.yaml", 12)]
    assert found(reports, focus={AGENT}) == []  # other's broken range is not about bot.yaml
    assert found(reports, focus={TOOL}) == [("ref-version", "registry/agents/other.yaml", 12)]


def test_models_are_checked_against_the_pricing_table_only_when_there_is_one() -> None:
    model = Ref("Model", "gpt-9", "spec.model", 8, 10)
    pricing = FileReport(
        "registry/pricing.yaml", asset=Asset("Pricing", "pricing", 3, 7, provides=("gpt-5",))
    )
    assert found([agent(model)]) == []
    assert found([pricing, agent(model)]) == [("ref-model", AGENT, 8)]
