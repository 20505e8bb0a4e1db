"""The manifest's pinned actions against a live server's tools: the pins of one tool, the
action name each tool becomes, every kind of difference, and the actions ``--write`` leaves."""

from __future__ import annotations

from typing import Any

from hubrails.core.mcp.client import LiveTool, Probe
from hubrails.core.mcp.compare import by_action, diff, live_fingerprint, merged, pins
from hubrails.core.mcp.fingerprint import fingerprint, sha256

SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}}
HINTS = {"readOnlyHint": True, "title": "Forecast", "openWorldHint": "yes"}
FORECAST = LiveTool("getForecast", "Get the forecast.", SCHEMA, HINTS)
ALERT = LiveTool("set-alert", "Set an alert.", {}, {})


def _probe(*tools: LiveTool) -> Probe:
    return Probe("weather", "1.0.0", list(tools))


def _pinned(tool: LiveTool, **more: Any) -> dict[str, Any]:
    return {"name": by_name(tool), "risk": "low", **pins(tool), **more}


def by_name(tool: LiveTool) -> str:
    (name,) = by_action(_probe(tool))
    return name


def test_the_live_fingerprint_covers_name_description_schema_and_annotations() -> None:
    assert live_fingerprint(FORECAST) == fingerprint(
        "getForecast", "Get the forecast.", SCHEMA, FORECAST.annotations
    )


def test_pins_keep_the_description_schema_digest_boolean_hints_and_fingerprint() -> None:
    assert pins(FORECAST) == {
        "description": "Get the forecast.",
        "input_schema_sha256": sha256(SCHEMA),
        "annotations": {"readOnlyHint": True},
        "fingerprint": live_fingerprint(FORECAST),
    }


def test_a_blank_description_and_no_hints_are_not_pinned() -> None:
    assert list(pins(LiveTool("x", "  ", {}, {"title": "X"}))) == [
        "input_schema_sha256",
        "fingerprint",
    ]


def test_live_tools_are_keyed_by_their_action_names() -> None:
    assert list(by_action(_probe(FORECAST, ALERT))) == ["get_forecast", "set_alert"]


def test_matching_pins_make_no_difference() -> None:
    assert diff([_pinned(FORECAST), _pinned(ALERT)], _probe(FORECAST, ALERT)) == []


def test_each_kind_of_difference_is_found_with_its_index() -> None:
    changed = LiveTool("set-alert", "Set an alert and email everyone.", {}, {})
    actions = [
        {"name": "get_forecast", "description": "Old."},  # no fingerprint: unpinned
        _pinned(ALERT, description="Set an alert."),
        {"name": "gone", "description": "Was here.", "fingerprint": "sha256:0"},
    ]
    found = diff(actions, _probe(FORECAST, changed, LiveTool("brand_new", "New.", {}, {})))
    assert [(c.kind, c.action, c.index) for c in found] == [
        ("unpinned", "get_forecast", 0),
        ("changed", "set_alert", 1),
        ("removed", "gone", 2),
        ("new", "brand_new", None),
    ]
    assert (found[1].old_description, found[1].new_description) == (
        "Set an alert.",
        "Set an alert and email everyone.",
    )
    assert (found[2].old_description, found[2].new_description) == ("Was here.", "")
    assert found[3].new_description == "New."


def test_a_changed_schema_alone_is_a_change() -> None:
    moved = LiveTool("getForecast", FORECAST.description, {"type": "object"}, FORECAST.annotations)
    assert [c.kind for c in diff([_pinned(FORECAST)], _probe(moved))] == ["changed"]


def test_malformed_actions_are_skipped_and_their_tools_are_new() -> None:
    found = diff(["get_forecast", {"name": 3}, {}], _probe(FORECAST))
    assert [(c.kind, c.action) for c in found] == [("new", "get_forecast")]


def test_an_empty_manifest_and_server_agree() -> None:
    assert diff([], _probe()) == []
    assert merged([], _probe()) == []


def test_merged_keeps_order_and_other_keys_drops_removed_and_appends_new_as_high() -> None:
    actions = [
        {"name": "set_alert", "risk": "medium", "description": "Old.", "fingerprint": "x",
         "annotations": {"readOnlyHint": False}, "note": "kept"},
        {"name": "gone", "risk": "low"},
        "junk",
        {"name": "get_forecast", "risk": "low"},
    ]  # fmt: skip
    result = merged(actions, _probe(FORECAST, ALERT, LiveTool("extra", "", {}, {})))
    assert [a["name"] for a in result] == ["set_alert", "get_forecast", "extra"]
    assert result[0] == {"name": "set_alert", "risk": "medium", "note": "kept", **pins(ALERT)}
    assert result[1] == {"name": "get_forecast", "risk": "low", **pins(FORECAST)}
    assert result[2]["risk"] == "high" and "description" not in result[2]


def test_after_merging_nothing_differs() -> None:
    probe = _probe(FORECAST, ALERT)
    assert diff(merged([{"name": "get_forecast", "risk": "low"}], probe), probe) == []
