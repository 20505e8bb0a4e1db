"""``hub init``, ``hub new`` and ``hub codeowners`` end to end, on real folders and git repos."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import git
import pytest
import yaml

from hubrails.core.registry.safeyaml import parse
from tests.gitrepo import commit_all
from tests.helpers import edit, run_cli, write

KINDS = ("team", "tool", "skill", "prompt", "guardrail", "agent")


def init(*args: str) -> None:
    run = run_cli("init", *args)
    assert run.exit_code == 0, run.stderr


def validate_clean(root: Path) -> None:
    """Valid: no findings but the placeholder warnings on what the user is to fill in."""
    run = run_cli("validate", "--root", str(root), "--format", "json")
    assert run.exit_code == 0, run.stdout
    assert [f for f in run.json()["findings"] if f["rule"] != "placeholder"] == []


def test_init_hub_is_valid_at_once(tmp_path: Path) -> None:
    root = tmp_path / "acme-hub"
    init(str(root), "--hub", "--owner", "@acme/ai-platform", "--email", "ai@acme.example")
    assert git.Repo(root).git_dir  # git init ran
    assert git.Repo(root).head.reference.name == "main"  # what hub.ref and the workflow name
    assert (root / ".gitignore").read_text().splitlines()[-1] == ".hub/"
    assert "id: hub-validate" in (root / ".pre-commit-config.yaml").read_text()
    # A GitHub workflow, not a manifest: its 'on:' key is YAML 1.1's true, which hub refuses.
    workflow = yaml.safe_load((root / ".github/workflows/hub.yaml").read_text())
    steps = [s.get("run", "") for s in workflow["jobs"]["hub"]["steps"]]
    assert "hub validate --format github" in steps
    assert "hub certify --all --verify" in steps
    assert "hub codeowners --check" in steps
    assert (root / "schemas/tool.schema.json").is_file()
    team = parse((root / "registry/teams/platform.yaml").read_text()).data
    assert team["spec"]["platform"] is True
    assert team["spec"]["owners"] == ["@acme/ai-platform"]
    validate_clean(root)
    assert run_cli("codeowners", "--check", "--root", str(root)).exit_code == 0


def test_init_config_files_pass_their_own_tools(tmp_path: Path) -> None:
    init(str(tmp_path), "--hub")
    for args in (
        ["pre_commit", "validate-config", ".pre-commit-config.yaml"],
        [
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            ".github/workflows/hub.yaml",
        ],
    ):
        done = subprocess.run(
            [sys.executable, "-m", *args], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_init_spoke_names_its_hub(tmp_path: Path) -> None:
    hub, spoke = tmp_path / "hub", tmp_path / "sre-agents"
    init(str(hub), "--hub")
    commit_all(hub)  # a spoke reads its hub at hub.ref
    init(str(spoke), "--spoke", "--team", "sre", "--hub-url", "../hub")
    config = parse((spoke / "hub.yaml").read_text()).data
    assert config["role"] == "spoke" and config["team"] == "sre"
    assert config["hub"] == {"url": "../hub", "ref": "main"}
    assert (spoke / "registry/agents/.gitkeep").exists()
    steps = (spoke / ".github/workflows/hub.yaml").read_text()
    assert "codeowners" not in steps and "hub certify --all --verify" in steps
    validate_clean(spoke)


def test_init_example_copies_the_shipped_registry(tmp_path: Path) -> None:
    init(str(tmp_path / "demo"), "--hub", "--example")
    assert (tmp_path / "demo/registry/skills/incident-summary/scripts/timeline.py").is_file()
    validate_clean(tmp_path / "demo")
    owners = (tmp_path / "demo/.github/CODEOWNERS").read_text()
    assert "/registry/spokes/sre/" in owners
    assert run_cli("codeowners", "--check", "--root", str(tmp_path / "demo")).exit_code == 0


def test_init_inside_a_repository_does_not_git_init_again(tmp_path: Path) -> None:
    repo = git.Repo.init(tmp_path)
    init(str(tmp_path / "sub"), "--hub")
    assert not (tmp_path / "sub/.git").exists()
    assert git.Repo(tmp_path).git_dir == repo.git_dir


def test_init_refuses_to_overwrite_and_lists_the_files(tmp_path: Path) -> None:
    write(tmp_path, {".gitignore": "mine\n", "hub.yaml": "mine\n", "notes.txt": "keep\n"})
    run = run_cli("init", str(tmp_path), "--hub")
    assert run.exit_code == 2
    assert "refusing to overwrite 2 existing files: .gitignore, hub.yaml" in run.stderr
    assert (tmp_path / ".gitignore").read_text() == "mine\n"
    assert not (tmp_path / "registry").exists()  # nothing half-written


def test_init_refuses_an_existing_codeowners_before_writing_anything(tmp_path: Path) -> None:
    write(tmp_path, {".github/CODEOWNERS": "* @someone\n"})
    run = run_cli("init", str(tmp_path), "--hub")
    assert run.exit_code == 2
    assert ".github/CODEOWNERS" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".github"]
    assert (tmp_path / ".github/CODEOWNERS").read_text() == "* @someone\n"


def test_init_on_a_file_exits_2(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    run = run_cli("init", str(tmp_path / "file"), "--hub")
    assert run.exit_code == 2
    assert "is not a folder" in run.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hub", "--spoke"], "--hub or --spoke"),
        ([], "--hub or --spoke"),
        (["--spoke", "--team", "sre"], "--hub-url"),
        (["--spoke", "--team", "sre", "--hub-url", "x", "--example"], "--example"),
        (["--hub", "--team", "Platform Team"], "not a valid team name"),
    ],
)
def test_init_bad_invocations_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    run = run_cli("init", str(tmp_path / "r"), *args)
    assert run.exit_code == 2
    assert message in run.stderr


@pytest.fixture
def hub_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "hub"
    init(str(root), "--hub")
    monkeypatch.chdir(root)
    return root


def test_new_writes_valid_manifests_of_every_kind(hub_root: Path) -> None:
    for kind in KINDS:
        name = f"new-{kind}"
        args = ["new", kind, name] + (["--team", "new-team"] if kind == "agent" else [])
        run = run_cli(*args)
        assert run.exit_code == 0, run.stderr
    written = {
        "team": "registry/teams/new-team.yaml",
        "tool": "registry/tools/new-tool.yaml",
        "skill": "registry/skills/new-skill/skill.yaml",
        "prompt": "registry/prompts/new-prompt.yaml",
        "guardrail": "registry/guardrails/new-guardrail.yaml",
        "agent": "registry/spokes/new-team/agents/new-agent.yaml",
    }
    for kind, rel in written.items():
        text = (hub_root / rel).read_text()
        schema = text.splitlines()[0].removeprefix("# yaml-language-server: $schema=")
        assert (hub_root / rel).parent.joinpath(schema).resolve() == (
            hub_root / f"schemas/{kind}.schema.json"
        ), rel
    assert (hub_root / "registry/skills/new-skill/SKILL.md").is_file()
    validate_clean(hub_root)


def test_new_keeps_any_description_verbatim(hub_root: Path) -> None:
    text = 'Fix: "quotes", #hash, {braces} & a: colon\\ — ünïcode'
    assert run_cli("new", "skill", "odd-text", "-d", text).exit_code == 0
    manifest = parse((hub_root / "registry/skills/odd-text/skill.yaml").read_text()).data
    assert manifest["metadata"]["description"] == text
    validate_clean(hub_root)


def test_new_puts_another_teams_skill_in_its_spoke_folder(hub_root: Path) -> None:
    assert run_cli("new", "team", "sre").exit_code == 0
    run = run_cli("new", "skill", "pager-notes", "--team", "sre", "-d", "Notes for pagers.")
    assert run.exit_code == 0, run.stderr
    manifest = hub_root / "registry/spokes/sre/skills/pager-notes/skill.yaml"
    assert parse(manifest.read_text()).data["metadata"]["description"] == "Notes for pagers."
    validate_clean(hub_root)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tool", "Bad_Name"], "not a valid name"),
        (["tool", "x" * 64], "not a valid name"),
        (["team", "platform"], "Team 'platform' already exists"),
        (["widget", "x"], "unknown kind 'widget'"),
        (["pricing", "x"], "one pricing table"),
    ],
)
def test_new_refuses_bad_and_taken_names(hub_root: Path, args: list[str], message: str) -> None:
    run = run_cli("new", *args)
    assert run.exit_code == 2
    assert message in run.stderr


def test_new_in_a_spoke_uses_its_team_and_refuses_tools(tmp_path: Path) -> None:
    init(str(tmp_path / "hub"), "--hub")
    assert run_cli("new", "team", "sre", "--root", str(tmp_path / "hub")).exit_code == 0
    commit_all(tmp_path / "hub")
    spoke = tmp_path / "spoke"
    init(str(spoke), "--spoke", "--team", "sre", "--hub-url", "../hub")
    assert run_cli("new", "agent", "pager", "--root", str(spoke)).exit_code == 0
    agent = parse((spoke / "registry/agents/pager.yaml").read_text()).data
    assert agent["metadata"]["team"] == "sre"
    validate_clean(spoke)
    run = run_cli("new", "tool", "x", "--root", str(spoke))
    assert run.exit_code == 2
    assert "belongs in the hub repository" in run.stderr


def test_codeowners_maps_assets_to_their_teams_and_check_catches_staleness(
    registry: Path,
) -> None:
    assert run_cli("codeowners", "--check").exit_code == 1  # no file yet
    assert run_cli("codeowners").exit_code == 0
    text = (registry / ".github/CODEOWNERS").read_text()
    lines = [line.split() for line in text.splitlines() if line and not line.startswith("#")]
    assert lines[0] == ["*", "@acme/ai-platform", "@dana.okafor"]
    assert ["/registry/spokes/sre/", "@acme/sre", "@alice.nguyen"] in lines
    assert lines[-1] == ["/certificates/", "@acme/ai-platform", "@dana.okafor"]  # the hub approves
    assert run_cli("codeowners", "--check").exit_code == 0
    edit(registry / "registry/teams/sre.yaml", '"@alice.nguyen"', '"@bob.smith"')
    stale = run_cli("codeowners", "--check")
    assert stale.exit_code == 1
    assert "out of date" in stale.stderr
    assert "@alice.nguyen" in (registry / ".github/CODEOWNERS").read_text()  # untouched
    assert run_cli("codeowners").exit_code == 0
    assert "@bob.smith" in (registry / ".github/CODEOWNERS").read_text()


def test_codeowners_of_a_spoke_needs_the_hub(tmp_path: Path) -> None:
    init(str(tmp_path / "hub"), "--hub")
    assert run_cli("new", "team", "sre", "--root", str(tmp_path / "hub")).exit_code == 0
    init(str(tmp_path / "spoke"), "--spoke", "--team", "sre", "--hub-url", "https://x/hub.git")
    run = run_cli("codeowners", "--root", str(tmp_path / "spoke"))
    assert run.exit_code == 2
    assert "--hub" in run.stderr
    run = run_cli("codeowners", "--root", str(tmp_path / "spoke"), "--hub", str(tmp_path / "hub"))
    assert run.exit_code == 0, run.stderr
    owners = (tmp_path / "spoke/.github/CODEOWNERS").read_text().splitlines()[-1]
    assert owners == "* @your-org/sre"


def test_init_spoke_and_new_agent_point_at_the_runtime_export(tmp_path: Path) -> None:
    assert run_cli("init", str(tmp_path / "hub"), "--hub").exit_code == 0
    hub = run_cli("init", str(tmp_path / "h2"), "--hub")
    assert "hub export claude-code" not in hub.stdout  # a hub has no agents of its own to run
    spoke = run_cli("init", str(tmp_path / "s"), "--spoke", "--team", "sre", "--hub-url", "../hub")
    assert "hub export claude-code AGENT DIR" in spoke.stdout
    assert run_cli("new", "team", "sre", "--root", str(tmp_path / "hub")).exit_code == 0
    run = run_cli("new", "agent", "my-bot", "--team", "sre", "--root", str(tmp_path / "hub"))
    assert run.exit_code == 0, run.stderr
    assert "hub export claude-code my-bot DIR" in run.stdout
    tool = run_cli("new", "tool", "my-tool", "--root", str(tmp_path / "hub"))
    assert "hub export" not in tool.stdout


def test_new_waiver_is_valid_and_kinds_agree(tmp_path: Path) -> None:
    init(str(tmp_path), "--hub")
    run = run_cli("new", "waiver", "sre-approvals", "--root", str(tmp_path))
    assert run.exit_code == 0, run.stderr
    assert (tmp_path / "registry/waivers/sre-approvals.yaml").is_file()
    validate_clean(tmp_path)
    unknown = run_cli("new", "widget", "x", "--root", str(tmp_path))
    assert unknown.exit_code == 2
    listed = unknown.stderr.split("kinds: ", 1)[1].strip()
    assert listed == "skill, tool, prompt, guardrail, agent, team, waiver"
    helped = " ".join(run_cli("new", "--help").stdout.split())
    assert "skill, tool, prompt, guardrail, agent, team or waiver" in helped


def test_new_with_an_unknown_team_exits_2(tmp_path: Path) -> None:
    init(str(tmp_path), "--hub")
    run = run_cli("new", "agent", "x", "--team", "nosuchteam", "--root", str(tmp_path))
    assert run.exit_code == 2
    assert "no team 'nosuchteam'" in run.stderr
    assert not (tmp_path / "registry/spokes/nosuchteam").exists()


def test_init_writes_a_review_rate_the_ledger_report_uses(tmp_path: Path) -> None:
    init(str(tmp_path), "--hub")
    text = (tmp_path / "hub.yaml").read_text(encoding="utf-8")
    assert "  review_hourly_usd: 90   # USD per hour of human review" in text
    run = run_cli("ledger", "report", "--root", str(tmp_path))
    assert "review at $90.00/h" in run.stdout, run.stdout + run.stderr


def test_placeholders_warn_until_replaced(tmp_path: Path) -> None:
    init(str(tmp_path), "--hub")
    run = run_cli("validate", "--root", str(tmp_path), "--format", "json")
    assert run.exit_code == 0
    found = {(f["rule"], f["path"], f["message"]) for f in run.json()["findings"]}
    assert found == {
        (
            "placeholder",
            "registry/teams/platform.yaml",
            "owner '@your-org/platform' is a placeholder",
        ),
        (
            "placeholder",
            "registry/teams/platform.yaml",
            "contact email 'platform@example.com' is a placeholder",
        ),
    }
    assert run_cli("validate", "--root", str(tmp_path), "--strict").exit_code == 1
    team = tmp_path / "registry/teams/platform.yaml"
    edit(team, "@your-org/platform", "@acme/ai-platform")
    edit(team, "platform@example.com", "ai-platform@acme.example")
    run = run_cli("validate", "--root", str(tmp_path), "--format", "json")
    assert run.json()["findings"] == []


def fake_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, direct_url: str | None) -> None:
    """A hubrails dist-info, found first on sys.path, as pip writes it (PEP 610)."""
    info = tmp_path / "site" / "hubrails-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hubrails\nVersion: 0.1.0\n")
    if direct_url is not None:
        (info / "direct_url.json").write_text(direct_url)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))


def test_init_pins_what_holds_for_a_local_install(tmp_path: Path) -> None:
    run = run_cli("init", str(tmp_path / "r"), "--hub")  # this checkout: an editable install
    assert "pre-commit hook: local (the hub on PATH)" in run.stdout
    hooks = parse((tmp_path / "r/.pre-commit-config.yaml").read_text()).data["repos"][0]
    assert hooks["repo"] == "local"
    assert hooks["hooks"][0]["entry"] == "hub validate"
    assert "v0.1.0" not in (tmp_path / "r/.pre-commit-config.yaml").read_text()
    workflow = (tmp_path / "r/.github/workflows/hub.yaml").read_text()
    assert "which CI cannot reach: say where CI gets it with 'hub init --install SPEC'" in workflow
    assert "git+https://github.com/hubrails/hubrails@v0.1.0" not in workflow


def test_init_pins_from_the_index_and_from_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_install(tmp_path / "a", monkeypatch, None)
    init(str(tmp_path / "indexed"), "--hub")
    config = parse((tmp_path / "indexed/.pre-commit-config.yaml").read_text()).data
    assert config["repos"][0]["rev"] == "v0.1.0"
    assert (
        'run: "pip install hubrails==0.1.0"'
        in (tmp_path / "indexed/.github/workflows/hub.yaml").read_text()
    )
    url = "https://git.acme.example/tools/hubrails.git"
    fake_install(
        tmp_path / "b",
        monkeypatch,
        json.dumps({"url": url, "vcs_info": {"vcs": "git", "commit_id": "a" * 40}}),
    )
    init(str(tmp_path / "from-git"), "--hub")
    config = parse((tmp_path / "from-git/.pre-commit-config.yaml").read_text()).data
    assert config["repos"][0] == {"repo": url, "rev": "a" * 40, "hooks": [{"id": "hub-validate"}]}
    assert (
        f"'hubrails @ git+{url}@{'a' * 40}'"
        in (tmp_path / "from-git/.github/workflows/hub.yaml").read_text()
    )


def test_init_pins_given_on_the_command_line(tmp_path: Path) -> None:
    spec = "hubrails @ git+https://git.acme.example/hubrails@v0.2.0"
    init(str(tmp_path), "--hub", "--hook-rev", "v0.2.0", "--install", spec)
    config = parse((tmp_path / ".pre-commit-config.yaml").read_text()).data
    assert config["repos"][0]["rev"] == "v0.2.0"
    workflow = yaml.safe_load((tmp_path / ".github/workflows/hub.yaml").read_text())
    steps = [s.get("run", "") for s in workflow["jobs"]["hub"]["steps"]]
    assert f"pip install '{spec}'" in steps
    assert "cannot reach" not in (tmp_path / ".github/workflows/hub.yaml").read_text()


def test_init_spoke_reads_the_hubs_default_branch(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    init(str(hub), "--hub")
    git.Repo(hub).git.checkout("-q", "-b", "trunk")  # a hub whose default branch is not main
    commit_all(hub)
    init(str(tmp_path / "spoke"), "--spoke", "--team", "platform", "--hub-url", "../hub")
    assert parse((tmp_path / "spoke/hub.yaml").read_text()).data["hub"]["ref"] == "trunk"
    validate_clean(tmp_path / "spoke")
    given = tmp_path / "other"
    init(str(given), "--spoke", "--team", "platform", "--hub-url", "../hub", "--hub-ref", "v1")
    assert parse((given / "hub.yaml").read_text()).data["hub"]["ref"] == "v1"
