"""Claude Code's OTLP log events as ledger runs: one run per ``prompt.id`` (a user's task).

Claude Code sends one log record per event; the body (or ``event.name``) names it:
``claude_code.api_request`` carries ``model``, ``cost_usd``, ``input_tokens``,
``output_tokens``, ``cache_read_tokens`` and ``cache_creation_tokens`` (its input count already
excludes the cache tokens, so nothing is subtracted), ``claude_code.tool_result`` is one tool
call, ``claude_code.api_error`` makes the run ``failed``; ``tool_result``, ``tool_decision`` and
``mcp_server_connection`` events carry the run's evidence in their ``detail``
(``claude_code_evidence``). Events of one prompt may arrive in
several requests, so they are kept as :class:`Event` rows until the run closes
(docs/collector.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson

from hubrails.core.ledger import claude_code_evidence
from hubrails.core.ledger.otlp import attributes

PREFIX = "claude_code."
API_REQUEST, API_ERROR, TOOL_RESULT = "api_request", "api_error", "tool_result"
USER_PROMPT = "user_prompt"  # where the run starts (its duration)
TOOL_DECISION, MCP_CONNECTION = "tool_decision", "mcp_server_connection"  # evidence only
KINDS = frozenset((API_REQUEST, API_ERROR, TOOL_RESULT, USER_PROMPT, TOOL_DECISION, MCP_CONNECTION))
CALLS = frozenset((API_REQUEST, API_ERROR))
DEFAULT_AGENT = "claude-code"


class Event(NamedTuple):
    """One Claude Code event that counts for a run (the columns of ``ledger_open_events``)."""

    event_key: str
    run_key: str
    session_id: str
    kind: str
    team: str | None
    agent: str | None
    model: str | None
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    cost_usd: float
    ts_ms: int
    detail: str | None = None  # what the event is evidence of (claude_code_evidence.detail)


def is_export(obj: dict[str, Any]) -> bool:
    """Whether ``obj`` is an OTLP/JSON ``ExportLogsServiceRequest``."""
    return "resourceLogs" in obj


def number(value: Any, kind: type[int] | type[float] = int) -> Any:
    """A count or amount (Claude Code sends some as strings); 0 when absent or not a number."""
    if isinstance(value, bool) or value is None:
        return kind(0)
    try:
        found = kind(value) if kind is float else int(float(value))
    except (TypeError, ValueError):
        return kind(0)
    return found if found >= 0 else kind(0)


def _ms(attrs: dict[str, Any], record: dict[str, Any]) -> int:
    stamp = attrs.get("event.timestamp")
    if isinstance(stamp, str):
        try:
            moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return int(moment.timestamp() * 1000)
        except ValueError:
            pass
    for key in ("timeUnixNano", "observedTimeUnixNano"):
        try:
            nanos = int(record.get(key) or 0)
        except (TypeError, ValueError):
            continue
        if nanos:
            return nanos // 1_000_000
    return 0


def _name(record: dict[str, Any], attrs: dict[str, Any]) -> str:
    name = record.get("eventName") or attrs.get("event.name")
    if not name:
        body = record.get("body")
        name = body.get("stringValue") if isinstance(body, dict) else None
    name = name if isinstance(name, str) else ""
    return name.removeprefix(PREFIX)


def _key(session: str, name: str, attrs: dict[str, Any], record: dict[str, Any]) -> str:
    sequence = attrs.get("event.sequence")
    if sequence is not None and not isinstance(sequence, bool):
        return f"{session}:{name}:{sequence}"
    content = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    return f"{session}:{name}:{hashlib.blake2b(content, digest_size=16).hexdigest()}"


def run_key(session: str, prompt: str | None) -> str:
    """The ``run_id`` of a prompt's run (of the session's, when events carry no ``prompt.id``)."""
    return f"claude-code:{session}:{prompt}" if prompt else f"claude-code:{session}"


def events(obj: dict[str, Any]) -> Iterator[Event]:
    """The events of an ``ExportLogsServiceRequest`` that count for runs; others are ignored."""
    for resource_logs in _list(obj, "resourceLogs"):
        resource = attributes(_dict(resource_logs, "resource").get("attributes"))
        for scope_logs in _list(resource_logs, "scopeLogs"):
            for record in _list(scope_logs, "logRecords"):
                if not isinstance(record, dict):
                    continue
                attrs = attributes(record.get("attributes"))
                name = _name(record, attrs)
                session = attrs.get("session.id", resource.get("session.id"))
                if name not in KINDS or not isinstance(session, str) or not session:
                    continue
                detail = claude_code_evidence.detail(name, attrs)
                if detail is None and name in (TOOL_DECISION, MCP_CONNECTION):
                    continue
                prompt = attrs.get("prompt.id")
                yield Event(
                    _key(session, name, attrs, record),
                    run_key(session, prompt if isinstance(prompt, str) else None),
                    session,
                    name,
                    _text(attrs.get("hub.team", resource.get("hub.team"))),
                    _text(attrs.get("hub.agent", resource.get("hub.agent"))),
                    _text(attrs.get("model")),
                    number(attrs.get("input_tokens")),
                    number(attrs.get("output_tokens")),
                    number(attrs.get("cache_read_tokens")),
                    number(attrs.get("cache_creation_tokens")),
                    number(attrs.get("cost_usd"), float) if name == API_REQUEST else 0.0,
                    _ms(attrs, record),
                    detail,
                )


def runs(found: Iterable[Event]) -> Iterator[dict[str, Any]]:
    """One ledger record (before validation) per run of ``found``, events added up; a run
    without an ``api_request`` or ``api_error`` event costs nothing and is left out."""
    by_run: dict[str, list[Event]] = {}
    for event in found:
        by_run.setdefault(event.run_key, []).append(event)
    for key, group in by_run.items():
        tokens = [0, 0, 0, 0]
        cost = 0.0
        tools = calls = 0
        failed = False
        team = agent = None
        first = last = group[0].ts_ms
        spent: dict[str, tuple[float, int]] = {}  # the run's model: the one it spent most on
        for e in group:
            first, last = min(first, e.ts_ms), max(last, e.ts_ms)
            team, agent = team or e.team, agent or e.agent
            kind = e.kind
            if kind == TOOL_RESULT:
                tools += 1
                continue
            if kind not in CALLS:
                continue
            calls += 1
            if kind == API_REQUEST:
                tokens[0] += e.input_tokens
                tokens[1] += e.output_tokens
                tokens[2] += e.cache_read_tokens
                tokens[3] += e.cache_write_tokens
                cost += e.cost_usd
            else:
                failed = True
            if e.model:
                was = spent.get(e.model, (0.0, 0))
                spent[e.model] = (was[0] + e.cost_usd, was[1] + e.output_tokens)
        if not calls:
            continue
        record: dict[str, Any] = {
            "run_id": key,
            "agent": agent or DEFAULT_AGENT,
            "input_tokens": tokens[0],
            "output_tokens": tokens[1],
            "cache_read_tokens": tokens[2],
            "cache_write_tokens": tokens[3],
            "cost_usd": round(cost, 10),
            "tool_calls": tools,
            "human_review_minutes": 0,
            "task_outcome": "failed" if failed else "resolved",
            "ts": rfc3339(last),
            "duration_ms": last - first,
        }
        if team:
            record["team"] = team
        if spent:
            record["model"] = max(spent, key=spent.__getitem__)
        yield record


def rfc3339(ms: int) -> str:
    """``ms`` since the epoch as an RFC 3339 UTC time (whole seconds in the short form the
    record check reads fastest)."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    if ms % 1000 == 0:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dict(obj: Any, key: str) -> dict[str, Any]:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, dict) else {}


def _list(obj: Any, key: str) -> list[Any]:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, list) else []
