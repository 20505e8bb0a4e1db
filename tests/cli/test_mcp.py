"""``hub mcp probe`` and ``hub mcp verify`` against real MCP servers (the SDK's FastMCP)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import edit, run_cli

FIXTURES = Path(__file__).parent.parent / "fixtures" / "mcp"

MANIFEST = """\
# yaml-language-server: $schema=../../schemas/tool.schema.json
apiVersion: hubrails/v1
kind: Tool
metadata:
  name: weather
  team: platform
  version: "1.0.0"
  description: Weather forecasts.  # kept by --write
spec:
  status: vetted
  risk: low
  data_classification: public
  scopes: []
  mcp:
    transport: {transport}
{how}
  actions:
    - name: get_forecast
      risk: low  # reviewed by @acme/platform
# the end
"""


def stdio(script: str, env: tuple[str, ...] = (), args: tuple[str, ...] = ()) -> str:
    lines = [f"    command: {json.dumps(sys.executable)}", "    args:"]
    lines.append(f"      - {json.dumps(str(FIXTURES / script))}")
    lines += [f"      - {arg}" for arg in args]
    if env:
        lines += ["    env:", *(f"      - {name}" for name in env)]
    return "\n".join(lines)


def tool(root: Path, how: str, transport: str = "stdio") -> Path:
    path = root / "registry" / "tools" / "weather.yaml"
    path.write_text(MANIFEST.format(transport=transport, how=how), encoding="utf-8")
    return path


def test_probe_write_validate_verify_then_rug_pull(
    registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUG_STATE", str(tmp_path / "starts"))
    path = tool(registry, stdio("rugpull.py", ("RUG_STATE",)))

    written = run_cli("mcp", "probe", "weather", "--write")
    assert written.exit_code == 0, written.stderr
    assert "unpinned  get_forecast" in written.stdout
    assert "server weather" in written.stdout
    text = path.read_text(encoding="utf-8")
    assert "description: Weather forecasts.  # kept by --write" in text
    assert "# the end" in text
    assert "fingerprint: sha256:" in text and "input_schema_sha256: sha256:" in text
    assert "      server:\n        name: weather\n" in text or "server:" in text
    assert "risk: low" in text  # the reviewed risk is kept

    valid = run_cli("validate", "registry/tools/weather.yaml", "--format", "json")
    assert valid.exit_code == 0, valid.stdout

    # the server's second start changes the description: a rug pull
    verified = run_cli("mcp", "verify", "weather", "--format", "json")
    assert verified.exit_code == 1, verified.stdout
    findings = verified.json()["findings"]
    assert [f["rule"] for f in findings] == ["mcp-fingerprint-changed"]
    assert "get_forecast" in findings[0]["message"]
    assert "~/.ssh/id_rsa" in findings[0]["message"]
    assert "Get the weather forecast for a city." in findings[0]["message"]


def test_verify_clean_then_new_and_removed_actions(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tool(registry, stdio("addtool.py", ("ADD_TOOL",)))
    assert run_cli("mcp", "probe", "weather", "--write").exit_code == 0
    clean = run_cli("mcp", "verify", "weather")
    assert clean.exit_code == 0, clean.stdout

    monkeypatch.setenv("ADD_TOOL", "1")
    added = run_cli("mcp", "verify", "weather", "--format", "json")
    assert added.exit_code == 0, added.stdout  # a new action is a warning only
    assert [f["rule"] for f in added.json()["findings"]] == ["mcp-action-new"]
    assert "delete_city" in added.json()["findings"][0]["message"]

    assert run_cli("mcp", "probe", "weather", "--write").exit_code == 0
    assert "name: delete_city\n      risk: high" in path.read_text(encoding="utf-8")
    monkeypatch.delenv("ADD_TOOL")
    removed = run_cli("mcp", "verify", "weather", "--format", "json")
    assert removed.exit_code == 1
    assert [f["rule"] for f in removed.json()["findings"]] == ["mcp-action-removed"]


def test_only_declared_environment_variables_reach_the_server(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADD_TOOL", "1")
    tool(registry, stdio("addtool.py"))  # ADD_TOOL is not declared
    probed = run_cli("mcp", "probe", "weather")
    assert probed.exit_code == 0, probed.stderr
    assert "delete_city" not in probed.stdout


def test_a_hanging_server_is_an_error_in_time(registry: Path) -> None:
    tool(registry, stdio("hang.py"))
    started = time.monotonic()
    probed = run_cli("mcp", "probe", "weather", "--timeout", "2")
    assert probed.exit_code == 2
    assert "did not answer within 2 s" in probed.stderr
    assert "hang: starting up" in probed.stderr
    assert time.monotonic() - started < 8


def test_a_timeout_ends_the_server_and_its_children(registry: Path, tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    tool(registry, stdio("hang.py", args=(json.dumps(str(pid_file)),)))
    assert run_cli("mcp", "probe", "weather", "--timeout", "3").exit_code == 2
    child = int(pid_file.read_text(encoding="utf-8"))
    deadline = time.monotonic() + 5
    while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
        stat = Path(f"/proc/{child}/stat").read_text(encoding="utf-8", errors="replace")
        if stat.rsplit(")", 1)[-1].split()[0] == "Z":  # ended, not yet reaped by init
            break
        time.sleep(0.1)
    else:
        assert not Path(f"/proc/{child}").exists(), "the server's child outlived it"


@pytest.mark.parametrize(
    ("args", "message"),
    [((), "more than 64 KiB to stdout that is not JSON-RPC"), (("line",), "a line of over 32 MiB")],
)
def test_a_server_that_floods_stdout_is_an_error_at_once(
    registry: Path, args: tuple[str, ...], message: str
) -> None:
    tool(registry, stdio("flood.py", args=args))
    started = time.monotonic()
    probed = run_cli("mcp", "probe", "weather")
    assert probed.exit_code == 2
    assert message in probed.stderr
    assert "flood: starting up" in probed.stderr  # the stderr tail
    assert time.monotonic() - started < 15  # not the 20 s timeout


def test_a_server_that_exits_is_an_error_with_its_stderr(registry: Path) -> None:
    tool(registry, stdio("exits.py"))
    probed = run_cli("mcp", "probe", "weather")
    assert probed.exit_code == 2
    assert "missing WEATHER_API_KEY" in probed.stderr
    unreachable = run_cli("mcp", "verify", "weather", "--format", "json")
    assert unreachable.exit_code == 1
    assert [f["rule"] for f in unreachable.json()["findings"]] == ["mcp-unreachable"]
    allowed = run_cli("mcp", "verify", "weather", "--allow-unreachable")
    assert allowed.exit_code == 0


def test_streamable_http_probe_write_verify(registry: Path, http_server: str) -> None:
    path = tool(registry, f"    url: {http_server}", "streamable-http")
    written = run_cli("mcp", "probe", "weather", "--write")
    assert written.exit_code == 0, written.stderr
    assert "new       set_alert" in written.stdout
    assert run_cli("validate", "registry/tools/weather.yaml").exit_code == 0
    assert run_cli("mcp", "verify", "weather").exit_code == 0
    edit(path, "description: Set a temperature alert for a city.", "description: Set an alert.")
    # the pin is unchanged, so the edited description alone is no drift: edit the pin
    text = path.read_text(encoding="utf-8")
    first = text.index("fingerprint: sha256:") + len("fingerprint: sha256:")
    path.write_text(text[:first] + "0" * 64 + text[first + 64 :], encoding="utf-8")
    drift = run_cli("mcp", "verify", "weather", "--format", "sarif")
    assert drift.exit_code == 1
    assert "mcp-fingerprint-changed" in drift.stdout


def test_a_poisoned_description_is_caught_by_validate(registry: Path) -> None:
    tool(registry, stdio("poisoned.py"))
    written = run_cli("mcp", "probe", "weather", "--write")
    assert written.exit_code == 0, written.stderr
    valid = run_cli("validate", "registry/tools/weather.yaml", "--format", "json")
    assert valid.exit_code == 1, valid.stdout
    rules = [f["rule"] for f in valid.json()["findings"]]
    assert "mcp-invisible-text" in rules
    assert rules.count("mcp-model-instruction") == 2  # <IMPORTANT>, ignore previous instructions
    hidden = [f for f in valid.json()["findings"] if f["rule"] == "mcp-invisible-text"]
    assert all(f["severity"] == "error" and "U+E00" in f["message"] for f in hidden)


@pytest.mark.parametrize("missing", ["anyio", "mcp", "rfc8785"])
@pytest.mark.parametrize("command", [("probe", "weather"), ("verify",)])
def test_without_the_mcp_extra_it_says_so(
    registry: Path, monkeypatch: pytest.MonkeyPatch, missing: str, command: tuple[str, ...]
) -> None:
    """A plain ``pip install hubrails``: the extra to install, exit 2, never an internal error."""
    tool(registry, stdio("honest.py"))
    monkeypatch.setitem(sys.modules, missing, None)  # import MISSING -> ImportError
    run = run_cli("mcp", *command)
    assert run.exit_code == 2, run.stderr
    assert "hubrails[mcp]" in run.stderr
