"""``hub import mcp``: live actions with ``--probe`` (the SDK's FastMCP servers, stdio and
streamable HTTP) and a server.json alone with no actions."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from hubrails.core.registry.safeyaml import parse
from tests.helpers import run_cli

FIXTURES = Path(__file__).parent.parent / "fixtures" / "mcp"


def server_json(tmp_path: Path, *, script: str = "honest.py", remote: str = "") -> Path:
    server: dict[str, object] = {"name": "io.github.acme/weather", "description": "Weather."}
    if remote:
        variables = {"port": {"description": "the local port"}}
        server["remotes"] = [{"type": "streamable-http", "url": remote, "variables": variables}]
    else:
        package = {
            "registryType": "pypi",
            "identifier": str(FIXTURES / script),
            "runtimeHint": sys.executable,
            "transport": {"type": "stdio"},
        }
        server["packages"] = [package]
    path = tmp_path / "server.json"
    path.write_text(json.dumps(server), encoding="utf-8")
    return path


def spec_of(registry: Path) -> dict[str, Any]:
    text = (registry / "registry/tools/weather.yaml").read_text(encoding="utf-8")
    return parse(text).data["spec"]  # type: ignore[no-any-return]


def test_probe_takes_the_actions_from_a_stdio_package(registry: Path, tmp_path: Path) -> None:
    run = run_cli("import", "mcp", str(server_json(tmp_path)), "--probe")
    assert run.exit_code == 0, run.stderr
    assert "(status proposed, 2 actions)" in run.stdout
    spec = spec_of(registry)
    assert spec["mcp"]["server"]["name"] == "weather"
    forecast, alert = spec["actions"]
    assert forecast["name"] == "get_forecast" and forecast["risk"] == "medium"
    assert forecast["annotations"]["readOnlyHint"] is True
    assert forecast["annotations"]["destructiveHint"] is False  # read-only: not destructive
    assert forecast["description"] == "Get the weather forecast for a city."
    assert forecast["fingerprint"].startswith("sha256:")
    assert alert["name"] == "set_alert" and alert["risk"] == "high"
    assert alert["annotations"]["destructiveHint"] is True
    assert run_cli("validate", "--format", "json").json()["findings"] == []
    verified = run_cli("mcp", "verify", "weather")
    assert verified.exit_code == 0, verified.stdout + verified.stderr


def test_probe_of_a_remote_fills_its_url_variables(
    registry: Path, tmp_path: Path, http_server: str
) -> None:
    port = http_server.rsplit(":", 1)[1].split("/")[0]
    path = server_json(tmp_path, remote="http://127.0.0.1:{port}/mcp")
    refused = run_cli("import", "mcp", str(path), "--probe")
    assert refused.exit_code == 2
    assert "needs the variable 'port' (the local port)" in refused.stderr
    run = run_cli("import", "mcp", str(path), "--probe", "--var", f"port={port}")
    assert run.exit_code == 0, run.stderr
    spec = spec_of(registry)
    assert spec["mcp"]["url"] == http_server
    assert [a["name"] for a in spec["actions"]] == ["get_forecast", "set_alert"]


def test_a_server_that_cannot_be_probed_imports_nothing(registry: Path, tmp_path: Path) -> None:
    run = run_cli("import", "mcp", str(server_json(tmp_path, script="exits.py")), "--probe")
    assert run.exit_code == 2
    assert "missing WEATHER_API_KEY" in run.stderr
    assert not (registry / "registry/tools/weather.yaml").exists()
    both = run_cli("import", "mcp", str(server_json(tmp_path)), "--probe", "--action", "x")
    assert both.exit_code == 2
    assert "leave out --tools and --action" in both.stderr


def test_a_server_json_alone_imports_with_no_actions(registry: Path, tmp_path: Path) -> None:
    run = run_cli("import", "mcp", str(server_json(tmp_path)))
    assert run.exit_code == 0, run.stderr
    assert "(status proposed, 0 actions)" in run.stdout
    assert "`hub mcp probe weather --write`" in run.stdout
    spec = spec_of(registry)
    assert spec["status"] == "proposed" and spec["actions"] == []
    assert run_cli("validate", "--format", "json").json()["findings"] == []
