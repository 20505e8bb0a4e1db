"""``validate``: the whole registry, or only what concerns the files asked about (their own
findings, those that involve them, and unresolved references), with the source line of each;
a spoke without its hub; the paths asked about (folders, links, what does not exist or lies
outside); the result's counts and whether the run fails."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hubrails.core.registry.config import HubConfig, load_config
from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.run import ValidationResult, _concerns, _unseen, validate
from hubrails.errors import HubError
from tests.helpers import copy_example, edit, write

GITHUB = "registry/tools/github.yaml"
JIRA = "registry/tools/jira.yaml"
TRIAGE = "registry/spokes/sre/agents/incident-triage.yaml"
USERS_OF_GITHUB = [
    "registry/skills/changelog-writer/skill.yaml",
    "registry/skills/pr-review/skill.yaml",
    "registry/skills/runbook-lookup/skill.yaml",
    "registry/spokes/growth/agents/release-notes.yaml",
    TRIAGE,
]


@pytest.fixture
def broken(registry: Path) -> HubConfig:
    """The example registry with three problems: a Tool version nobody's range accepts, an
    agent of a team that does not exist, and an unknown field."""
    edit(registry / GITHUB, '  version: "', '  version: "9')
    edit(registry / TRIAGE, "  team: sre\n", "  team: nobody\n")
    edit(registry / JIRA, "kind: Tool", "kind: Tool\nbogus: 1")
    return load_config(registry)


def where(result: ValidationResult) -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in result.findings]


def test_the_example_registry_is_clean(registry: Path) -> None:
    result = validate(load_config(registry))
    assert (result.findings, result.sources) == ([], {})
    assert result.files_checked == 48
    assert not result.failed(strict=True)


def test_a_whole_run_reports_every_finding_sorted_with_its_source_line(broken: HubConfig) -> None:
    result = validate(broken)
    assert result.findings == sorted(result.findings, key=Finding.sort_key)
    assert {("ref-version", p) for p in USERS_OF_GITHUB} <= set(where(result))
    assert ("ref-unresolved", TRIAGE) in where(result)
    assert ("spoke-team", TRIAGE) in where(result)
    assert ("schema-additional-properties", JIRA) in where(result)
    assert len(result.findings) == 8
    assert result.files_checked == 48
    assert result.sources[(JIRA, 4)] == "bogus: 1"
    assert result.sources[(TRIAGE, 6)] == "  team: nobody"
    assert validate(broken, use_cache=False) == result


def test_a_focused_run_reports_what_involves_the_file_and_unresolved_references(
    broken: HubConfig,
) -> None:
    result = validate(broken, [broken.root / GITHUB])
    assert where(result) == [
        *(("ref-version", p) for p in USERS_OF_GITHUB[:4]),
        ("ref-unresolved", TRIAGE),  # wherever it is: what a rename or removal leaves behind
        ("ref-version", TRIAGE),
    ]
    assert result.files_checked == 1
    # the other files' lines come from the cache: the focused run did not load them
    assert result.sources[("registry/skills/pr-review/skill.yaml", 13)] == "    - name: github"
    assert result.sources[(TRIAGE, 6)] == "  team: nobody"


def test_asking_about_hub_yaml_checks_everything(broken: HubConfig) -> None:
    result = validate(broken, [broken.root / "hub.yaml", broken.root / JIRA])
    assert result == validate(broken)


def test_a_folder_stands_for_the_files_in_it(broken: HubConfig) -> None:
    result = validate(broken, [broken.root / "registry" / "spokes" / "sre"])
    assert result.files_checked == 1
    assert [rule for rule, path in where(result) if path == TRIAGE] == [
        "ref-unresolved",
        "spoke-team",
        "ref-version",
    ]
    assert ("schema-additional-properties", JIRA) not in where(result)


def test_relative_paths_are_from_the_current_folder(broken: HubConfig) -> None:
    assert validate(broken, [Path(JIRA)]) == validate(broken, [broken.root / JIRA])


def test_a_file_that_is_no_registry_file_is_checked_as_none(broken: HubConfig) -> None:
    notes = broken.root / "registry" / "skills" / "pr-review" / "references" / "review-checklist.md"
    result = validate(broken, [notes])
    assert result.files_checked == 0
    assert [rule for rule, _ in where(result)] == ["ref-unresolved"]


def test_a_path_that_does_not_exist_is_an_error(broken: HubConfig) -> None:
    with pytest.raises(HubError) as caught:
        validate(broken, [Path("registry/tools/nope.yaml")])
    assert caught.value.message == "no such file or folder: registry/tools/nope.yaml"


def test_a_path_outside_the_repository_is_an_error(broken: HubConfig, tmp_path: Path) -> None:
    (tmp_path / "stray.yaml").write_text("a: 1\n", encoding="utf-8")
    with pytest.raises(HubError) as caught:
        validate(broken, [tmp_path / "stray.yaml"])
    assert caught.value.message == (
        f"{tmp_path / 'stray.yaml'} is outside the registry repository {broken.root.resolve()}"
    )


def test_a_link_is_asked_about_as_itself_not_its_target(broken: HubConfig) -> None:
    link = broken.root / "registry" / "tools" / "linked.yaml"
    link.symlink_to(broken.root / JIRA)
    result = validate(broken, [link])
    assert result.files_checked == 1
    linked = "registry/tools/linked.yaml"
    assert [rule for rule, path in where(result) if path == linked] == [
        "schema-additional-properties",
        "duplicate-name",
        "layout-name",
    ]
    assert ("schema-additional-properties", JIRA) not in where(result)
    assert ("duplicate-name", JIRA) in where(result)  # it involves the link


def test_without_a_writable_cache_a_focused_run_gives_the_same_findings(
    broken: HubConfig,
) -> None:
    expected = validate(broken, [broken.root / GITHUB], use_cache=False)
    shutil.rmtree(broken.root / ".hub")
    (broken.root / ".hub").write_text("a file where the cache folder belongs\n", encoding="utf-8")
    assert validate(broken, [broken.root / GITHUB]) == expected


def spoke(tmp_path: Path, text: str = "url: ../hub") -> HubConfig:
    """A spoke for team sre holding the example's incident-triage agent."""
    copy_example(tmp_path / "hub")
    root = tmp_path / "sre"
    write(
        root,
        {
            "hub.yaml": "apiVersion: hubrails/v1\nkind: HubConfig\nrole: spoke\n"
            f"team: sre\nhub:\n  {text}\n"
        },
    )
    (root / "registry" / "agents").mkdir(parents=True)
    shutil.move(tmp_path / "hub" / TRIAGE, root / "registry/agents/incident-triage.yaml")
    return load_config(root)


