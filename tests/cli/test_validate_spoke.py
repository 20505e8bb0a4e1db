"""A spoke repository validates against its hub."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import copy_example, edit, line_of, run_cli, write

AGENT = "registry/agents/incident-triage.yaml"


@pytest.fixture
def spoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A spoke repository for team sre beside a hub checkout at ../hub."""
    hub = copy_example(tmp_path / "hub")
    root = tmp_path / "sre"
    write(
        root,
        {
            "hub.yaml": "apiVersion: hubrails/v1\nkind: HubConfig\nrole: spoke\n"
            "team: sre\nhub:\n  url: ../hub\n  ref: main\n"
        },
    )
    (root / "registry" / "agents").mkdir(parents=True)
    shutil.move(hub / "registry/spokes/sre/agents/incident-triage.yaml", root / AGENT)
    monkeypatch.chdir(root)
    return root


def test_spoke_resolves_against_a_local_hub(spoke: Path) -> None:
    run = run_cli("validate", "--format", "json")
    # no finding at all: not even hub-unavailable (a warning, with which exit 0 would pass)
    assert (run.exit_code, run.rules()) == (0, set()), run.stdout
    assert run.json()["summary"]["files_checked"] == 1  # the spoke's own file, not the hub's


def test_spoke_reports_broken_references_to_the_hub(spoke: Path) -> None:
    edit(spoke / AGENT, "    - name: incident-summary\n", "    - name: incident-summry\n")
    run = run_cli("validate", "--format", "json")
    assert run.exit_code == 1
    assert ("ref-unresolved", AGENT, line_of(spoke / AGENT, "incident-summry")) in run.rules()


def test_spoke_assets_belong_to_the_spoke_team(spoke: Path) -> None:
    edit(spoke / AGENT, "  team: sre\n", "  team: support\n")
    run = run_cli("validate", "--format", "json")
    assert ("spoke-team", AGENT, line_of(spoke / AGENT, "team: support")) in run.rules()


def test_explicit_hub_option(spoke: Path, tmp_path: Path) -> None:
    """``--hub PATH`` replaces the unreachable hub that hub.yaml names: the spoke is checked
    against that checkout, whatever it holds."""
    edit(spoke / "hub.yaml", "url: ../hub", "url: https://git.example.com/hub.git")
    run = run_cli("validate", "--format", "json", "--hub", str(tmp_path / "hub"))
    assert (run.exit_code, run.rules()) == (0, set())  # no hub-unavailable: the hub was used
    other = shutil.copytree(tmp_path / "hub", tmp_path / "other")
    shutil.rmtree(other / "registry/skills/incident-summary")
    run = run_cli("validate", "--format", "json", "--hub", str(other))
    assert run.exit_code == 1
    assert ("ref-unresolved", AGENT, line_of(spoke / AGENT, "incident-summary")) in run.rules()


def test_unavailable_hub_warns_instead_of_failing(spoke: Path) -> None:
    edit(spoke / "hub.yaml", "url: ../hub", "url: https://git.example.com/hub.git")
    run = run_cli("validate", "--format", "json")
    assert run.exit_code == 0
    assert {rule for rule, _, _ in run.rules()} == {"hub-unavailable"}
    assert run_cli("validate", "--strict").exit_code == 1
