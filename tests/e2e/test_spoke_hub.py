"""A spoke resolves its hub the same way in validate, catalog, codeowners and certify: at
``hub.ref``, from the clone cache, whatever the URL (path, bare repository, ``file://``)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import commit_all, git, init_repo
from tests.helpers import copy_example, edit, run_cli, write

AGENT = "registry/agents/incident-triage.yaml"
NEW_SKILL = """\
apiVersion: hubrails/v1
kind: Skill
metadata:
  name: fresh-skill
  team: platform
  version: "1.0.0"
  description: A skill the hub gained later.
spec: {}
"""
NEW_SKILL_DOC = "---\nname: fresh-skill\ndescription: A skill the hub gained later.\n---\n\nDo.\n"


@pytest.fixture
def hub_work(tmp_path: Path) -> Path:
    """The hub's working copy (committed on main), pushed to the bare tmp/hub.git."""
    work = copy_example(tmp_path / "hub-work")
    agent = work / "registry/spokes/sre/agents/incident-triage.yaml"
    (tmp_path / "agent.yaml").write_bytes(agent.read_bytes())
    agent.unlink()
    init_repo(work)
    git(tmp_path, "clone", "-q", "--bare", str(work), "hub.git")
    git(work, "remote", "add", "origin", str(tmp_path / "hub.git"))
    return work


def make_spoke(tmp_path: Path, url: str, extra: str = "") -> Path:
    root = tmp_path / "sre"
    write(
        root,
        {
            "hub.yaml": "apiVersion: hubrails/v1\nkind: HubConfig\nrole: spoke\nteam: sre\n"
            f"hub:\n  url: {url}\n  ref: main\n{extra}",
            AGENT: (tmp_path / "agent.yaml").read_text(encoding="utf-8"),
        },
    )
    return root


