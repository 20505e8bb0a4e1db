"""``hub import mcp --probe``: a new Tool's actions from its live server's ``tools/list``."""

from __future__ import annotations

from typing import Any

from hubrails.core.interop.mcp_import import actions_from
from hubrails.core.mcp.client import Limits, Probe, probe, require_sdk
from hubrails.core.mcp.compare import merged

_PINS = ("description", "input_schema_sha256", "fingerprint")


def live_actions(found: Probe) -> list[dict[str, Any]]:
    """The actions of an imported Tool from what its server lists: annotated as the import
    does (MCP defaults spelled out) and pinned as ``hub mcp probe --write`` does."""
    listed = [
        {"name": t.name, "description": t.description, "annotations": t.annotations}
        for t in found.tools
    ]
    imported = {a["name"]: a for a in actions_from(listed, [])}
    return [
        {**imported[pin["name"]], **{k: pin[k] for k in _PINS if k in pin}}
        for pin in merged([], found)
    ]


def probed(document: dict[str, Any], limits: Limits | None = None) -> Probe:
    """Probe the server of the Tool ``document`` (data, as made from server.json) and fill in
    its ``spec.actions`` and ``spec.mcp.server`` from what the server says."""
    require_sdk()
    import anyio

    spec = document["spec"]
    what = f"tool {document['metadata']['name']}"

    async def run() -> Probe:
        return await probe(spec["mcp"], limits or Limits(), what=what)

    found = anyio.run(run)
    spec["mcp"]["server"] = {"name": found.server_name, "version": found.server_version}
    spec["actions"] = live_actions(found)
    return found
