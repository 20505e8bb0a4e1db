"""Token usage and tool calls of one Claude Code session, from its JSONL transcripts.

Claude Code writes an assistant message once per content block while it streams, each copy
with the message's usage: a message counts once, by ``message.id`` with its ``requestId``.
Subagents write their own files, ``SESSION/subagents/agent-*.jsonl`` beside the session's
transcript (older versions: ``agent-*.jsonl`` in the same folder, naming the session).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIELDS = (
    ("input", "input_tokens"),
    ("output", "output_tokens"),
    ("cache_read", "cache_read_input_tokens"),
    ("cache_write", "cache_creation_input_tokens"),
)
MAX_LINE = 16 * 1024 * 1024


@dataclass
class Usage:
    """Tokens of one model."""

    input: int = 0
    output: int = 0
    cache_read: int = 0
    cache_write: int = 0

    @property
    def total(self) -> int:
        """Every token, for picking the session's main model."""
        return self.input + self.output + self.cache_read + self.cache_write


@dataclass
class Session:
    """What a session's transcripts add up to."""

    models: dict[str, Usage] = field(default_factory=dict)
    tool_calls: int = 0
    tool_names: dict[str, int] = field(default_factory=dict)  # tool_use blocks per tool name
    messages: int = 0
    files: list[Path] = field(default_factory=list)
    bad_lines: int = 0
    first_ts: str | None = None
    last_ts: str | None = None


def transcript_files(main: Path, session_id: str) -> list[Path]:
    """The session's transcript and its subagents' transcripts (none without the first)."""
    if not main.is_file():
        return []
    found = [main]
    sub = main.parent / main.stem / "subagents"
    if sub.is_dir():
        found += sorted(p for p in sub.glob("*.jsonl") if p.is_file())
    for legacy in sorted(main.parent.glob("agent-*.jsonl")):
        if _names_session(legacy, session_id):
            found.append(legacy)
    return found


def _names_session(path: Path, session_id: str) -> bool:
    try:
        with path.open("rb") as f:
            line = f.readline(MAX_LINE)
        entry = json.loads(line)
    except (OSError, ValueError):
        return False
    return isinstance(entry, dict) and entry.get("sessionId") == session_id


def summarise(files: list[Path]) -> Session:
    """Usage per model and tool calls over ``files``, each streamed message counted once."""
    out = Session(files=list(files))
    seen: dict[tuple[str, str], tuple[str, dict[str, int]]] = {}
    tools: set[str] = set()
    for path in files:
        with path.open("rb") as f:
            for raw in f:
                entry = _entry(raw)
                if entry is None:
                    out.bad_lines += raw.strip() != b""
                    continue
                _take(entry, out, seen, tools)
    for model, usage in seen.values():
        total = out.models.setdefault(model, Usage())
        for attr, _ in FIELDS:
            setattr(total, attr, getattr(total, attr) + usage[attr])
    out.messages = len(seen)
    out.tool_calls = len(tools)
    return out


def _entry(raw: bytes) -> dict[str, Any] | None:
    try:
        entry = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return entry if isinstance(entry, dict) else None


def _take(
    entry: dict[str, Any],
    out: Session,
    seen: dict[tuple[str, str], tuple[str, dict[str, int]]],
    tools: set[str],
) -> None:
    ts = entry.get("timestamp")
    if isinstance(ts, str):
        out.first_ts = ts if out.first_ts is None or ts < out.first_ts else out.first_ts
        out.last_ts = ts if out.last_ts is None or ts > out.last_ts else out.last_ts
    message = entry.get("message")
    if entry.get("type") != "assistant" or not isinstance(message, dict):
        return
    for block in message.get("content") or []:
        if isinstance(block, dict) and block.get("type") == "tool_use":
            call = str(block.get("id") or f"{len(tools)}")
            name = block.get("name")
            if call not in tools and isinstance(name, str) and name:
                out.tool_names[name] = out.tool_names.get(name, 0) + 1
            tools.add(call)
    usage = message.get("usage")
    model = message.get("model")
    if not isinstance(usage, dict) or not isinstance(model, str) or model == "<synthetic>":
        return
    key = (str(message.get("id") or id(entry)), str(entry.get("requestId") or ""))
    counts = {attr: _int(usage.get(name)) for attr, name in FIELDS}
    if key in seen:  # a streamed copy: the largest count of each field is the final one
        old = seen[key][1]
        counts = {attr: max(old[attr], counts[attr]) for attr in counts}
    seen[key] = (model, counts)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return 0
    return int(value)
