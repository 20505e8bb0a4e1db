"""The preconditions of a promotion: each refusal is a PromotionError with its reason code, a
message naming what is wrong, and a hint."""

from __future__ import annotations

import re

import pytest

from hubrails.core.promote.preconditions import (
    is_update,
    load_manifest,
    no_errors,
    prompts_in_hub,
    skill_manifest,
    tools_vetted,
)
from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.reports import Asset, FileReport, Ref
from hubrails.core.vcs.objects import Entry
from hubrails.errors import PromotionError

FOLDER = "registry/spokes/support/skills/triage"
HUB = "registry/skills/triage"
MANIFEST = f"{FOLDER}/skill.yaml"


def entry(path: str, mode: str = "100644", sha: str = "1" * 40) -> Entry:
    return Entry(mode, sha, path)


def manifest(team: str = "support", version: str = '"1.2.0"', extra: str = "") -> bytes:
    return (
        "apiVersion: hubrails/v1\nkind: Skill\nmetadata:\n  name: triage\n"
        f"  team: {team}\n  version: {version}\n{extra}spec: {{}}\n"
    ).encode()


# skill_manifest


def test_the_skill_manifest_is_found_among_plain_files() -> None:
    files = [entry(f"{FOLDER}/SKILL.md"), entry(MANIFEST, sha="2" * 40)]
    assert skill_manifest(FOLDER, files) == files[1]


@pytest.mark.parametrize(
    ("mode", "kind"), [("120000", "a symbolic link"), ("160000", "a git submodule")]
)
def test_a_link_or_submodule_in_the_skill_is_refused(mode: str, kind: str) -> None:
    files = [entry(MANIFEST), entry(f"{FOLDER}/references", mode)]
    with pytest.raises(PromotionError) as caught:
        skill_manifest(FOLDER, files)
    assert caught.value.code == "skill-link"
    assert caught.value.message == (
        f"{FOLDER}/references is {kind}: a promoted skill must be plain files"
    )
    assert "copy the files" in caught.value.hint


def test_a_skill_that_is_a_file_rather_than_a_folder_is_refused() -> None:
    with pytest.raises(PromotionError, match="is not a folder") as caught:
        skill_manifest(FOLDER, [entry(FOLDER)])
    assert caught.value.code == "skill-link"


@pytest.mark.parametrize(
    "files", [[], [entry(f"{FOLDER}/SKILL.md"), entry(f"{FOLDER}/sub/skill.yaml")]]
)
def test_a_skill_without_a_committed_manifest_is_refused(files: list[Entry]) -> None:
    with pytest.raises(PromotionError, match=f"^{re.escape(MANIFEST)} is not committed$") as caught:
        skill_manifest(FOLDER, files)
    assert caught.value.code == "skill-invalid"


# load_manifest


def test_a_manifest_of_the_team_loads_with_its_text() -> None:
    text, data = load_manifest(MANIFEST, manifest(), "support")
    assert text == manifest().decode()
    assert data["metadata"]["version"] == "1.2.0"


def test_a_manifest_that_does_not_parse_is_refused_at_its_line() -> None:
    with pytest.raises(PromotionError) as caught:
        load_manifest(MANIFEST, b"kind: Skill\nmetadata: [oops\n", "support")
    assert caught.value.code == "skill-invalid"
    assert caught.value.message.startswith(f"{MANIFEST}:")
    assert "the skill does not validate" in caught.value.message
    assert caught.value.hint


def test_a_manifest_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(PromotionError, match="the skill does not validate") as caught:
        load_manifest(MANIFEST, b"kind: Skill\nname: \xff\xfe\n", "support")
    assert caught.value.code == "skill-invalid"


@pytest.mark.parametrize(
    "data",
    [
        manifest(version="1.2"),  # a number, not a string
        b"kind: Skill\nmetadata: just text\n",
        b"kind: Skill\n",
    ],
)
def test_a_manifest_without_a_string_version_is_refused(data: bytes) -> None:
    with pytest.raises(PromotionError, match=r"metadata\.version is missing") as caught:
        load_manifest(MANIFEST, data, "support")
    assert caught.value.code == "skill-invalid"
    assert caught.value.hint == "run hub validate"


