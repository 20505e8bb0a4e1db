"""``hub mcp probe`` and ``hub mcp verify`` on a registry whose Tool runs a real stdio server:
loading a Tool manifest, the vetted tools, probing (and pinning with ``write``), the findings
of each kind of change, and a verify over several servers, one of them unreachable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hubrails.core.catalog.query import load_catalog
from hubrails.core.mcp.client import Limits
from hubrails.core.mcp.compare import Change
from hubrails.core.mcp.run import findings_for, load_tool, probe_tool, verify, vetted_tools
from hubrails.core.registry.config import load_config
from hubrails.core.registry.findings import Severity
from hubrails.errors import HubError
from tests.helpers import line_of
from tests.unit.core.mcp.conftest import Spec

MANIFEST = """\
# yaml-language-server: $schema=../../schemas/tool.schema.json
apiVersion: hubrails/v1
kind: Tool
metadata:
  name: {name}
  team: platform
  version: "1.0.0"
  description: Weather forecasts.  # kept by --write
spec:
  status: vetted
  risk: low
  data_classification: public
  scopes: []
  mcp:
{mcp}
  actions:
    - name: get_forecast
      risk: low  # reviewed
"""
PATH = "registry/tools/{name}.yaml"


def _tool(root: Path, spec: dict[str, Any], name: str = "weather") -> Path:
    lines = [f"    {key}: {json.dumps(value)}" for key, value in spec.items()]
    path = root / PATH.format(name=name)
    path.write_text(MANIFEST.format(name=name, mcp="\n".join(lines)), encoding="utf-8")
    return path


FORECAST = {"name": "get_forecast", "description": "Forecast."}


def test_load_tool_reads_the_manifest(registry: Path, stub: Spec) -> None:
    path = _tool(registry, stub(pages=[[FORECAST]]))
    tool = load_tool(load_config(registry), "weather")
    assert (tool.name, tool.path) == ("weather", PATH.format(name="weather"))
    assert tool.text == path.read_text(encoding="utf-8")
    assert tool.mcp["transport"] == "stdio"
    assert tool.actions == [{"name": "get_forecast", "risk": "low"}]
    assert tool.spec["status"] == "vetted"


def test_a_manifest_of_odd_shape_has_empty_parts(registry: Path) -> None:
    path = registry / PATH.format(name="weather")
    actions = "  actions:\n    - name: get_forecast\n      risk: low  # reviewed\n"
    text = MANIFEST.format(name="weather", mcp="    x: 1").replace(actions, "  actions: none\n")
    path.write_text(text)
    tool = load_tool(load_config(registry), "weather")
    assert tool.actions == [] and tool.mcp == {"x": 1}


def test_an_unknown_tool_is_an_error(registry: Path) -> None:
    with pytest.raises(HubError):
        load_tool(load_config(registry), "no-such-tool")


def test_vetted_tools_are_the_vetted_tool_manifests(registry: Path) -> None:
    names = vetted_tools(load_catalog(load_config(registry)))
    assert "jira" in names and "legacy-wiki" not in names and "filesystem-write" not in names


def test_a_probe_reports_the_changes_and_writes_nothing(registry: Path, stub: Spec) -> None:
    path = _tool(registry, stub(pages=[[FORECAST, {"name": "setAlert"}]]))
    before = path.read_bytes()
    outcome = probe_tool(load_config(registry), "weather")
    assert (outcome.tool, outcome.written, outcome.probe.server_name) == ("weather", False, "stub")
    assert [(c.kind, c.action) for c in outcome.changes] == [
        ("unpinned", "get_forecast"),
        ("new", "set_alert"),
    ]
    assert path.read_bytes() == before


def test_a_written_probe_pins_the_server_and_keeps_the_review(registry: Path, stub: Spec) -> None:
    path = _tool(registry, stub(name="weather", version="2.0.0", pages=[[FORECAST]]))
    config = load_config(registry)
    assert probe_tool(config, "weather", write=True).written
    text = path.read_text(encoding="utf-8")
    assert "description: Weather forecasts.  # kept by --write" in text
    assert "      name: weather\n      version: 2.0.0\n" in text
    tool = load_tool(config, "weather")
    assert tool.actions[0]["risk"] == "low" and tool.actions[0]["fingerprint"].startswith("sha256:")
    assert probe_tool(config, "weather").changes == []


def test_the_findings_of_each_kind_of_change(registry: Path, stub: Spec) -> None:
    path = _tool(registry, stub())
    tool = load_tool(load_config(registry), "weather")
    changes = [
        Change("changed", "get_forecast", "Old.", "New.", 0),
        Change("removed", "get_forecast", "Old.", "", 0),
        Change("new", "extra", "", "Extra.", None),
        Change("unpinned", "get_forecast", "Old.", "Old.", 0),
    ]
    found = findings_for(tool, changes)
    assert [(f.rule, f.severity) for f in found] == [
        ("mcp-fingerprint-changed", Severity.ERROR),
        ("mcp-action-removed", Severity.ERROR),
        ("mcp-action-new", Severity.WARNING),
        ("mcp-action-unpinned", Severity.WARNING),
    ]
    assert {f.path for f in found} == {PATH.format(name="weather")}
    action = line_of(path, "- name: get_forecast")
    assert [f.line for f in found] == [action, action, line_of(path, "transport:"), action]
    assert found[0].message == (
        "action 'get_forecast' of tool weather changed on the server (fingerprint differs): "
        "pinned description 'Old.', live description 'New.'"
    )
    assert found[0].hint == "review the change, then `hub mcp probe weather --write`"
    assert (
        found[1].message
        == "action 'get_forecast' of tool weather is no longer listed by the server"
    )
    assert found[2].message == (
        "the server lists a new action 'extra' ('Extra.') not pinned in tool weather"
    )
    assert found[2].hint == "`hub mcp probe weather --write` adds it as risk: high"
    assert found[3].message == "action 'get_forecast' of tool weather has no fingerprint pinned"


def test_verify_probes_each_named_tool_and_sorts_the_findings(registry: Path, stub: Spec) -> None:
    _tool(registry, stub(pages=[[FORECAST]]), "weather")
    _tool(registry, stub(stderr="no key", exit=1), "broken")
    config = load_config(registry)
    result = verify(config, ["weather", "broken"], limits=Limits(timeout=10))
    assert result.files_checked == 2
    assert [(f.rule, f.path, f.severity) for f in result.findings] == [
        ("mcp-unreachable", PATH.format(name="broken"), Severity.ERROR),
        ("mcp-action-unpinned", PATH.format(name="weather"), Severity.WARNING),
    ]
    unreachable = result.findings[0]
    assert unreachable.message.startswith("cannot talk to the MCP server of tool broken: ")
    assert unreachable.message.endswith(" / stderr: no key")


def test_an_unreachable_server_can_be_only_a_warning(registry: Path, stub: Spec) -> None:
    _tool(registry, stub(exit=1), "broken")
    result = verify(load_config(registry), ["broken"], allow_unreachable=True)
    assert [(f.rule, f.severity) for f in result.findings] == [
        ("mcp-unreachable", Severity.WARNING)
    ]


def test_verify_without_names_checks_every_vetted_tool(registry: Path) -> None:
    for path in (registry / "registry" / "tools").glob("*.yaml"):
        path.unlink()
    result = verify(load_config(registry), [])
    assert (result.files_checked, result.findings) == (0, [])