def test_a_spoke_checked_against_its_hub_resolves_the_hubs_assets(tmp_path: Path) -> None:
    config = spoke(tmp_path)
    hub = load_config(tmp_path / "hub")
    result = validate(config, hub=hub)
    assert (result.findings, result.files_checked) == ([], 1)
    edit(config.root / "registry/agents/incident-triage.yaml", "name: github", "name: gitlab")
    (finding,) = validate(config, hub=hub).findings
    assert (finding.rule, finding.path) == (
        "ref-unresolved",
        "registry/agents/incident-triage.yaml",
    )
    assert (finding.message, finding.hint) == (
        "spec.tools[1].name: no Tool named 'gitlab'",
        "did you mean 'github'?",
    )


def test_a_spoke_without_its_hub_warns_and_skips_the_hub_references(tmp_path: Path) -> None:
    config = spoke(tmp_path)
    result = validate(config, hub_problem="cannot reach it")
    assert result.findings == [
        Finding(
            "hub-unavailable",
            Severity.WARNING,
            "hub.yaml",
            1,
            1,
            "references to the hub's assets were not checked: cannot reach it",
            "check hub.url and hub.ref and your access to the hub, or pass --hub PATH to a "
            "checkout of it; --require-hub makes this an error",
        )
    ]
    assert not result.failed()
    assert result.failed(strict=True)
    default = validate(config).findings[0].message
    assert default.endswith("not checked: the hub is not available")


def test_unseen_files_are_registry_files_on_disk_that_the_walk_missed(broken: HubConfig) -> None:
    wanted = {JIRA, GITHUB, "registry/tools/gone.yaml", "registry/notes.txt", "elsewhere/x.yaml"}
    (broken.root / "registry" / "notes.txt").write_text("x\n", encoding="utf-8")
    assert _unseen(broken, wanted, [GITHUB]) == {JIRA}


def test_a_finding_concerns_its_file_the_files_it_involves_and_unresolved_references() -> None:
    def finding(rule: str, path: str, related: tuple[str, ...] = ()) -> Finding:
        return Finding(rule, Severity.ERROR, path, 1, 1, "m", related=related)

    assert _concerns(finding("schema", JIRA), {JIRA})
    assert not _concerns(finding("schema", JIRA), {GITHUB})
    assert _concerns(finding("ref-version", TRIAGE, (GITHUB,)), {GITHUB})
    assert _concerns(finding("ref-unresolved", TRIAGE), {GITHUB})
    assert not _concerns(finding("ref-model", TRIAGE), {GITHUB})


def test_counts_and_failure_by_severity() -> None:
    warning = Finding("w", Severity.WARNING, "a", 1, 1, "m")
    error = Finding("e", Severity.ERROR, "a", 1, 1, "m")
    assert ValidationResult().count(Severity.ERROR) == 0
    assert not ValidationResult().failed(strict=True)
    warned = ValidationResult([warning, warning])
    assert (warned.count(Severity.WARNING), warned.count(Severity.ERROR)) == (2, 0)
    assert not warned.failed()
    assert warned.failed(strict=True)
    assert ValidationResult([warning, error]).failed()
