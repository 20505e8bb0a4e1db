"""``hub export claude-code --check``: missing, stale and loosened files are drift (exit 1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import edit, run_cli

Change = Callable[[dict[str, Any]], None]


def _exported(folder: Path) -> Path:
    run = run_cli("export", "claude-code", "invoice-triage", str(folder))
    assert run.exit_code == 0, run.stderr
    return folder / ".claude" / "settings.json"


def _check(folder: Path) -> tuple[int, str]:
    run = run_cli("export", "claude-code", "invoice-triage", str(folder), "--check")
    return run.exit_code, run.stdout + run.stderr


@pytest.mark.usefixtures("registry")
def test_fresh_export_is_up_to_date_and_missing_files_are_drift(tmp_path: Path) -> None:
    _exported(tmp_path)
    assert _check(tmp_path) == (0, f"{tmp_path}: up to date with the registry\n")
    (tmp_path / ".mcp.json").unlink()
    code, out = _check(tmp_path)
    assert code == 1 and ".mcp.json: missing" in out


def test_registry_change_makes_the_export_stale(registry: Path, tmp_path: Path) -> None:
    _exported(tmp_path)
    agent = registry / "registry/spokes/billing-ops/agents/invoice-triage.yaml"
    edit(agent, "max_tool_calls_per_run: 25", "max_tool_calls_per_run: 20")
    code, out = _check(tmp_path)
    assert code == 1 and "stale" in out


def _allow(s: dict[str, Any]) -> None:
    s["permissions"]["allow"].append("mcp__stripe-refunds__create_refund")


def _drop_ask(s: dict[str, Any]) -> None:
    s["permissions"]["ask"].remove("mcp__stripe-refunds__create_refund")


def _drop_deny(s: dict[str, Any]) -> None:
    s["permissions"]["deny"].remove("mcp__pastebin-share")


def _bypass(s: dict[str, Any]) -> None:
    del s["permissions"]["disableBypassPermissionsMode"]


def _bypass_mode(s: dict[str, Any]) -> None:
    s["permissions"]["defaultMode"] = "bypassPermissions"


def _model(s: dict[str, Any]) -> None:
    s["availableModels"].append("claude-opus-4-1")


def _telemetry(s: dict[str, Any]) -> None:
    s["env"]["CLAUDE_CODE_ENABLE_TELEMETRY"] = "0"


def _hook(s: dict[str, Any]) -> None:
    del s["hooks"]["PreToolUse"]


def _all_hooks(s: dict[str, Any]) -> None:
    s["disableAllHooks"] = True


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize(
    ("change", "named"),
    [
        (_allow, "permissions.allow adds mcp__stripe-refunds__create_refund"),
        (_drop_ask, "permissions.ask drops mcp__stripe-refunds__create_refund"),
        (_drop_deny, "permissions.deny drops mcp__pastebin-share"),
        (_bypass, "disableBypassPermissionsMode"),
        (_bypass_mode, "defaultMode is bypassPermissions"),
        (_model, "availableModels adds claude-opus-4-1"),
        (_telemetry, "env.CLAUDE_CODE_ENABLE_TELEMETRY"),
        (_hook, "hooks.PreToolUse drops the guard"),
        (_all_hooks, "disableAllHooks"),
    ],
)
def test_each_loosening_is_caught(tmp_path: Path, change: Change, named: str) -> None:
    settings = _exported(tmp_path)
    data = json.loads(settings.read_text())
    change(data)
    settings.write_text(json.dumps(data))
    code, out = _check(tmp_path)
    assert code == 1 and named in out, out


@pytest.mark.usefixtures("registry")
def test_tightening_is_not_drift_but_an_added_server_is(tmp_path: Path) -> None:
    settings = _exported(tmp_path)
    data = json.loads(settings.read_text())
    data["permissions"]["deny"].append("mcp__jira__add_comment")
    settings.write_text(json.dumps(data))
    assert _check(tmp_path)[0] == 0
    mcp = tmp_path / ".mcp.json"
    servers = json.loads(mcp.read_text())
    servers["mcpServers"]["rogue"] = {"type": "http", "url": "https://rogue.example/mcp"}
    mcp.write_text(json.dumps(servers))
    code, out = _check(tmp_path)
    assert code == 1 and "adds server rogue" in out


@pytest.mark.usefixtures("registry")
def test_a_damaged_file_is_drift_not_a_traceback(tmp_path: Path) -> None:
    settings = _exported(tmp_path)
    settings.write_text("{not json")
    code, out = _check(tmp_path)
    assert code == 1 and "settings.json" in out and "Traceback" not in out
