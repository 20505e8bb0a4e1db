"""The bounded stdio transport: JSON-RPC lines split across reads or mixed with a little noise
reach the session; a flood of noise or an endless line is refused at once; a server that cannot
start is named; the process is stopped when the session ends."""

from __future__ import annotations

import gc
import sys
import tempfile
from pathlib import Path
from typing import Any

import anyio
import pytest

from hubrails.core.mcp import stdio
from hubrails.core.mcp.client import Limits, Probe, probe
from hubrails.errors import HubError
from tests.unit.core.mcp.conftest import Spec

FIXTURES = Path(__file__).parents[3] / "fixtures" / "mcp"


def _probe(spec: dict[str, Any], limits: Limits | None = None) -> Probe:
    async def run() -> Probe:
        return await probe(spec, limits)

    return anyio.run(run)


def _flood(mode: str) -> dict[str, Any]:
    return {"transport": "stdio", "command": sys.executable,
            "args": [str(FIXTURES / "flood.py"), mode]}  # fmt: skip


def test_a_message_split_across_reads_is_put_back_together(stub: Spec) -> None:
    found = _probe(stub(split=True, pages=[[{"name": "a"}], [{"name": "b"}]]))
    assert [t.name for t in found.tools] == ["a", "b"]


def test_a_little_noise_and_blank_lines_are_tolerated(stub: Spec) -> None:
    noise = "starting...\n\n   \n" + "log line\n" * 100
    assert [t.name for t in _probe(stub(noise=noise, pages=[[{"name": "a"}]])).tools] == ["a"]


def test_noise_over_the_limit_is_refused_quoting_it(stub: Spec) -> None:
    noise = "x" * 99 + "\n"
    within = noise * (stdio.MAX_NOISE // len(noise))
    assert _probe(stub(noise=within)).tools == []
    with pytest.raises(HubError) as caught:
        _probe(stub(noise=within + noise))
    assert caught.value.message == (
        "the MCP server: the server wrote more than 64 KiB to stdout that is not JSON-RPC "
        f"(e.g. {'x' * 80!r}); stdout is for MCP messages only"
    )


def test_a_server_that_floods_stdout_is_refused_before_the_timeout() -> None:
    with pytest.raises(HubError) as caught:
        _probe(_flood("lines"), Limits(timeout=15))
    assert "to stdout that is not JSON-RPC (e.g. 'DEBUG loading plugins" in caught.value.message
    assert caught.value.details == ["stderr: flood: starting up"]


def test_an_endless_line_is_refused_past_the_line_limit() -> None:
    with pytest.raises(HubError) as caught:
        _probe(_flood("line"), Limits(timeout=15))
    assert caught.value.message == "the MCP server: the server wrote a line of over 32 MiB"


def test_a_command_that_cannot_start_leaves_no_open_stream(tmp_path: Path) -> None:
    async def start() -> None:
        with tempfile.TemporaryFile("w+") as errlog:
            async with stdio.stdio_streams(str(tmp_path / "nope"), [], {}, str(tmp_path), errlog):
                pass  # pragma: no cover

    with pytest.raises(HubError, match=r"^cannot start .*nope: No such file or directory$"):
        anyio.run(start)
    gc.collect()  # an unclosed memory stream warns as it is collected: an error here


def test_the_streams_carry_the_session_and_the_server_exits_when_they_close(
    stub: Spec, tmp_path: Path
) -> None:
    from mcp import ClientSession

    spec = stub(name="direct", pages=[[{"name": "a"}]])

    async def session() -> tuple[str, Any]:
        with tempfile.TemporaryFile("w+") as errlog:
            streams = stdio.stdio_streams(spec["command"], spec["args"], {}, str(tmp_path), errlog)
            async with streams as (read, write), ClientSession(read, write) as client:
                init = await client.initialize()
                listed = await client.list_tools()
            return init.serverInfo.name, [t.name for t in listed.tools]

    assert anyio.run(session) == ("direct", ["a"])
