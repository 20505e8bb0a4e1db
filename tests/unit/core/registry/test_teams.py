"""Team specs for the commands that need more than the index holds (owners, budgets)."""

from __future__ import annotations

from pathlib import Path

from hubrails.core.registry.config import load_config
from hubrails.core.registry.teams import team_specs
from tests.helpers import copy_example, edit

SRE = ("sre", "registry/teams/sre.yaml")


def test_each_readable_team_gives_its_spec(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    specs = team_specs(load_config(root), [SRE, ("gone", "registry/teams/gone.yaml")])
    assert list(specs) == ["sre"]
    assert specs["sre"]["owners"] == ["@acme/sre", "@alice.nguyen"]


def test_a_team_that_does_not_load_is_left_out(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    edit(root / SRE[1], "  owners:\n", "  owners: [\n")
    assert team_specs(load_config(root), [SRE]) == {}


def test_the_registrys_size_limit_holds(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    edit(root / "hub.yaml", "max_file_bytes: 1048576", "max_file_bytes: 100")
    assert team_specs(load_config(root), [SRE]) == {}  # over limits.max_file_bytes: not read