@pytest.fixture
def spoke(tmp_path: Path, hub_work: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The SRE spoke naming the bare hub by a ``file://`` URL."""
    root = make_spoke(tmp_path, (tmp_path / "hub.git").as_uri())
    monkeypatch.setenv("HUB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(root)
    return root


def use_skill(spoke: Path, name: str) -> None:
    edit(spoke / AGENT, "    - name: runbook-lookup\n", f"    - name: {name}\n")
    edit(spoke / AGENT, '      version: "^2.0.0"\n  tools:', '      version: "^1.0.0"\n  tools:')


def push_new_skill(hub_work: Path) -> None:
    write(
        hub_work,
        {
            "registry/skills/fresh-skill/skill.yaml": NEW_SKILL,
            "registry/skills/fresh-skill/SKILL.md": NEW_SKILL_DOC,
        },
    )
    commit_all(hub_work, "a new skill")
    git(hub_work, "push", "-q", "origin", "main")


def rules(run: object) -> set[str]:
    return {f["rule"] for f in run.json()["findings"]}  # type: ignore[attr-defined]


def test_validate_checks_hub_references_through_a_git_url(spoke: Path) -> None:
    run = run_cli("validate", "--format", "json")
    assert run.exit_code == 0, run.stdout
    assert rules(run) == set()  # no hub-unavailable: the hub was cloned and checked
    edit(spoke / AGENT, "    - name: incident-summary\n", "    - name: incident-summry\n")
    run = run_cli("validate", "--format", "json")
    assert run.exit_code == 1
    assert "ref-unresolved" in rules(run)


def test_catalog_and_codeowners_read_the_same_hub(spoke: Path) -> None:
    listed = run_cli("catalog", "ls", "tool", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    assert "hub:registry/tools/github.yaml" in {a["path"] for a in listed.json()["assets"]}
    run = run_cli("codeowners")
    assert run.exit_code == 0, run.stderr
    assert "@acme/sre" in (spoke / ".github/CODEOWNERS").read_text(encoding="utf-8")


def test_a_local_repository_is_read_at_hub_ref_not_its_working_tree(
    tmp_path: Path, hub_work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_spoke(tmp_path, "../hub-work")
    monkeypatch.setenv("HUB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(root)
    write(
        hub_work,
        {
            "registry/skills/fresh-skill/skill.yaml": NEW_SKILL,
            "registry/skills/fresh-skill/SKILL.md": NEW_SKILL_DOC,
        },
    )  # in the hub's working tree only, not committed
    use_skill(root, "fresh-skill")
    validated = run_cli("validate", "--format", "json")
    assert validated.exit_code == 1
    assert "ref-unresolved" in rules(validated)
    certified = run_cli("certify", "incident-triage", "--format", "json")
    assert certified.exit_code == 1  # both say the same: the skill is not in the hub at main
    commit_all(hub_work, "the skill, committed")
    assert run_cli("certify", "incident-triage").exit_code == 0
    assert run_cli("validate", "--format", "json").exit_code == 0


def test_validate_fetches_at_most_once_per_interval(spoke: Path, hub_work: Path) -> None:
    assert run_cli("validate").exit_code == 0
    push_new_skill(hub_work)
    use_skill(spoke, "fresh-skill")
    cached = run_cli("validate", "--format", "json")  # within 10 minutes: the cached clone
    assert cached.exit_code == 1 and "ref-unresolved" in rules(cached)
    assert run_cli("certify", "incident-triage").exit_code == 0  # certify always fetches
    assert run_cli("validate", "--format", "json").exit_code == 0


def test_fetch_interval_is_configurable_and_a_stale_cache_is_said(
    tmp_path: Path, hub_work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_spoke(tmp_path, (tmp_path / "hub.git").as_uri(), "  fetch_every_minutes: 0\n")
    monkeypatch.setenv("HUB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(root)
    assert run_cli("validate").exit_code == 0
    push_new_skill(hub_work)
    use_skill(root, "fresh-skill")
    assert run_cli("validate").exit_code == 0  # fetched again at once
    shutil.move(tmp_path / "hub.git", tmp_path / "gone.git")
    run = run_cli("validate")
    assert run.exit_code == 0
    assert "may be stale (last fetched" in run.stderr
    assert "using the cached copy at commit" in run.stderr


def test_an_unreachable_hub_warns_and_require_hub_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_spoke_without_hub(tmp_path)
    monkeypatch.setenv("HUB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(root)
    run = run_cli("validate", "--format", "json")
    assert run.exit_code == 0
    assert rules(run) == {"hub-unavailable"}
    assert "cannot clone the hub" in run.json()["findings"][0]["message"]
    run = run_cli("validate", "--require-hub")
    assert run.exit_code == 2
    assert "cannot clone the hub" in run.stderr


def make_spoke_without_hub(tmp_path: Path) -> Path:
    (tmp_path / "agent.yaml").write_bytes(
        (
            copy_example(tmp_path / "x") / "registry/spokes/sre/agents/incident-triage.yaml"
        ).read_bytes()
    )
    return make_spoke(tmp_path, (tmp_path / "nowhere.git").as_uri())


def test_the_spoke_workflow_requires_the_hub(tmp_path: Path) -> None:
    args = ["--spoke", "--team", "sre", "--hub-url", "https://git.example.com/hub.git"]
    assert run_cli("init", str(tmp_path / "s"), *args).exit_code == 0
    workflow = (tmp_path / "s/.github/workflows/hub.yaml").read_text(encoding="utf-8")
    assert "hub validate --format github --require-hub" in workflow


def test_a_fresh_cached_hub_costs_no_git(spoke: Path) -> None:
    assert run_cli("validate").exit_code == 0  # clones
    code = (
        "import sys\nfrom hubrails.cli import main\n"
        f"code = main(['validate', {AGENT!r}])\n"
        "sys.stderr.write(f'{code} ' + repr('git' in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stderr.strip().endswith("0 False"), done.stderr
