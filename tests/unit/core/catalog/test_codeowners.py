"""CODEOWNERS from the Team manifests: the platform team owns the hub, each team its assets,
and the platform team always has the last word on waivers and certificates."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubrails.core.catalog.codeowners import HEADER, is_current, render
from hubrails.core.registry.config import load_config
from hubrails.errors import HubError
from tests.helpers import copy_example, edit, write


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "hub")


def rules(text: str) -> list[tuple[str, ...]]:
    return [tuple(line.split()) for line in text.splitlines() if line and line[0] != "#"]


def test_the_hub_is_the_platform_teams_and_spokes_their_teams(hub: Path) -> None:
    text = render(load_config(hub))
    assert text.startswith(HEADER)
    found = rules(text)
    platform = next(owners for path, *owners in found if path == "*")
    assert found[-2:] == [("/registry/waivers/", *platform), ("/certificates/", *platform)]
    assert ("/registry/spokes/sre/", "@acme/sre", "@alice.nguyen") in found
    assert all(path != "/registry/spokes/sre/agents/incident-triage.yaml" for path, *_ in found)


def test_a_library_skill_of_another_team_is_owned_as_a_folder(hub: Path) -> None:
    edit(hub / "registry/skills/sql-report/skill.yaml", "team: platform", "team: sre")
    assert ("/registry/skills/sql-report/", "@acme/sre", "@alice.nguyen") in rules(
        render(load_config(hub))
    )


def test_a_waiver_stays_the_platform_teams_whatever_its_team(hub: Path) -> None:
    waiver = (
        "apiVersion: hubrails/v1\nkind: Waiver\nmetadata:\n  name: w\n  team: sre\n"
        '  version: "1.0.0"\n  description: Short logs for now.\nspec:\n'
        "  agent: incident-triage\n  check: logging\n  reason: Moving clusters.\n"
        '  granted_by: "@carol.diaz"\n  expires: "2030-01-01"\n'
    )
    write(hub, {"registry/waivers/w.yaml": waiver})
    found = rules(render(load_config(hub)))
    assert [path for path, *_ in found if "waivers" in path] == ["/registry/waivers/"]


def test_without_a_platform_team_nothing_is_written(hub: Path) -> None:
    edit(hub / "registry/teams/platform.yaml", "  platform: true", "  platform: false")
    with pytest.raises(HubError, match="no platform team with owners"):
        render(load_config(hub))


def test_is_current_compares_the_file(hub: Path) -> None:
    text = render(load_config(hub))
    assert not is_current(hub, text)
    write(hub, {".github/CODEOWNERS": text})
    assert is_current(hub, text)
    assert not is_current(hub, text + "# edited\n")
