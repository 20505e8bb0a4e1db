"""The tests' honest weather server on the SDK's low-level ``Server`` with as few imports as
the SDK allows: ``mcp/__init__`` and ``mcp/server/__init__`` (which import the client, FastMCP,
Starlette and uvicorn) are skipped by registering the bare packages first, and httpx's command
line (rich, click, pygments) is not loaded. ~0.6 s of CPU to start instead of FastMCP's ~0.85 s.
"""

from __future__ import annotations

import importlib.util
import sys
import types

sys.modules["httpx._main"] = None  # type: ignore[assignment]  # httpx then skips its CLI
for package in ("mcp", "mcp.server"):
    found = importlib.util.find_spec(package)
    assert found is not None and found.submodule_search_locations is not None
    bare = types.ModuleType(package)
    bare.__path__ = list(found.submodule_search_locations)
    bare.__spec__ = found
    sys.modules[package] = bare

import anyio  # noqa: E402
from mcp import types as mt  # noqa: E402
from mcp.server.lowlevel import Server  # noqa: E402
from mcp.server.stdio import stdio_server  # noqa: E402

server: Server = Server("weather")
CITY = {"city": {"type": "string"}}


@server.list_tools()  # type: ignore[no-untyped-call,untyped-decorator]
async def list_tools() -> list[mt.Tool]:
    """The two tools of the honest fixture."""
    read_only = mt.ToolAnnotations(readOnlyHint=True, openWorldHint=True)
    return [
        mt.Tool(
            name="get_forecast",
            description="Get the weather forecast for a city.",
            inputSchema={"type": "object", "properties": {**CITY, "days": {"type": "integer"}}},
            annotations=read_only,
        ),
        mt.Tool(
            name="set_alert",
            description="Set a temperature alert for a city.",
            inputSchema={"type": "object", "properties": {**CITY, "threshold": {"type": "number"}}},
        ),
    ]


async def main() -> None:
    """Serve over stdio until stdin closes."""
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


if __name__ == "__main__":
    anyio.run(main)
