"""``hub import mcp`` on the MCP registry's official examples (tests/fixtures/mcp/SOURCE.md):
a tools/list JSON-RPC response, a valueHint-only argument, URL variables, the 2025-07-09
snake_case format."""

from __future__ import annotations

from pathlib import Path

from hubrails.core.registry.safeyaml import parse
from tests.helpers import run_cli

FIXTURES = Path(__file__).parent.parent / "fixtures/mcp"


def imported(registry: Path, name: str) -> dict[str, object]:
    spec = parse((registry / f"registry/tools/{name}.yaml").read_text(encoding="utf-8")).data
    assert run_cli("validate", f"registry/tools/{name}.yaml").exit_code == 0
    return spec["spec"]  # type: ignore[no-any-return]


def test_tools_list_json_rpc_response_is_accepted(registry: Path) -> None:
    run = run_cli(
        "import", "mcp", str(FIXTURES / "with-package.json"),
        "--tools", str(FIXTURES / "tools-list-response.json"),
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    assert "nextCursor is set" in run.stdout
    assert "(status proposed, 1 action)\n" in run.stdout
    actions = imported(registry, "local-weather")["actions"]
    assert [a["name"] for a in actions] == ["get_weather"]  # type: ignore[attr-defined]


def test_a_json_rpc_error_and_a_wrong_shape_name_the_tools_file(
    registry: Path, tmp_path: Path
) -> None:
    error = tmp_path / "error.json"
    error.write_text('{"jsonrpc": "2.0", "id": 1, "error": {"code": -32601, "message": "nope"}}')
    other = tmp_path / "other.json"
    other.write_text('{"servers": []}')
    server = str(FIXTURES / "with-package.json")
    run = run_cli("import", "mcp", server, "--tools", str(error))
    assert run.exit_code == 2
    assert f"{error} is a JSON-RPC error response: nope" in run.stderr
    run = run_cli("import", "mcp", server, "--tools", str(other))
    assert run.exit_code == 2
    assert f"{other} is not a tools/list result" in run.stderr
    assert "server.json" not in run.stderr.splitlines()[0]


def test_a_value_hint_only_argument_is_said_or_filled(registry: Path) -> None:
    server = str(FIXTURES / "with-package.json")
    run = run_cli("import", "mcp", server, "--action", "get_weather")
    assert run.exit_code == 0, run.stderr
    assert "argument 'config_path' has no value and was left out" in run.stdout
    assert run_cli("catalog", "ls").exit_code == 0
    (registry / "registry/tools/local-weather.yaml").unlink()
    args = ("--action", "get_weather", "--var", "config_path=/etc/weather.json")
    assert run_cli("import", "mcp", server, *args).exit_code == 0
    mcp = imported(registry, "local-weather")["mcp"]
    assert mcp["args"] == [  # type: ignore[index]
        "-y", "@modelcontextprotocol/server-weather@1.0.0", "/etc/weather.json", "--port", "8080"
    ]  # fmt: skip


def test_with_remote_url_variables(registry: Path) -> None:
    server = str(FIXTURES / "with-remote.json")
    run = run_cli("import", "mcp", server, "--action", "get_weather")
    assert run.exit_code == 2
    assert "the remote URL https://{host}/mcp needs the variable 'host' (API host)" in run.stderr
    assert "--var host=VALUE; the server suggests api.example.com" in run.stderr
    args = ("--action", "get_weather", "--var", "host=weather.acme.example")
    run = run_cli("import", "mcp", server, *args)
    assert run.exit_code == 0, run.stderr
    assert "header(s) Authorization" in run.stdout
    mcp = imported(registry, "remote-weather")["mcp"]
    assert mcp == {"transport": "streamable-http", "url": "https://weather.acme.example/mcp"}


def test_the_snake_case_2025_07_09_format_is_read(registry: Path) -> None:
    run = run_cli("import", "mcp", str(FIXTURES / "snake-brave-search.json"), "--action", "search")
    assert run.exit_code == 0, run.stderr
    assert "older snake_case format (2025-07-09)" in run.stdout
    spec = imported(registry, "brave-search")
    assert spec["mcp"] == {
        "transport": "stdio",
        "package": {
            "registry_type": "npm",
            "identifier": "@modelcontextprotocol/server-brave-search",
            "version": "1.0.2",
        },
        "command": "npx",
        "args": ["-y", "@modelcontextprotocol/server-brave-search@1.0.2"],
        "env": ["BRAVE_API_KEY"],
    }
    run = run_cli("import", "mcp", str(FIXTURES / "snake-filesystem.json"), "--action", "read")
    assert run.exit_code == 0, run.stderr
    assert imported(registry, "filesystem")["mcp"]["args"][-1] == (  # type: ignore[index]
        "/Users/username/Desktop"
    )
