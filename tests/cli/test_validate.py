"""``hub validate`` end to end: every bad input gives its rule id at the right line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import edit, imports_of, line_of, run_cli, write

TOOL = "registry/tools/stripe-refunds.yaml"
AGENT = "registry/spokes/billing-ops/agents/invoice-triage.yaml"
SKILL = "registry/skills/sql-report/skill.yaml"
SKILL_MD = "registry/skills/sql-report/SKILL.md"


def findings(*args: str) -> set[tuple[str, str, int]]:
    run = run_cli("validate", "--format", "json", *args)
    assert run.exit_code in (0, 1), run.stderr
    return run.rules()


def test_example_registry_is_clean(registry: Path) -> None:
    run = run_cli("validate")
    assert run.exit_code == 0, run.stdout
    assert "no findings" in run.stdout


def test_unknown_field_suggests_the_right_one(registry: Path) -> None:
    edit(registry / TOOL, "  risk: high\n", "  riks: high\n")
    run = run_cli("validate", TOOL, "--format", "json")
    assert run.exit_code == 1
    found = run.json()["findings"]
    unknown = next(f for f in found if f["rule"] == "schema-additional-properties")
    assert unknown["line"] == line_of(registry / TOOL, "riks:")
    assert unknown["column"] == 3
    assert "did you mean 'risk'" in unknown["hint"]
    missing = next(f for f in found if f["rule"] == "schema-required")
    assert "spec.risk" in missing["message"]


def test_enum_and_type_errors_point_at_the_value(registry: Path) -> None:
    edit(registry / TOOL, "  status: vetted\n", "  status: vettted\n")
    edit(registry / TOOL, "  scopes:\n", "  scopes: 3\n  unused_scopes:\n")
    assert ("schema-enum", TOOL, line_of(registry / TOOL, "vettted")) in findings(TOOL)
    assert ("schema-type", TOOL, line_of(registry / TOOL, "scopes: 3")) in findings(TOOL)


@pytest.mark.parametrize(
    ("old", "new", "quoted"),
    [
        ('  version: "1.2.0"\n', "  version: 1.10\n", '"1.10"'),
        ("  vendor: Stripe\n", "  vendor: no\n", '"no"'),
        ("  vendor: Stripe\n", "  vendor: 2026-01-01\n", '"2026-01-01"'),
    ],
)
def test_yaml_implicit_types_ask_for_quotes(
    registry: Path, old: str, new: str, quoted: str
) -> None:
    edit(registry / TOOL, old, new)
    run = run_cli("validate", TOOL, "--format", "json")
    (finding,) = [f for f in run.json()["findings"] if f["rule"] == "yaml-implicit-type"]
    assert finding["line"] == line_of(registry / TOOL, new.strip())
    assert finding["hint"] == f"quote it: {quoted}"


@pytest.mark.parametrize(
    ("content", "rule", "line"),
    [
        ("apiVersion: hubrails/v1\nkind: Tool\nkind: Skill\n", "yaml-duplicate-key", 3),
        ("apiVersion: hubrails/v1\nkind: !!python/object:os.system Tool\n", "yaml-tag", 2),
        ("apiVersion: hubrails/v1\nkind: !Tool x\n", "yaml-tag", 2),
        ("apiVersion: hubrails/v1\n---\nkind: Tool\n", "yaml-multi-document", 2),
        ("- apiVersion: hubrails/v1\n", "yaml-not-mapping", 1),
        ("apiVersion: [hubrails\nkind: Tool\n", "yaml-syntax", 2),
        (b"apiVersion: hubrails/v1\nkind: T\xffol\n", "file-encoding", 2),
    ],
)
def test_unsafe_yaml_is_refused_with_location(
    registry: Path, content: str | bytes, rule: str, line: int
) -> None:
    write(registry, {TOOL: content})
    assert (rule, TOOL, line) in findings(TOOL)


def test_billion_laughs_is_refused(registry: Path) -> None:
    lines = ['apiVersion: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    write(registry, {TOOL: "\n".join(lines) + "\n"})
    assert {r for r, path, _ in findings(TOOL) if path == TOOL} == {"yaml-alias-limit"}


def test_size_limit_comes_from_hub_yaml(registry: Path) -> None:
    edit(registry / "hub.yaml", "  max_file_bytes: 1048576", "  max_file_bytes: 1000")
    assert ("file-too-large", TOOL, 1) in findings(TOOL)


def test_symlink_leading_outside_is_refused(registry: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    shutil.copy(registry / TOOL, outside)
    (registry / TOOL).unlink()
    (registry / TOOL).symlink_to(outside)
    assert ("symlink-outside", TOOL, 1) in findings()


def test_name_and_kind_must_match_the_layout(registry: Path) -> None:
    edit(registry / TOOL, "  name: stripe-refunds\n", "  name: stripe\n")
    edit(registry / TOOL, "kind: Tool\n", "kind: Prompt\n")
    found = findings(TOOL)
    assert ("layout-name", TOOL, line_of(registry / TOOL, "name: stripe")) in found
    assert ("layout-kind", TOOL, line_of(registry / TOOL, "kind: Prompt")) in found


def test_unexpected_yaml_file_warns(registry: Path) -> None:
    write(registry, {"registry/tools/extra/notes.yaml": "a: 1\n"})
    run = run_cli("validate", "--format", "json")
    assert run.exit_code == 0
    assert ("layout-unexpected-file", "registry/tools/extra/notes.yaml", 1) in run.rules()
    assert run_cli("validate", "--strict").exit_code == 1


def test_spoke_cannot_define_assets_for_another_team(registry: Path) -> None:
    edit(registry / AGENT, "  team: billing-ops\n", "  team: support\n")
    assert ("spoke-team", AGENT, line_of(registry / AGENT, "team: support")) in findings(AGENT)


def test_duplicate_names_are_reported_on_each_file(registry: Path) -> None:
    copy = "registry/spokes/support/agents/invoice-triage.yaml"
    shutil.copy(registry / AGENT, registry / copy)
    edit(registry / copy, "  team: billing-ops\n", "  team: support\n")
    line = line_of(registry / AGENT, "name: invoice-triage")
    assert ("duplicate-name", AGENT, line) in findings(AGENT)
    assert ("duplicate-name", copy, line) in findings(copy)


def test_unresolved_references_and_versions(registry: Path) -> None:
    edit(registry / AGENT, "    - name: jira\n", "    - name: jirra\n")
    edit(registry / AGENT, '      version: "^1.0.0"\n', '      version: "^9.0.0"\n')
    edit(registry / AGENT, "        - create_refund\n", "        - create_refunds\n")
    found = findings(AGENT)
    assert ("ref-unresolved", AGENT, line_of(registry / AGENT, "name: jirra")) in found
    assert ("ref-version", AGENT, line_of(registry / AGENT, "name: sql-report")) in found
    assert ("ref-action", AGENT, line_of(registry / AGENT, "name: stripe-refunds")) in found
    lines = (registry / AGENT).read_text().splitlines()
    approval = lines.index("        - create_refund") + 1
    assert ("approval-unknown-action", AGENT, approval) in found


def test_unknown_team_and_bad_range(registry: Path) -> None:
    edit(registry / SKILL, "  team: platform\n", "  team: platfrom\n")
    edit(registry / SKILL, 'version: "^', 'version: "^^')
    found = findings(SKILL)
    assert ("ref-unresolved", SKILL, line_of(registry / SKILL, "team: platfrom")) in found
    assert any(rule in ("ref-range-invalid", "schema-pattern") for rule, _, _ in found)


def test_deprecated_warns_and_revoked_fails(registry: Path) -> None:
    edit(
        registry / AGENT,
        "  tools:\n",
        '  tools:\n    - name: legacy-wiki\n      version: "*"\n      actions: [search_pages]\n',
        1,
    )
    edit(
        registry / AGENT,
        "  tools:\n",
        '  tools:\n    - name: pastebin-share\n      version: "*"\n      actions: [create_paste]\n',
        1,
    )
    run = run_cli("validate", AGENT, "--format", "json")
    severities = {f["rule"]: f["severity"] for f in run.json()["findings"]}
    assert severities.get("ref-deprecated") == "warning", run.stdout
    assert severities.get("ref-revoked") == "error", run.stdout
    assert run.exit_code == 1


def test_warnings_pass_unless_strict(registry: Path) -> None:
    edit(registry / AGENT, "  model: claude-sonnet-4-5\n", "  model: gpt-imaginary\n")
    assert run_cli("validate", AGENT).exit_code == 0
    assert ("ref-model", AGENT, line_of(registry / AGENT, "gpt-imaginary")) in findings(AGENT)
    assert run_cli("validate", AGENT, "--strict").exit_code == 1


def test_exactly_one_platform_team(registry: Path) -> None:
    team = "registry/teams/sre.yaml"
    edit(registry / team, "  platform: false", "  platform: true")
    assert ("platform-team", team, line_of(registry / team, "name: sre")) in findings(team)
    edit(registry / team, "  platform: true", "  platform: false")
    edit(registry / "registry/teams/platform.yaml", "platform: true", "platform: false")
    assert any(rule == "platform-team" for rule, _, _ in findings())


def test_skill_md_rules(registry: Path) -> None:
    edit(registry / SKILL_MD, "---\nname:", "---\nversion: 1.0.0\nname:")
    found = findings(SKILL_MD)
    assert ("skill-md-key", SKILL_MD, 2) in found
    edit(registry / SKILL_MD, "description:", "description: Something else.\nx-old:", 1)
    assert any(rule == "skill-md-mismatch" for rule, _, _ in findings(SKILL_MD))
    (registry / SKILL_MD).unlink()
    assert any(rule == "skill-md-missing" for rule, _, _ in findings(SKILL))


def test_paths_mode_reports_what_a_change_breaks_elsewhere(registry: Path) -> None:
    edit(registry / TOOL, "    - name: create_refund\n", "    - name: issue_refund\n")
    run = run_cli("validate", TOOL, "--format", "json")
    assert run.exit_code == 1
    broken = [f for f in run.json()["findings"] if f["path"] == AGENT]
    assert broken and broken[0]["rule"] == "ref-action"
    assert TOOL in broken[0]["related"]


def test_paths_mode_ignores_files_outside_the_registry(registry: Path) -> None:
    write(registry, {"README.md": "# hello\n"})
    assert run_cli("validate", "README.md", "hub.yaml").exit_code == 0
    edit(registry / TOOL, "  risk: high\n", "  risk: extreme\n")  # a finding elsewhere
    run = run_cli("validate", "README.md", "--format", "json")
    assert (run.exit_code, run.json()["findings"]) == (0, [])
    assert run_cli("validate", "README.md", TOOL).exit_code == 1
    assert run_cli("validate", "README.md", "hub.yaml").exit_code == 1  # hub.yaml: every file


def test_cache_is_never_trusted_past_a_change(registry: Path) -> None:
    assert run_cli("validate").exit_code == 0
    assert (registry / ".hub" / "cache" / "index.sqlite").is_file()
    assert (registry / ".hub" / ".gitignore").read_text().strip().endswith("*")
    edit(registry / TOOL, "  risk: high\n", "  risk: extreme\n")
    assert ("schema-enum", TOOL, line_of(registry / TOOL, "extreme")) in findings()
    edit(registry / TOOL, "  risk: extreme\n", "  risk: high\n")
    assert run_cli("validate").exit_code == 0


def test_corrupt_cache_is_ignored(registry: Path) -> None:
    write(registry, {".hub/cache/index.sqlite": "{not json"})
    assert run_cli("validate").exit_code == 0
    write(registry, {".hub/cache/index.sqlite": '{"key": 1, "files": []}'})
    assert run_cli("validate").exit_code == 0
    assert run_cli("validate").exit_code == 0  # the cache rebuilt; now break a file it holds
    write(registry, {".hub/cache/index.sqlite": "{not json"})
    edit(registry / TOOL, "  risk: high\n", "  risk: extreme\n")
    assert ("schema-enum", TOOL, line_of(registry / TOOL, "extreme")) in findings()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "--bogus"], "No such option"),
        (["validate", "no/such/file.yaml"], "no such file"),
        (["validate", "--format", "xml"], "Invalid value"),
    ],
)
def test_wrong_invocation_exits_2(registry: Path, args: list[str], message: str) -> None:
    run = run_cli(*args)
    assert run.exit_code == 2
    assert message in run.stderr


def test_no_hub_yaml_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = run_cli("validate")
    assert run.exit_code == 2
    assert "no hub.yaml found" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("role: hub\nrole: spoke\n", "duplicate key"),
        ("apiVersion: hubrails/v1\nkind: HubConfig\nrole: satellite\n", "role"),
        (b"role: \xff\n", "UTF-8"),
    ],
)
def test_broken_hub_yaml_exits_2(registry: Path, content: str | bytes, expected: str) -> None:
    write(registry, {"hub.yaml": content})
    run = run_cli("validate")
    assert run.exit_code == 2
    assert expected in run.stderr
    assert "hub.yaml:" in run.stderr


def test_root_option(registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli("validate", "--root", str(registry)).exit_code == 0
    assert run_cli("validate", "--root", str(tmp_path)).exit_code == 2


def test_linked_folder_leading_outside_is_reported(registry: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    shutil.copytree(registry / "registry/skills/sql-report", outside)
    (registry / "registry/skills/linked").symlink_to(outside, target_is_directory=True)
    assert ("symlink-outside", "registry/skills/linked", 1) in findings()


def test_renaming_a_referenced_asset_is_caught_in_paths_mode(registry: Path) -> None:
    old = registry / "registry/prompts/pr-review.yaml"
    new = registry / "registry/prompts/pr-review-v2.yaml"
    old.rename(new)
    edit(new, "  name: pr-review\n", "  name: pr-review-v2\n")
    run = run_cli("validate", "registry/prompts/pr-review-v2.yaml", "--format", "json")
    assert run.exit_code == 1
    assert any(rule == "ref-unresolved" for rule, _, _ in run.rules())


def test_a_hub_yaml_change_validates_everything(registry: Path) -> None:
    edit(registry / "hub.yaml", "  max_file_bytes: 1048576", "  max_file_bytes: 300")
    run = run_cli("validate", "hub.yaml", "--format", "json")
    assert run.exit_code == 1
    assert run.json()["summary"]["files_checked"] > 40
    assert any(rule == "file-too-large" for rule, _, _ in run.rules())


def test_formats_are_checked(registry: Path) -> None:
    edit(registry / TOOL, "  homepage: https://docs.stripe.com/mcp\n", "  homepage: docs stripe\n")
    assert ("schema-format", TOOL, line_of(registry / TOOL, "homepage:")) in findings(TOOL)


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        (
            "registry/skills/changelog-writer/skill.yaml",
            "      actions:\n        - list_pull_requests\n        - list_commits\n",
            "      actions: true\n",
        ),
        (
            "registry/pricing.yaml",
            "      aliases:\n        - opus\n        - claude-opus-4-5-20251101\n",
            "      aliases: true\n",
        ),
    ],
)
def test_lists_given_as_true_are_a_finding(registry: Path, path: str, old: str, new: str) -> None:
    # Found by the fuzzer: `actions: true` in a skill's tool, `aliases: true` on a model, were
    # "'bool' object is not iterable" (exit 3).
    edit(registry / path, old, new)
    run = run_cli("validate", "--format", "json")
    assert run.exit_code == 1, run.stderr
    assert any(f["path"] == path for f in run.json()["findings"])
    assert run_cli("validate", path, "--format", "json").json()["findings"] == [
        f for f in run.json()["findings"] if f["path"] == path
    ]


def test_files_without_options_take_the_path_without_typer_and_say_the_same(
    registry: Path,
) -> None:
    """``hub validate FILE...`` (the pre-commit hook's form) runs without the option parser:
    the same report, exit code and errors as with an option that makes typer parse."""
    edit(registry / TOOL, "  risk: high\n", "  risk: extreme\n")
    plain, parsed = run_cli("validate", TOOL), run_cli("validate", "--format", "text", TOOL)
    assert (plain.exit_code, plain.stdout, plain.stderr) == (
        parsed.exit_code,
        parsed.stdout,
        parsed.stderr,
    )
    assert plain.exit_code == 1 and "schema-enum" in plain.stdout
    missing = run_cli("validate", "no/such/file.yaml")
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    done = imports_of(["validate", TOOL], ("typer", "click"), registry)
    assert (done.exit_code, done.loaded) == (1, [])
