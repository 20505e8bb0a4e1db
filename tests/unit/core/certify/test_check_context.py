"""What every check works with: an agent's context locating problems at their lines, its
well-formed tool uses, and the helpers that read a manifest's parts without trusting its
shape."""

from __future__ import annotations

from pathlib import Path

from hubrails.core.certify.agent_files import Loaded
from hubrails.core.certify.check_context import (
    CLASSES,
    DEFAULT_ALLOWED_STATUSES,
    Problem,
    actions_of,
    named_items,
    rank_of,
    spec_of,
    version_of,
)
from tests.helpers import edit, line_of
from tests.unit.core.certify.workspaces import INCIDENT, incident_context


def with_data(loaded: Loaded, data: dict[str, object]) -> Loaded:
    return Loaded(loaded.path, loaded.file, loaded.manifest, loaded.sha256, cached=data)


def test_a_problem_is_located_at_its_field_in_the_agent_or_in_another_file(hub: Path) -> None:
    ctx = incident_context(hub)
    file = hub / "registry" / INCIDENT
    assert ctx.at(("spec", "tools", 1, "name"), "m") == Problem(
        "m", f"registry/{INCIDENT}", line_of(file, "- name: github"), "spec.tools[1].name"
    )
    slack = ctx.tools["slack"]
    assert slack is not None
    assert ctx.at(("spec", "status"), "why", slack) == Problem(
        "why",
        "registry/tools/slack.yaml",
        line_of(hub / "registry/tools/slack.yaml", "status:"),
        "spec.status",
    )


def test_a_pointer_past_what_the_file_holds_falls_back_to_its_deepest_ancestor(hub: Path) -> None:
    ctx = incident_context(hub)
    problem = ctx.at(("spec", "data_classification", "deeper"), "m")
    file = hub / "registry" / INCIDENT
    assert problem.line == line_of(file, "data_classification: internal")


def test_tool_uses_are_the_well_formed_entries_with_their_index(hub: Path) -> None:
    edit(
        hub / "registry" / INCIDENT,
        "  tools:\n",
        "  tools:\n    - just-a-string\n    - name: 7\n    - {version: x}\n",
    )
    ctx = incident_context(hub)
    assert [(i, n) for i, n, _ in ctx.tool_uses()] == [
        (3, "pagerduty"),
        (4, "github"),
        (5, "slack"),
    ]
    ctx.spec = {"tools": {"name": "pagerduty"}}
    assert ctx.tool_uses() == []
    ctx.spec = {}
    assert ctx.tool_uses() == []


def test_named_items_are_the_strings_of_a_list_only() -> None:
    assert named_items(["a", 1, {"b": 2}, "c", ["d"]]) == [(0, "a"), (3, "c")]
    assert named_items("a") == []
    assert named_items({"a": 1}) == []
    assert named_items(None) == []


def test_spec_and_version_of_a_malformed_or_absent_manifest_are_empty(hub: Path) -> None:
    slack = incident_context(hub).tools["slack"]
    assert slack is not None
    assert spec_of(slack)["status"] == "vetted"
    assert version_of(slack) == "1.4.0"
    assert spec_of(None) == {}
    assert spec_of(with_data(slack, {"spec": ["x"]})) == {}
    assert version_of(with_data(slack, {"metadata": {"version": 1}})) == ""
    assert version_of(with_data(slack, {"metadata": "1.0.0"})) == ""


def test_actions_of_a_tool_are_its_named_actions(hub: Path) -> None:
    slack = incident_context(hub).tools["slack"]
    assert slack is not None
    assert "slack_post_message" in actions_of(slack)
    odd = with_data(slack, {"spec": {"actions": [{"name": "a", "risk": "low"}, {"name": 3}, "b"]}})
    assert actions_of(odd) == {"a": {"name": "a", "risk": "low"}}
    assert actions_of(with_data(slack, {"spec": {"actions": {"name": "a"}}})) == {}
    assert actions_of(None) == {}


def test_rank_of_a_value_on_its_scale_or_none() -> None:
    assert rank_of(CLASSES, "public") == 0
    assert rank_of(CLASSES, "restricted") == 3
    assert rank_of(CLASSES, "secret") is None
    assert rank_of(CLASSES, None) is None
    assert rank_of(CLASSES, ["public"]) is None


def test_the_default_allowed_statuses_are_the_built_in_ones() -> None:
    assert DEFAULT_ALLOWED_STATUSES == ("vetted",)
