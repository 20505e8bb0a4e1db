"""The catalog renderers on hand-built entries, in both formats."""

from __future__ import annotations

import io
import json

from hubrails.core.catalog.query import Hit
from hubrails.core.catalog.snapshot import Entry
from hubrails.core.validate.reports import Asset
from hubrails.render import OutputFormat, catalog_renderer

TOOL = Entry(
    "registry/tools/github.yaml",
    Asset("Tool", "github", 1, 1, "platform", "1.2.0", "production", "approved", "Read   repos"),
    0,
)
AGENT = Entry(
    "registry/spokes/sre/agents/bot.yaml",
    Asset("Agent", "bot", 1, 1, "sre", None, "experimental", None, "x" * 70, labels=(("a", "b"),)),
    2,
)


def _render(fmt: OutputFormat, method: str, *args: object) -> str:
    out = io.StringIO()
    getattr(catalog_renderer(fmt), method)(*args, out)
    return out.getvalue()


def test_text_list_is_aligned_columns_with_clipped_descriptions_and_a_count() -> None:
    assert _render(OutputFormat.TEXT, "render_list", [TOOL, AGENT]) == (
        "KIND   NAME    VERSION  TEAM      STATE                  DESCRIPTION\n"
        "tool   github  1.2.0    platform  approved               Read repos\n"
        f"agent  bot     -        sre       experimental,2 errors  {'x' * 59}…\n"
        "\n2 assets\n"
    )
    assert _render(OutputFormat.TEXT, "render_list", []) == "no assets match\n"


def test_json_list_and_search_are_one_line_documents_with_every_field() -> None:
    listed = _render(OutputFormat.JSON, "render_list", [AGENT])
    assert listed.count("\n") == 1
    [asset] = json.loads(listed)["assets"]
    assert asset == {
        "kind": "Agent",
        "name": "bot",
        "version": None,
        "team": "sre",
        "lifecycle": "experimental",
        "status": None,
        "description": "x" * 70,
        "labels": {"a": "b"},
        "path": "registry/spokes/sre/agents/bot.yaml",
        "errors": 2,
    }
    found = json.loads(_render(OutputFormat.JSON, "render_search", "git", [Hit(TOOL, 7)]))
    assert (found["version"], found["query"], found["hits"][0]["score"]) == (1, "git", 7)


def test_text_search_without_hits() -> None:
    assert _render(OutputFormat.TEXT, "render_search", "zz", []) == "nothing matches 'zz'\n"
