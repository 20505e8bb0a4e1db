"""Waivers as certify loads them: the hub's own folder only, the platform team's only,
absent once expired, every ignored one said."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hubrails.core.certify.agent_files import Workspace
from hubrails.core.certify.waivers import load_waivers, platform_teams
from hubrails.core.hub.locate import find_hub
from hubrails.core.registry.config import load_config
from tests.helpers import edit, write

TODAY = dt.date(2026, 6, 1)


def waiver(expires: str = "2026-06-30", team: str = "platform", check: str = "logging") -> str:
    return (
        "apiVersion: hubrails/v1\nkind: Waiver\nmetadata:\n  name: short-logs\n"
        f'  team: {team}\n  version: "1.0.0"\n  description: Short logs for now.\n'
        f"spec:\n  agent: incident-triage\n  team: sre\n  check: {check}\n"
        "  reason: Log shipping moves to the new cluster in December.\n"
        f'  granted_by: "@carol.diaz"\n  expires: "{expires}"\n'
    )


def loaded(root: Path) -> tuple[list[tuple[str, str, int]], list[str]]:
    config = load_config(root)
    active, warnings = load_waivers(Workspace(config, find_hub(config, None)), TODAY)
    return [(w.path, w.check, w.line) for w in active], warnings


def test_an_active_waiver_applies_to_its_agent_team_and_check(hub: Path) -> None:
    write(hub, {"registry/waivers/short-logs.yaml": waiver()})
    config = load_config(hub)
    (found,), warnings = load_waivers(Workspace(config, find_hub(config, None)), TODAY)
    assert (found.path, found.line, warnings) == ("registry/waivers/short-logs.yaml", 11, [])
    assert found.applies("incident-triage", "sre", "logging")
    assert not found.applies("incident-triage", "growth", "logging")
    assert not found.applies("incident-triage", "sre", "budget")
    assert found.to_dict()["expires"] == "2026-06-30"


def test_an_expired_waiver_is_absent_and_the_last_day_still_counts(hub: Path) -> None:
    write(hub, {"registry/waivers/a.yaml": waiver("2026-05-31")})
    assert loaded(hub) == ([], [])
    write(hub, {"registry/waivers/a.yaml": waiver("2026-06-01")})
    assert loaded(hub)[0] == [("registry/waivers/a.yaml", "logging", 11)]


def test_ignored_waivers_are_each_said(hub: Path) -> None:
    write(
        hub,
        {
            "registry/waivers/not-platform.yaml": waiver(team="sre"),
            "registry/waivers/broken.yaml": waiver().replace("  check: logging\n", ""),
            "registry/spokes/sre/waivers/own.yaml": waiver(),
        },
    )
    active, warnings = loaded(hub)
    assert active == []
    assert len(warnings) == 3
    assert warnings[0].startswith("registry/spokes/sre/waivers/own.yaml: waiver ignored: ")
    assert any("broken.yaml: waiver ignored: line" in w for w in warnings)
    assert any("not-platform.yaml" in w and "not the platform team" in w for w in warnings)


def test_a_linked_waiver_never_counts(hub: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere.yaml").write_text(waiver())
    (hub / "registry/waivers").mkdir()
    (hub / "registry/waivers/linked.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    active, warnings = loaded(hub)
    assert active == []
    assert warnings == [
        "registry/waivers/linked.yaml (a symbolic link): waiver ignored: waivers count only in "
        "the hub's registry/waivers/ (reviewed by the platform team)"
    ]


def test_the_platform_teams_are_those_that_say_so(hub: Path) -> None:
    config = load_config(hub)
    assert platform_teams(Workspace(config, find_hub(config, None))) == {"platform"}
    edit(hub / "registry/teams/platform.yaml", "  platform: true", "  platform: false")
    assert platform_teams(Workspace(config, find_hub(config, None))) == set()