def test_a_manifest_of_another_team_is_refused() -> None:
    with pytest.raises(PromotionError) as caught:
        load_manifest(MANIFEST, manifest(team="sre"), "support")
    assert caught.value.code == "skill-team"
    assert caught.value.message == (
        f"{MANIFEST}: metadata.team is 'sre', but the skill lives in team 'support'"
    )


# is_update


def hub_skill(version: str, lineage: str = "support") -> dict[str, bytes]:
    extra = f"  promoted_from: {{team: {lineage}, version: x, commit: y}}\n" if lineage else ""
    return {"9" * 40: manifest(team="platform", version=f'"{version}"', extra=extra)}


def existing() -> list[Entry]:
    return [entry(f"{HUB}/SKILL.md", sha="8" * 40), entry(f"{HUB}/skill.yaml", sha="9" * 40)]


def test_nothing_in_the_hub_folder_is_a_first_promotion() -> None:
    assert is_update([], dict[str, bytes]().__getitem__, "support", HUB, "1.0.0") is False


def test_a_higher_version_of_the_teams_earlier_promotion_is_an_update() -> None:
    assert is_update(existing(), hub_skill("1.1.0").__getitem__, "support", HUB, "1.2.0")


@pytest.mark.parametrize("version", ["1.1.0", "1.0.0", "not-semver"])
def test_the_same_or_a_lower_version_is_refused_with_a_bump_hint(version: str) -> None:
    with pytest.raises(PromotionError) as caught:
        is_update(existing(), hub_skill("1.1.0").__getitem__, "support", HUB, version)
    assert caught.value.code == "name-collision"
    assert caught.value.message == (
        f"the hub library already has a skill 'triage' ({HUB}/, version 1.1.0) "
        "and this version is not higher"
    )
    assert caught.value.hint == "bump metadata.version to update it"


@pytest.mark.parametrize("lineage", ["sre", ""])
def test_a_skill_promoted_by_another_team_or_made_in_the_hub_is_a_collision(lineage: str) -> None:
    with pytest.raises(PromotionError) as caught:
        is_update(existing(), hub_skill("1.0.0", lineage).__getitem__, "support", HUB, "9.0.0")
    assert caught.value.code == "name-collision"
    assert caught.value.message.endswith(", promoted from elsewhere or hub-made")
    assert caught.value.hint == "rename the skill, or reuse the hub's"


@pytest.mark.parametrize(
    "files",
    [
        [entry(f"{HUB}/SKILL.md")],  # no manifest at all
        [entry(f"{HUB}/skill.yaml", sha="7" * 40)],  # a manifest that does not parse
    ],
)
def test_a_hub_folder_without_a_readable_manifest_is_a_collision(files: list[Entry]) -> None:
    blobs = {"7" * 40: b"metadata: [broken\n"}
    with pytest.raises(PromotionError, match=r"\(registry/skills/triage/, version None\)"):
        is_update(files, blobs.__getitem__, "support", HUB, "1.0.0")


# tools_vetted


def tool_report(name: str, status: str = "vetted") -> tuple[FileReport, bytes]:
    path = f"registry/tools/{name}.yaml"
    asset = Asset("Tool", name, 1, 1, team="platform", status=status)
    text = f"kind: Tool\nmetadata: {{name: {name}}}\nspec: {{status: {status}, risk: low}}\n"
    return FileReport(path, asset=asset), text.encode()


def skill_needing(*tools: str) -> dict[str, object]:
    return {"spec": {"tools": [{"name": t} for t in tools]}}


def test_tools_that_are_all_vetted_pass() -> None:
    report, data = tool_report("github")
    tools_vetted(skill_needing("github"), [report], lambda ps: dict.fromkeys(ps, data))


def test_a_proposed_or_missing_tool_is_refused_naming_each_with_its_status() -> None:
    vetted, vetted_data = tool_report("github")
    proposed, proposed_data = tool_report("shell", "proposed")
    blobs = {vetted.path: vetted_data, proposed.path: proposed_data}

    def read(paths: object) -> dict[str, bytes | None]:
        return {p: blobs[p] for p in paths}  # type: ignore[attr-defined]

    with pytest.raises(PromotionError) as caught:
        tools_vetted(skill_needing("github", "shell", "telepathy"), [vetted, proposed], read)
    assert caught.value.code == "tool-not-vetted"
    assert caught.value.message == (
        "the skill needs tools that are not vetted in the hub catalog: "
        "'shell' (proposed), 'telepathy' (missing)"
    )


