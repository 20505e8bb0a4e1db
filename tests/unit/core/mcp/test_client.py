"""The bounded MCP client against a real stdio server: what a probe returns (every page of
``tools/list``), what the server gets (only its declared environment, a temporary folder),
and each way a server fails or answers too much, as a :class:`HubError` with its stderr."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

from hubrails.core.mcp import stdio
from hubrails.core.mcp.client import Limits, LiveTool, Probe, probe, require_sdk
from hubrails.errors import HubError
from tests.unit.core.mcp.conftest import Spec

TOOL: dict[str, Any] = {"name": "get_forecast", "description": "Forecast.",
        "inputSchema": {"type": "object", "properties": {"city": {"type": "string"}}},
        "annotations": {"readOnlyHint": True, "title": "Forecast"}}  # fmt: skip
NO_COMMAND = "the MCP server: the stdio server has no 'command' to start it with"


def _probe(spec: dict[str, Any], limits: Limits | None = None, what: str = "") -> Probe:
    async def run() -> Probe:
        return await probe(spec, limits, what=what)

    return anyio.run(run)


def _error(spec: dict[str, Any], limits: Limits | None = None, what: str = "") -> HubError:
    with pytest.raises(HubError) as caught:
        _probe(spec, limits, what)
    return caught.value


def test_a_probe_returns_the_server_info_and_its_tools(stub: Spec) -> None:
    found = _probe(stub(name="weather", version="2.1.0", pages=[[TOOL]]))
    assert (found.server_name, found.server_version) == ("weather", "2.1.0")
    hints = {"readOnlyHint": True, "title": "Forecast"}
    assert found.tools == [LiveTool("get_forecast", "Forecast.", TOOL["inputSchema"], hints)]


def test_every_page_of_tools_list_is_read(stub: Spec) -> None:
    pages = [[{"name": "a"}], [], [{"name": "b"}, {"name": "c"}]]
    found = _probe(stub(pages=pages))
    assert [t.name for t in found.tools] == ["a", "b", "c"]
    assert found.tools[0] == LiveTool("a", "", {"type": "object"}, {})


def test_a_server_with_no_tools_is_fine(stub: Spec) -> None:
    assert _probe(stub()).tools == []


def test_the_server_gets_only_the_environment_it_declares(
    stub: Spec, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DECLARED", "yes")
    monkeypatch.setenv("UNDECLARED", "secret")
    monkeypatch.delenv("ABSENT", raising=False)
    show = ["DECLARED", "UNDECLARED", "ABSENT"]
    spec = stub(env=("DECLARED", "ABSENT"), show_env=show,
                pages=[[{"name": "env", "description": "$ENV"}]])  # fmt: skip
    seen = json.loads(_probe(spec).tools[0].description)
    assert seen == {"DECLARED": "yes", "UNDECLARED": None, "ABSENT": None}


def test_the_server_runs_in_a_temporary_folder_removed_afterwards(stub: Spec) -> None:
    (tool,) = _probe(stub(pages=[[{"name": "cwd", "description": "$CWD"}]])).tools
    assert Path(tool.description).name.startswith("hub-mcp-")
    assert not Path(tool.description).exists()


def test_too_many_tools_are_refused(stub: Spec) -> None:
    error = _error(stub(pages=[[{"name": "a"}, {"name": "b"}]]), Limits(max_tools=1), "tool w")
    assert error.message == "the MCP server of tool w: the server lists more than 1 tools"


def test_an_endless_tools_list_is_refused(stub: Spec) -> None:
    error = _error(stub(pages=[[]], endless=True))
    assert error.message == "the MCP server: the server's tools/list goes past 50 pages"


def test_a_description_over_the_limit_is_refused(stub: Spec) -> None:
    spec = stub(pages=[[{"name": "long", "description": "x" * 11}]])
    assert _probe(spec, Limits(max_description=11)).tools[0].description == "x" * 11
    error = _error(spec, Limits(max_description=10))
    assert error.message == (
        "the MCP server: tool 'long' has a description of 11 characters (the limit is 10)"
    )


def test_a_server_that_does_not_answer_times_out_with_its_stderr(
    stub: Spec, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stdio, "GRACE", 0.1)  # the stub sleeps through its stdin's end
    error = _error(stub(stderr="warming up", hang_on="initialize"), Limits(timeout=0.5), "tool w")
    assert error.message == "the MCP server of tool w did not answer within 0.5 s"
    assert error.details == ["stderr: warming up"]


def test_a_server_that_exits_is_an_error_with_the_tail_of_its_stderr(stub: Spec) -> None:
    error = _error(stub(stderr="\n".join(f"line {i}" for i in range(15)), exit=3))
    assert error.message.startswith("cannot talk to the MCP server: ")
    assert error.details == [f"stderr: line {i}" for i in range(5, 15)]


def test_a_command_that_cannot_start_is_named(tmp_path: Path) -> None:
    nope = tmp_path / "nope"
    error = _error({"transport": "stdio", "command": str(nope)})
    assert error.message == f"the MCP server: cannot start {nope}: No such file or directory"
    assert error.details == []


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"transport": "stdio"}, NO_COMMAND),
        ({"transport": "stdio", "command": ["python"]}, NO_COMMAND),
        ({"transport": "streamable-http"},
         "the MCP server: the streamable-http server has no 'url'"),
        ({"transport": "sse", "url": 5}, "the MCP server: the sse server has no 'url'"),
    ],
)  # fmt: skip
def test_a_spec_without_command_or_url_is_refused(spec: dict[str, Any], message: str) -> None:
    assert _error(spec).message == message


def test_an_http_server_that_is_not_there_cannot_be_talked_to() -> None:
    error = _error({"transport": "streamable-http", "url": "http://127.0.0.1:9/mcp"},
                   Limits(timeout=5))  # fmt: skip
    assert error.message.startswith("cannot talk to the MCP server: ")
    assert error.details == []


def test_the_sdk_is_there_and_its_absence_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    require_sdk()
    monkeypatch.setitem(sys.modules, "rfc8785", None)
    with pytest.raises(HubError, match="hub mcp needs the MCP SDK") as caught:
        require_sdk()
    assert caught.value.hint == "pip install 'hubrails[mcp]'"
