"""Validating a few files gives exactly the full run's findings that concern them."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import edit, expect_focused_runs_to_match

BREAKS = {
    "registry/tools/stripe-refunds.yaml": ("    - name: create_refund\n", "    - name: refund\n"),
    "registry/tools/github.yaml": ('  version: "', '  version: "9'),
    "registry/prompts/sql-report.yaml": ("  name: sql-report\n", "  name: sql-reports\n"),
    "registry/spokes/sre/agents/incident-triage.yaml": ("  team: sre\n", "  team: nobody\n"),
}


def test_focused_runs_match_the_filtered_full_run(registry: Path) -> None:
    for path, (old, new) in BREAKS.items():
        edit(registry / path, old, new)
    files = [*BREAKS, "registry/skills/sql-report/skill.yaml", "registry/teams/sre.yaml"]
    for path, focused in expect_focused_runs_to_match(registry, files).items():
        assert focused, path
