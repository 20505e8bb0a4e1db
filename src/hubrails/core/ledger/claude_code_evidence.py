"""Evidence in Claude Code's log events: which tools and MCP servers a run used, and which
calls were denied or gated (Claude Code's monitoring reference, "Events").

- ``claude_code.tool_result``: ``tool_name`` (an MCP tool is ``mcp__SERVER__TOOL``; with
  ``OTEL_LOG_TOOL_DETAILS=1`` its ``tool_parameters`` JSON also names ``mcp_server_name`` and
  ``mcp_tool_name``): one use of that tool.
- ``claude_code.tool_decision``: ``decision`` (``accept``/``reject``) and ``source``: a
  rejection is a denied call (by a ``hook`` such as ``hub guard``, ``config`` rules or the
  user); an acceptance by ``user_temporary``/``user_permanent`` is a call a person was asked
  about (gated); other acceptances say nothing.
- ``claude_code.mcp_server_connection``: ``status`` ``connected`` with ``server_name`` (sent
  with ``OTEL_LOG_TOOL_DETAILS=1``): the server was connected in the session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from hubrails.store import evidence_data as store

if TYPE_CHECKING:
    from hubrails.core.ledger.claude_code_logs import Event

ASKED = frozenset(("user_temporary", "user_permanent"))
_MAX = 200  # longer names are not names


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= _MAX else None


def tool_of(attrs: dict[str, Any]) -> str | None:
    """The tool an event names, MCP tools as ``mcp__SERVER__TOOL``."""
    params = attrs.get("tool_parameters")
    if isinstance(params, str) and "mcp_server_name" in params:
        try:
            parsed = orjson.loads(params)
        except orjson.JSONDecodeError:
            parsed = None
        if isinstance(parsed, dict):
            server, tool = _text(parsed.get("mcp_server_name")), _text(parsed.get("mcp_tool_name"))
            if server and tool:
                return f"{store.MCP_PREFIX}{server}__{tool}"
    return _text(attrs.get("tool_name"))


def detail(name: str, attrs: dict[str, Any]) -> str | None:
    """What an event of ``name`` (without the ``claude_code.`` prefix) is evidence of:
    ``tool:NAME``, ``denied:NAME``, ``gated:NAME``, ``mcp_server:NAME``; ``None`` if nothing."""
    if name == "tool_result":
        tool = tool_of(attrs)
        return f"{store.TOOL}:{tool}" if tool else None
    if name == "tool_decision":
        tool = tool_of(attrs)
        decision, source = attrs.get("decision"), attrs.get("source")
        if not tool:
            return None
        if decision == "reject":
            return f"{store.DENIED}:{tool}"
        if decision == "accept" and source in ASKED:
            return f"{store.GATED}:{tool}"
        return None
    if name == "mcp_server_connection" and attrs.get("status") == "connected":
        server = _text(attrs.get("server_name"))
        return f"{store.MCP_SERVER}:{server}" if server else None
    return None


def rows(found: Iterable[Event], default_agent: str = "claude-code") -> Sequence[store.Row]:
    """The evidence rows of the runs of ``found`` (events of closing runs)."""
    by_run: dict[str, list[Event]] = {}
    for event in found:
        if event.detail:
            by_run.setdefault(event.run_key, []).append(event)
    out: list[store.Row] = []
    for key, group in by_run.items():
        team = next((e.team for e in group if e.team), None)
        agent = next((e.agent for e in group if e.agent), None) or default_agent
        if team is None:
            continue
        counts: dict[tuple[str, str], int] = {}
        for e in group:
            kind, _, subject = str(e.detail).partition(":")
            if kind in store.KINDS and subject:
                counts[kind, subject] = counts.get((kind, subject), 0) + 1
        out += store.rows_of(team, agent, key, max(e.ts_ms for e in group), counts)
    return out
