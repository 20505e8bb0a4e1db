"""Helpers for the runtime tests: SchemaStore's settings schema, exports, hook payloads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

from tests.helpers import run_cli

FIXTURES = Path(__file__).parent / "fixtures"
AGENTS = ("incident-triage", "invoice-triage", "release-notes", "ticket-responder")


@cache
def settings_schema() -> dict[str, Any]:
    """SchemaStore's claude-code-settings.json (see fixtures/schemastore/SOURCE.md)."""
    data: dict[str, Any] = json.loads(
        (FIXTURES / "schemastore" / "claude-code-settings.json").read_text(encoding="utf-8")
    )
    return data


def schema_errors(settings: dict[str, Any]) -> list[str]:
    """Every way ``settings`` breaks SchemaStore's schema."""
    import jsonschema

    validator = jsonschema.Draft7Validator(settings_schema())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(settings)]


def export(agent: str, folder: Path, *extra: str) -> dict[str, Any]:
    """``hub export claude-code AGENT FOLDER --format json``: the files it would write."""
    run = run_cli("export", "claude-code", agent, str(folder), "--format", "json", *extra)
    assert run.exit_code == 0, run.stderr
    files: dict[str, Any] = run.json()["files"]
    return files


def payload(tool: str, call: str = "toolu_01", session: str = "sess-1", **more: Any) -> str:
    """A PreToolUse hook input as Claude Code sends it."""
    event = {
        "session_id": session,
        "transcript_path": f"/home/u/.claude/projects/-work-app/{session}.jsonl",
        "cwd": "/work/app",
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": {"query": "x"},
        "tool_use_id": call,
        **more,
    }
    return json.dumps(event)


def hub_process(
    args: list[str], stdin: str | bytes, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``hub ARGS`` as Claude Code runs a hook: a separate process, input on stdin."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    full = {**os.environ, **(env or {})}
    full.pop("HUB_DEBUG", None)
    code = "import sys; from hubrails.cli import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, *args], input=data, capture_output=True, env=full, timeout=60
    )
