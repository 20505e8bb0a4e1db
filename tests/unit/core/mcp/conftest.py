"""A small real MCP server over stdio, standard library only (it starts in milliseconds, where
the SDK's FastMCP takes a second): it answers ``initialize`` and ``tools/list`` as a script
tells it, and can also write noise, split its lines, write to stderr, hang or exit."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SERVER = r"""
import json, os, sys, time

plan = json.loads(sys argv_placeholder)
out = sys.stdout.buffer
if plan.get("stderr"):
    sys.stderr.write(plan["stderr"] + "\n")
    sys.stderr.flush()
if "exit" in plan:
    sys.exit(plan["exit"])
out.write(plan.get("noise", "").encode())
out.flush()


def send(message):
    body = json.dumps(message).encode() + b"\n"
    if plan.get("split"):
        out.write(body[:7])
        out.flush()
        time.sleep(0.02)
        out.write(body[7:])
    else:
        out.write(body)
    out.flush()


def tools(page):
    found = []
    for tool in plan.get("pages", [[]])[page] if page < len(plan.get("pages", [[]])) else []:
        tool = dict(tool)
        if tool.get("description") == "$ENV":
            tool["description"] = json.dumps(
                {name: os.environ.get(name) for name in plan.get("show_env", [])}
            )
        if tool.get("description") == "$CWD":
            tool["description"] = os.getcwd()
        tool.setdefault("inputSchema", {"type": "object"})
        found.append(tool)
    return found


for line in sys.stdin:
    request = json.loads(line)
    method, rid = request.get("method"), request.get("id")
    if rid is None:
        continue
    if plan.get("hang_on") == method:
        time.sleep(60)
    if method == "initialize":
        version = request["params"]["protocolVersion"]
        info = {"name": plan.get("name", "stub"), "version": plan.get("version", "0.1.0")}
        send({"jsonrpc": "2.0", "id": rid, "result": {
            "protocolVersion": version, "capabilities": {"tools": {}}, "serverInfo": info}})
    elif method == "tools/list":
        cursor = (request.get("params") or {}).get("cursor")
        page = int(cursor) if cursor else 0
        result = {"tools": tools(page)}
        if plan.get("endless") or page + 1 < len(plan.get("pages", [[]])):
            result["nextCursor"] = str(page + 1)
        send({"jsonrpc": "2.0", "id": rid, "result": result})
    else:
        send({"jsonrpc": "2.0", "id": rid, "error": {"code": -32601, "message": "no"}})
""".replace("sys argv_placeholder", "sys.argv[1]")


Spec = Callable[..., dict[str, Any]]


@pytest.fixture
def stub(tmp_path: Path) -> Spec:
    """``stub(**plan)``: the ``spec.mcp`` of a stdio server following ``plan`` (``pages`` of
    tools, ``name``, ``version``, ``noise``, ``split``, ``stderr``, ``exit``, ``hang_on``,
    ``endless``, ``show_env`` with a tool described ``$ENV``, a tool described ``$CWD``)."""
    script = tmp_path / "stub_server.py"
    script.write_text(SERVER, encoding="utf-8")

    def spec(env: tuple[str, ...] = (), **plan: Any) -> dict[str, Any]:
        found: dict[str, Any] = {"transport": "stdio", "command": sys.executable,
                                 "args": ["-S", str(script), json.dumps(plan)]}  # fmt: skip
        if env:
            found["env"] = list(env)
        return found

    return spec
