"""``hub import mcp --probe``: a new Tool's actions from what its live server lists, annotated
as the import does and pinned as ``hub mcp probe --write`` does; and the probe filling in the
manifest's ``spec.actions`` and ``spec.mcp.server``."""

from __future__ import annotations

from typing import Any

import pytest

from hubrails.core.interop.mcp_import import HINT_DEFAULTS
from hubrails.core.mcp.client import Limits, LiveTool, Probe
from hubrails.core.mcp.compare import diff, pins
from hubrails.core.mcp.importing import live_actions, probed
from hubrails.errors import HubError
from tests.unit.core.mcp.conftest import Spec

READ = LiveTool("getForecast", "Get the\n  forecast.", {"type": "object"}, {"readOnlyHint": True})
WRITE = LiveTool("set_alert", "", {}, {})


def test_live_actions_are_annotated_rated_and_pinned() -> None:
    read, write = live_actions(Probe("weather", "1.0.0", [READ, WRITE]))
    assert read == {
        "name": "get_forecast",
        "description": "Get the\n  forecast.",  # the pinned text, as the server gives it
        "risk": "medium",
        "annotations": {**HINT_DEFAULTS, "readOnlyHint": True, "destructiveHint": False},
        "input_schema_sha256": pins(READ)["input_schema_sha256"],
        "fingerprint": pins(READ)["fingerprint"],
    }
    assert write["name"] == "set_alert" and "description" not in write
    assert (write["risk"], write["annotations"]) == ("high", HINT_DEFAULTS)


def test_live_actions_match_the_server_they_came_from() -> None:
    found = Probe("weather", "1.0.0", [READ, WRITE])
    assert diff(live_actions(found), found) == []


def test_a_server_without_tools_gives_no_actions() -> None:
    assert live_actions(Probe("x", "0", [])) == []


def _document(mcp: dict[str, Any]) -> dict[str, Any]:
    spec = {"mcp": {**mcp, "server": {"name": "old"}}, "actions": [{"name": "old"}]}
    return {"metadata": {"name": "weather"}, "spec": spec}


def test_probed_fills_in_the_server_and_its_actions(stub: Spec) -> None:
    spec = stub(name="weather", version="3.0.0", pages=[[{"name": "getForecast"}]])
    document = _document(spec)
    found = probed(document)
    assert found.server_name == "weather"
    assert document["spec"]["mcp"]["server"] == {"name": "weather", "version": "3.0.0"}
    assert document["spec"]["mcp"]["command"] == spec["command"]
    assert [a["name"] for a in document["spec"]["actions"]] == ["get_forecast"]


def test_a_failing_probe_names_the_tool_and_leaves_the_document(stub: Spec) -> None:
    document = _document(stub(pages=[[{"name": "a"}, {"name": "b"}]]))
    with pytest.raises(HubError, match=r"^the MCP server of tool weather: the server lists more"):
        probed(document, Limits(max_tools=1))
    assert document["spec"]["actions"] == [{"name": "old"}]
    assert document["spec"]["mcp"]["server"] == {"name": "old"}
