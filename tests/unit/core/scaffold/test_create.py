"""The files of a new registry (``hub init``: a hub, a spoke, the example; the hook and CI pins)
and of a new manifest (``hub new``: where each kind belongs, its schema modeline, a skill's
SKILL.md). Plans are written with the real ``write_new`` and validated with the real
``validate`` where it matters that they are valid at once."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hubrails.core.registry import layout
from hubrails.core.registry.config import load_config
from hubrails.core.registry.findings import Severity
from hubrails.core.scaffold.create import (
    HUB_FOLDERS,
    PRE_COMMIT_LOCAL,
    SCHEMA_URL,
    SPOKE_FOLDERS,
    Plan,
    init_plan,
    manifest_path,
    new_plan,
    schema_files,
    schema_ref,
)
from hubrails.core.scaffold.pins import Pins
from hubrails.core.scaffold.write import write_new
from hubrails.core.validate.run import validate
from hubrails.errors import HubError
from hubrails.resources import data_dir, schemas_dir

PINNED = Pins("https://git.example.com/hubrails", "v1.2.3", "hubrails==1.2.3")
LOCAL = Pins(None, None, "hubrails==1.2.3", "installed from a folder CI cannot reach")


def text(plan: Plan, rel: str) -> str:
    value = plan[rel]
    assert isinstance(value, str)
    return value


def written(tmp_path: Path, plan: Plan) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    write_new(root, plan)
    return root


def test_a_new_hub_has_its_folders_platform_team_pricing_and_workflows() -> None:
    plan = init_plan(role="hub", team="platform", pins=PINNED)
    assert {f"registry/{f}/.gitkeep" for f in HUB_FOLDERS} <= plan.keys()
    assert {
        "hub.yaml",
        "registry/teams/platform.yaml",
        "registry/pricing.yaml",
        ".pre-commit-config.yaml",
        ".github/workflows/hub.yaml",
        ".github/workflows/mcp-verify.yaml",
        ".github/CODEOWNERS",
        ".gitignore",
    } <= plan.keys()
    assert plan[".github/CODEOWNERS"] == ""
    assert ".hub/" in text(plan, ".gitignore").splitlines()


def test_a_new_hub_is_valid_at_once_but_for_its_placeholders(tmp_path: Path) -> None:
    root = written(tmp_path, init_plan(role="hub", team="platform", pins=PINNED))
    config = load_config(root)
    assert (config.role, config.registry) == ("hub", "registry")
    result = validate(config)
    assert result.files_checked == 2
    assert {(f.rule, f.severity) for f in result.findings} == {("placeholder", Severity.WARNING)}


def test_the_platform_team_gets_the_owners_and_email_given_and_owns_pricing() -> None:
    plan = init_plan(
        role="hub",
        team="infra",
        owners=("@acme/infra", "@lead"),
        email="infra@acme.dev",
        pins=PINNED,
    )
    team = yaml.safe_load(text(plan, "registry/teams/infra.yaml"))
    assert team["spec"]["owners"] == ["@acme/infra", "@lead"]
    assert team["spec"]["contact"]["email"] == "infra@acme.dev"
    assert team["spec"]["platform"] is True
    assert yaml.safe_load(text(plan, "registry/pricing.yaml"))["metadata"]["team"] == "infra"


def test_without_owners_the_platform_team_gets_placeholders() -> None:
    team = yaml.safe_load(
        text(init_plan(role="hub", team="infra", pins=PINNED), "registry/teams/infra.yaml")
    )
    assert team["spec"]["owners"] == ["@your-org/infra"]
    assert team["spec"]["contact"]["email"] == "infra@example.com"


def test_a_new_spoke_names_its_team_and_hub_and_requires_the_hub_in_ci(tmp_path: Path) -> None:
    plan = init_plan(
        role="spoke",
        team="sre",
        hub_url="git@example.com:acme/hub.git",
        hub_ref="trunk",
        pins=PINNED,
    )
    assert {f"registry/{f}/.gitkeep" for f in SPOKE_FOLDERS} <= plan.keys()
    assert not any(k.startswith("registry/teams") for k in plan)
    assert ".github/CODEOWNERS" not in plan
    assert ".github/workflows/mcp-verify.yaml" not in plan
    workflow = yaml.safe_load(text(plan, ".github/workflows/hub.yaml"))
    runs = [step.get("run") for step in workflow["jobs"]["hub"]["steps"]]
    assert "hub validate --format github --require-hub" in runs
    assert "hub codeowners --check" not in runs
    config = load_config(written(tmp_path, plan))
    assert (config.role, config.team, config.hub_url, config.hub_ref) == (
        "spoke",
        "sre",
        "git@example.com:acme/hub.git",
        "trunk",
    )


def test_a_hubs_ci_checks_codeowners_and_validates_without_requiring_a_hub() -> None:
    workflow = yaml.safe_load(
        text(init_plan(role="hub", team="platform", pins=PINNED), ".github/workflows/hub.yaml")
    )
    runs = [step.get("run") for step in workflow["jobs"]["hub"]["steps"]]
    assert runs[-3:] == [
        "hub validate --format github",
        "hub certify --all --verify",
        "hub codeowners --check",
    ]


def test_pinned_hooks_name_the_repository_and_rev() -> None:
    plan = init_plan(role="hub", team="platform", pins=PINNED)
    config = yaml.safe_load(text(plan, ".pre-commit-config.yaml"))
    assert config["repos"] == [
        {"repo": PINNED.hook_repo, "rev": "v1.2.3", "hooks": [{"id": "hub-validate"}]}
    ]
    workflow = yaml.safe_load(text(plan, ".github/workflows/hub.yaml"))
    (install,) = [
        s for s in workflow["jobs"]["hub"]["steps"] if s.get("name") == "Install hubrails"
    ]
    assert install["run"] == "pip install hubrails==1.2.3"


def test_a_local_install_gets_a_local_hook_and_the_caveat_in_ci() -> None:
    plan = init_plan(role="hub", team="platform", pins=LOCAL)
    assert plan[".pre-commit-config.yaml"] == PRE_COMMIT_LOCAL
    hook = yaml.safe_load(PRE_COMMIT_LOCAL)["repos"][0]["hooks"][0]
    assert (hook["entry"], hook["language"]) == ("hub validate", "system")
    for workflow in (".github/workflows/hub.yaml", ".github/workflows/mcp-verify.yaml"):
        assert f"        # {LOCAL.caveat}\n" in text(plan, workflow)
        yaml.safe_load(text(plan, workflow))


def test_an_install_spec_with_spaces_is_quoted_for_the_shell() -> None:
    pins = Pins(None, None, "hubrails @ git+https://x/h@main")
    workflow = yaml.safe_load(
        text(init_plan(role="hub", team="platform", pins=pins), ".github/workflows/hub.yaml")
    )
    (install,) = [
        s for s in workflow["jobs"]["hub"]["steps"] if s.get("name") == "Install hubrails"
    ]
    assert install["run"] == "pip install 'hubrails @ git+https://x/h@main'"


def test_the_example_hub_is_the_shipped_registry_byte_for_byte() -> None:
    plan = init_plan(role="hub", team="platform", example=True, pins=PINNED)
    base = data_dir() / "registry"
    shipped = {f"registry/{'/'.join(p)}": base.joinpath(*p).read_bytes() for p in layout.walk(base)}
    assert {k: v for k, v in plan.items() if k.startswith("registry/")} == shipped
    assert not any(k.endswith(".gitkeep") for k in plan)


def test_the_hub_yaml_quotes_the_hub_url() -> None:
    plan = init_plan(role="spoke", team="sre", hub_url="https://x/hub.git#frag: x", pins=PINNED)
    assert yaml.safe_load(text(plan, "hub.yaml"))["hub"]["url"] == "https://x/hub.git#frag: x"
    assert 'url: "https://x/hub.git#frag: x"' in text(plan, "hub.yaml")


def test_a_team_name_that_breaks_the_rules_is_refused() -> None:
    with pytest.raises(HubError) as caught:
        init_plan(role="hub", team="Platform_Team", pins=PINNED)
    assert caught.value.message == "'Platform_Team' is not a valid team name"


def test_schema_files_are_every_shipped_schema() -> None:
    files = schema_files()
    shipped = sorted(schemas_dir().glob("*.schema.json"))
    assert list(files) == [f"schemas/{p.name}" for p in shipped]
    assert files["schemas/hub-config.schema.json"] == (
        schemas_dir() / "hub-config.schema.json"
    ).read_text(encoding="utf-8")
    assert schema_files().keys() <= init_plan(role="hub", team="platform", pins=PINNED).keys()


def test_schema_ref_points_at_the_repositorys_copy_else_the_published_one(tmp_path: Path) -> None:
    rel = "registry/spokes/sre/agents/bot.yaml"
    assert schema_ref(tmp_path, rel, "Agent") == SCHEMA_URL + "agent.schema.json"
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "agent.schema.json").write_text("{}", encoding="utf-8")
    assert schema_ref(tmp_path, rel, "Agent") == "../../../../schemas/agent.schema.json"
    assert schema_ref(tmp_path, "registry/tools/x.yaml", "Tool") == SCHEMA_URL + "tool.schema.json"


@pytest.mark.parametrize(
    ("role", "kind", "team", "expected"),
    [
        ("hub", "Tool", "sre", "registry/tools/x.yaml"),  # the hub's own, whoever asks
        ("hub", "Team", None, "registry/teams/x.yaml"),
        ("hub", "Waiver", "sre", "registry/waivers/x.yaml"),
        ("hub", "Agent", "platform", "registry/spokes/platform/agents/x.yaml"),  # always a team's
        ("hub", "Skill", "platform", "registry/skills/x/skill.yaml"),  # the platform's: library
        ("hub", "Skill", None, "registry/skills/x/skill.yaml"),
        ("hub", "Skill", "sre", "registry/spokes/sre/skills/x/skill.yaml"),
        ("hub", "Prompt", "sre", "registry/spokes/sre/prompts/x.yaml"),
        ("hub", "Guardrail", "platform", "registry/guardrails/x.yaml"),
        ("spoke", "Agent", "sre", "registry/agents/x.yaml"),
        ("spoke", "Skill", "sre", "registry/skills/x/skill.yaml"),
    ],
)
def test_each_kind_belongs_where_the_layout_says(
    role: str, kind: str, team: str | None, expected: str
) -> None:
    assert manifest_path(role, kind, "x", team, "platform") == expected


@pytest.mark.parametrize("kind", ["Tool", "Team", "Waiver"])
def test_a_spoke_cannot_hold_the_hubs_own_kinds(kind: str) -> None:
    with pytest.raises(HubError) as caught:
        manifest_path("spoke", kind, "x", "sre", None)
    assert caught.value.message == f"a {kind} belongs in the hub repository, not in a spoke"
    assert "platform team" in caught.value.hint


def test_a_new_skill_has_a_skill_md_that_agrees_with_it(tmp_path: Path) -> None:
    root = written(tmp_path, init_plan(role="hub", team="platform", pins=PINNED))
    plan = new_plan(
        root, "hub", "Skill", "log-search", team="platform", description=None,
        platform_team="platform", model="sonnet",
    )  # fmt: skip
    assert list(plan) == [
        "registry/skills/log-search/skill.yaml",
        "registry/skills/log-search/SKILL.md",
    ]
    manifest = yaml.safe_load(text(plan, "registry/skills/log-search/skill.yaml"))
    assert manifest["metadata"]["description"] == (
        "Describe what log-search does, in one or two sentences."
    )
    assert text(plan, "registry/skills/log-search/skill.yaml").startswith(
        "# yaml-language-server: $schema=../../../schemas/skill.schema.json\n"
    )
    write_new(root, plan)
    result = validate(load_config(root))
    assert {f.rule for f in result.findings} == {"placeholder"}  # the platform team's only
    assert result.files_checked == 4


def test_new_manifests_of_every_kind_are_valid_at_once(tmp_path: Path) -> None:
    root = written(tmp_path, init_plan(role="hub", team="platform", pins=PINNED))
    for kind in ("Tool", "Prompt", "Guardrail", "Agent", "Waiver"):
        plan = new_plan(
            root, "hub", kind, f"new-{kind.lower()}", team="platform", description="Does it.",
            platform_team="platform", model="sonnet",
        )  # fmt: skip
        write_new(root, plan)
    result = validate(load_config(root))
    assert {f.rule for f in result.findings} == {"placeholder"}
    assert result.files_checked == 7


def test_a_guardrail_of_a_team_is_team_scoped_and_the_platforms_hub_scoped(tmp_path: Path) -> None:
    def scope(role: str, team: str) -> str:
        plan = new_plan(
            tmp_path, role, "Guardrail", "g", team=team, description=None,
            platform_team="platform", model="m",
        )  # fmt: skip
        (content,) = plan.values()
        assert isinstance(content, str)
        return str(yaml.safe_load(content)["spec"]["scope"])

    assert scope("hub", "platform") == "hub"
    assert scope("hub", "sre") == "team"
    assert scope("spoke", "sre") == "team"


def test_a_new_agent_lists_the_skills_and_tools_given(tmp_path: Path) -> None:
    plan = new_plan(
        tmp_path, "spoke", "Agent", "bot", team="sre", description="Answers.",
        platform_team=None, model="claude-opus-4",
        skills=(("incident-summary", "^1.0.0"),), tools=(("github", "^2.0.0", ("search",)),),
    )  # fmt: skip
    spec = yaml.safe_load(text(plan, "registry/agents/bot.yaml"))["spec"]
    assert spec["model"] == "claude-opus-4"
    assert spec["skills"] == [{"name": "incident-summary", "version": "^1.0.0"}]
    assert spec["tools"] == [{"name": "github", "version": "^2.0.0", "actions": ["search"]}]


def test_a_new_manifest_name_that_breaks_the_rules_is_refused(tmp_path: Path) -> None:
    with pytest.raises(HubError) as caught:
        new_plan(
            tmp_path, "hub", "Tool", "Bad Name", team=None, description=None,
            platform_team=None, model="m",
        )  # fmt: skip
    assert caught.value.message == "'Bad Name' is not a valid name"


@pytest.mark.parametrize("ref", ["1.0", "2026-01-01", "yes", "v1.0", "release/1.x"])
def test_a_spokes_hub_ref_stays_a_string_whatever_it_looks_like(tmp_path: Path, ref: str) -> None:
    """A tag such as ``1.0`` is a branch or tag name, not YAML's number."""
    plan = init_plan(role="spoke", team="sre", hub_url="../hub", hub_ref=ref, pins=PINNED)
    assert load_config(written(tmp_path, plan)).hub_ref == ref
