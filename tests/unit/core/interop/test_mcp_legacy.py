"""The 2025-07-09 snake_case ``server.json``: how it is recognised and modernised to the
current camelCase format; and the three shapes of a ``tools/list`` result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hubrails.core.interop.mcp_legacy import is_legacy, modernise, tools_of
from hubrails.errors import HubError

FIXTURES = Path(__file__).parents[3] / "fixtures" / "mcp"


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["snake-filesystem.json", "snake-brave-search.json"])
def test_the_official_snake_case_examples_are_legacy(name: str) -> None:
    assert is_legacy(_fixture(name))


@pytest.mark.parametrize("name", ["with-package.json", "with-remote.json"])
def test_the_current_examples_are_not_legacy(name: str) -> None:
    assert not is_legacy(_fixture(name))


def test_the_legacy_schema_url_alone_marks_a_server_legacy() -> None:
    schema = "https://static.modelcontextprotocol.io/schemas/2025-07-09/server.schema.json"
    assert is_legacy({"$schema": schema, "name": "x"})
    assert not is_legacy({"$schema": 2025, "name": "x"})


def test_a_snake_case_key_deep_in_a_list_marks_a_server_legacy() -> None:
    assert is_legacy({"packages": [{"args": [{"is_required": True}]}]})
    assert is_legacy({"version_detail": {}})
    assert not is_legacy({"packages": [{"args": ["is_required"]}], "description": "value_hint"})


def test_the_filesystem_example_is_modernised() -> None:
    server = modernise(_fixture("snake-filesystem.json"))
    assert server["version"] == "1.0.2" and "version_detail" not in server
    npm, docker = server["packages"]
    assert (npm["registryType"], npm["identifier"]) == (
        "npm",
        "@modelcontextprotocol/server-filesystem",
    )
    assert "name" not in npm and "registry_name" not in npm
    assert npm["packageArguments"][0]["valueHint"] == "target_dir"
    assert npm["packageArguments"][0]["isRequired"] is True
    assert npm["environmentVariables"][0]["name"] == "LOG_LEVEL"
    assert docker["registryType"] == "oci" and docker["identifier"] == "mcp/filesystem"
    assert docker["runtimeArguments"][0]["name"] == "--mount"  # an argument keeps its name
    assert not is_legacy(server)


def test_modernise_leaves_its_input_unchanged() -> None:
    original = _fixture("snake-filesystem.json")
    copy = json.loads(json.dumps(original))
    modernise(copy)
    assert copy == original


def test_a_given_version_and_identifier_win_over_the_legacy_ones() -> None:
    package = {"identifier": "id", "name": "old", "registry_type": "pypi"}
    server = modernise({"version": "2.0.0", "version_detail": {"version": "1.0.0"},
                        "packages": [package]})  # fmt: skip
    kept = {"identifier": "id", "name": "old", "registryType": "pypi"}
    assert server == {"version": "2.0.0", "packages": [kept]}


def test_odd_legacy_shapes_are_left_as_they_are() -> None:
    server = modernise({"version_detail": "1.0", "packages": ["npm", {"registry_name": 7}],
                        "transport_type": "stdio", "website_url": "https://x"})  # fmt: skip
    assert server == {"packages": ["npm", {"registryType": 7}], "type": "stdio",
                      "websiteUrl": "https://x"}  # fmt: skip


def test_the_json_rpc_response_of_the_specification_gives_its_tools() -> None:
    tools, (note,) = tools_of(_fixture("tools-list-response.json"), "tools.json")
    assert [t["name"] for t in tools] == ["get_weather"]
    assert "nextCursor is set" in note  # the example is one page


def test_a_bare_list_and_a_result_object_give_their_tools() -> None:
    assert tools_of([{"name": "a"}], "s") == ([{"name": "a"}], [])
    assert tools_of({"tools": []}, "s") == ([], [])


def test_one_page_of_a_paged_result_says_so() -> None:
    tools, (note,) = tools_of({"tools": [{"name": "a"}], "nextCursor": "p2"}, "page.json")
    assert tools == [{"name": "a"}]
    assert note.startswith("page.json is one page of tools/list (nextCursor is set)")


def test_a_json_rpc_error_response_is_an_error_with_its_message() -> None:
    response = {"jsonrpc": "2.0", "id": 1, "error": {"code": -32601, "message": "no such method"}}
    with pytest.raises(HubError) as caught:
        tools_of(response, "t.json")
    assert caught.value.message == "t.json is a JSON-RPC error response: no such method"
    assert caught.value.path == "t.json"
    with pytest.raises(HubError, match="error response: no message"):
        tools_of({"jsonrpc": "2.0", "error": {}}, "t.json")


@pytest.mark.parametrize(
    "listed", [{"tools": "x"}, {"jsonrpc": "2.0", "result": None}, "tools", 3, {"result": {}}]
)
def test_anything_else_is_not_a_tools_list_result(listed: Any) -> None:
    with pytest.raises(HubError, match=r"t\.json is not a tools/list result") as caught:
        tools_of(listed, "t.json")
    assert caught.value.hint is not None and '{"tools": [...]}' in caught.value.hint