def test_a_skill_without_tools_needs_nothing_vetted() -> None:
    tools_vetted({"spec": {}}, [], lambda ps: {})


# prompts_in_hub

SKILL_PATH = "registry/skills/triage/skill.yaml"


def prompt(path: str, name: str = "reply") -> FileReport:
    return FileReport(path, asset=Asset("Prompt", name, 1, 1))


def using(*refs: Ref) -> FileReport:
    return FileReport(SKILL_PATH, asset=Asset("Skill", "triage", 1, 1), refs=list(refs))


REF = Ref("Prompt", "reply", "spec.prompts[0]", 5, 3)


def test_a_prompt_only_a_spoke_has_is_refused() -> None:
    reports = [using(REF), prompt("registry/spokes/support/prompts/reply.yaml")]
    with pytest.raises(PromotionError) as caught:
        prompts_in_hub(reports, SKILL_PATH, "registry/spokes/")
    assert caught.value.code == "prompt-not-in-hub"
    assert caught.value.message == (
        "the skill uses the prompt 'reply', which is a spoke's "
        "(registry/spokes/support/prompts/reply.yaml)"
    )


@pytest.mark.parametrize(
    "homes",
    [
        ["registry/prompts/reply.yaml"],
        ["registry/spokes/support/prompts/reply.yaml", "registry/prompts/reply.yaml"],
        [],  # unknown prompt: validation reports it, not this check
    ],
)
def test_a_prompt_the_hub_has_or_an_unknown_one_passes(homes: list[str]) -> None:
    prompts_in_hub([using(REF), *map(prompt, homes)], SKILL_PATH, "registry/spokes/")


def test_only_prompt_references_count_and_a_missing_skill_report_is_no_refusal() -> None:
    tool_ref = Ref("Tool", "reply", "spec.tools[0]", 5, 3)
    spoke_prompt = prompt("registry/spokes/support/prompts/reply.yaml")
    prompts_in_hub([using(tool_ref), spoke_prompt], SKILL_PATH, "registry/spokes/")
    prompts_in_hub([spoke_prompt], SKILL_PATH, "registry/spokes/")


# no_errors


def finding(path: str, rule: str = "r", severity: Severity = Severity.ERROR) -> Finding:
    return Finding(rule, severity, path, 3, 4, f"{rule} went wrong")


def test_warnings_only_are_no_refusal() -> None:
    no_errors([finding(f"{HUB}/skill.yaml", severity=Severity.WARNING)], HUB, FOLDER)
    no_errors([], HUB, FOLDER)


def test_an_error_in_the_skills_files_is_the_skills_and_names_its_source_folder() -> None:
    findings = [
        finding("registry/agents/a.yaml", "other"),
        finding(f"{HUB}/skill.yaml", "mine"),
        finding(f"{HUB}/skill.yaml", "mine"),  # the same finding twice is listed once
    ]
    with pytest.raises(PromotionError) as caught:
        no_errors(findings, HUB, FOLDER)
    assert caught.value.code == "skill-invalid"
    assert caught.value.message == (
        f"the skill does not validate in the hub: {HUB}/skill.yaml:3:4: mine: mine went wrong"
    )
    assert caught.value.hint == f"fix {FOLDER}/ (run hub validate), commit, and promote again"
    assert caught.value.details == [
        "registry/agents/a.yaml:3:4: other: other went wrong",
        f"{HUB}/skill.yaml:3:4: mine: mine went wrong",
    ]


def test_an_error_elsewhere_is_the_hubs() -> None:
    findings = [finding("registry/skills/triage-two/skill.yaml"), finding("registry/a.yaml")]
    with pytest.raises(PromotionError) as caught:
        no_errors(findings, HUB, FOLDER)
    assert caught.value.code == "hub-invalid"
    assert caught.value.message == (
        "the hub registry would not validate on the promotion branch: "
        "registry/a.yaml:3:4: r: r went wrong"
    )
    assert len(caught.value.details) == 2
