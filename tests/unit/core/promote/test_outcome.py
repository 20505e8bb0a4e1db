"""What ``hub promote`` produces: the lineage kept in the manifest, and the JSON form of a
promotion (``promoted`` and the tools' actions spelled out)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from hubrails.core.promote.outcome import (
    Options,
    Pushed,
    ToolUse,
)
from tests.promotions import LINEAGE, promotion


def test_the_lineage_is_kept_in_the_manifest_in_field_order() -> None:
    assert list(LINEAGE.to_dict().items()) == [
        ("team", "support"),
        ("version", "1.2.0"),
        ("commit", "c" * 40),
        ("repository", "git@github.com:acme/support.git"),
    ]


def test_options_default_to_pushing_when_the_hub_has_a_remote() -> None:
    options = Options("triage")
    assert (options.branch, options.push, options.force, options.dry_run) == (
        None,
        None,
        False,
        False,
    )


def test_a_made_promotion_says_promoted_and_spells_out_each_action() -> None:
    data = promotion().to_dict()
    assert data["promoted"] is True
    assert data["tools"] == [
        {
            "name": "github",
            "version": "^1.0.0",
            "status": "vetted",
            "risk": "low",
            "actions": [{"name": "read", "risk": "low"}, {"name": "write", "risk": "?"}],
        }
    ]
    assert data["lineage"] == LINEAGE.to_dict()
    agent = {"name": "responder", "team": "support", "path": "a.yaml"}
    assert data["agents"] == ({**agent, "certification": "not certified"},)
    assert data["pushed"] is None and data["notes"] == ()
    json.dumps(data)  # every value is JSON-ready


def test_a_dry_run_is_not_promoted_and_keeps_its_diff() -> None:
    data = promotion(dry_run=True, commit=None, diff="+ team: platform\n").to_dict()
    assert (data["promoted"], data["commit"], data["diff"]) == (False, None, "+ team: platform\n")


def test_a_pushed_promotion_names_the_remote_and_its_answer() -> None:
    data = promotion(pushed=Pushed("origin", "* [new branch]", "remote: ok")).to_dict()
    assert data["pushed"] == {
        "remote": "origin",
        "summary": "* [new branch]",
        "messages": "remote: ok",
    }


def test_a_tool_used_without_actions_has_an_empty_list() -> None:
    data = promotion(tools=(ToolUse("slack", "*", "vetted", "low"),)).to_dict()
    assert data["tools"][0]["actions"] == []


def test_the_parts_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        LINEAGE.team = "sre"  # type: ignore[misc]
