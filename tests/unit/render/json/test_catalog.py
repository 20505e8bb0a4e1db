"""``hub catalog --format json``: one line each, ``ls`` with every field of an asset, ``search``
with its query and each hit's score, the dependents of ``uses`` with depth, chain, range and
actions, the references of ``show`` resolved or not, and manifest values JSON has no type for as
strings."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from hubrails.core.catalog.query import Dependent, Hit
from hubrails.core.catalog.show import AssetView, Resolved
from hubrails.core.catalog.snapshot import Entry, Use
from hubrails.core.validate.reports import Asset, Ref
from hubrails.render.json.catalog import (
    asset_dict,
    render_impact,
    render_list,
    render_search,
    render_show,
)

TOOL = Entry(
    "registry/tools/github.yaml",
    Asset("Tool", "github", 1, 1, "platform", "2.1.0", "production", "vetted", "Code"),
    0,
)
SKILL = Entry(
    "registry/skills/review/skill.yaml",
    Asset("Skill", "review", 1, 1, "platform", "1.0.0", description="Révise"),
    0,
)
AGENT = Entry("hub:registry/spokes/sre/agents/bot.yaml",
              Asset("Agent", "bot", 1, 1, "sre", None, "experimental"), 1)  # fmt: skip


def one_line(write: Any, *args: Any) -> dict[str, Any]:
    out = io.StringIO()
    write(*args, out)
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("}\n")
    data: dict[str, Any] = json.loads(text)
    assert data["version"] == 1
    return data


def test_an_asset_has_the_documented_fields_and_labels_as_a_mapping() -> None:
    labelled = Entry("p.yaml", Asset("Tool", "t", 1, 1, labels=(("a", "1"), ("b", "2"))), 0)
    assert asset_dict(labelled) == {
        "kind": "Tool", "name": "t", "version": None, "team": None,
        "lifecycle": "production", "status": None, "description": None,
        "labels": {"a": "1", "b": "2"}, "path": "p.yaml", "errors": 0,
    }  # fmt: skip


def test_an_empty_list_is_a_document_with_no_assets() -> None:
    assert one_line(render_list, []) == {"version": 1, "assets": []}


def test_a_list_has_every_field_of_each_asset() -> None:
    agent = Entry(
        "registry/spokes/sre/agents/bot.yaml",
        Asset("Agent", "bot", 1, 1, "sre", None, "experimental", None, "x" * 70,
              labels=(("a", "b"),)),
        2,
    )  # fmt: skip
    [asset] = one_line(render_list, [agent])["assets"]
    assert asset == {
        "kind": "Agent",
        "name": "bot",
        "version": None,
        "team": "sre",
        "lifecycle": "experimental",
        "status": None,
        "description": "x" * 70,
        "labels": {"a": "b"},
        "path": "registry/spokes/sre/agents/bot.yaml",
        "errors": 2,
    }


def test_search_has_its_query_and_each_hit_with_its_score() -> None:
    found = one_line(render_search, "git", [Hit(TOOL, 7)])
    assert (found["version"], found["query"], found["hits"][0]["score"]) == (1, "git", 7)


def test_uses_lists_each_dependent_with_its_depth_chain_range_and_actions() -> None:
    dependents = [
        Dependent(SKILL, 1, (), "^2.0.0", ("search_code",)),
        Dependent(AGENT, 2, ("skill/review",), None, ()),
    ]
    data = one_line(render_impact, TOOL, dependents)
    assert data["target"] == asset_dict(TOOL)
    assert data["dependents"][0] == {
        **asset_dict(SKILL), "depth": 1, "via": [], "range": "^2.0.0", "actions": ["search_code"],
    }  # fmt: skip
    second = data["dependents"][1]
    assert (second["depth"], second["via"], second["range"], second["actions"]) == (
        2, ["skill/review"], None, [],
    )  # fmt: skip
    assert second["path"] == "hub:registry/spokes/sre/agents/bot.yaml" and second["errors"] == 1
    assert one_line(render_impact, TOOL, [])["dependents"] == []


def test_show_resolves_references_and_says_where_one_leads_nowhere() -> None:
    found = Resolved(
        Ref("Tool", "github", "spec.tools[0]", 9, 5, "^2.0.0", ("search_code",)), TOOL, ()
    )
    lost = Resolved(Ref("Tool", "jira", "spec.tools[1]", 11, 5), None, ("no Tool 'jira'",))
    view = AssetView(SKILL, {"kind": "Skill", "spec": {"tools": ["github"]}}, (found, lost),
                     (Use(AGENT, "^1.0.0", ("run",)),), 3)  # fmt: skip
    data = one_line(render_show, view)
    assert data["asset"] == asset_dict(SKILL)
    assert data["manifest"] == {"kind": "Skill", "spec": {"tools": ["github"]}}
    assert data["references"] == [
        {"kind": "Tool", "name": "github", "field": "spec.tools[0]", "range": "^2.0.0",
         "actions": ["search_code"], "resolved": "registry/tools/github.yaml",
         "resolved_version": "2.1.0", "problems": []},
        {"kind": "Tool", "name": "jira", "field": "spec.tools[1]", "range": None, "actions": [],
         "resolved": None, "resolved_version": None, "problems": ["no Tool 'jira'"]},
    ]  # fmt: skip
    assert data["used_by"] == [{**asset_dict(AGENT), "range": "^1.0.0", "actions": ["run"]}]
    assert data["dependents"] == 3


def test_show_writes_yaml_dates_as_strings_and_keeps_non_ascii() -> None:
    view = AssetView(SKILL, {"metadata": {"reviewed": dt.date(2026, 5, 1)}}, (), (), 0)
    out = io.StringIO()
    render_show(view, out)
    assert "Révise" in out.getvalue() and "\\u" not in out.getvalue()
    data = json.loads(out.getvalue())
    assert data["manifest"] == {"metadata": {"reviewed": "2026-05-01"}}
    assert (data["references"], data["used_by"], data["dependents"]) == ([], [], 0)
