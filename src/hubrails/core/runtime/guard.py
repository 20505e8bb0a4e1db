"""The PreToolUse guard's decisions: pure functions on the hook input and the compiled policy.

Claude Code's hook contract (hooks reference, PreToolUse): the input is one JSON object on
stdin with ``session_id``, ``transcript_path``, ``cwd``, ``permission_mode``,
``hook_event_name``, ``tool_name``, ``tool_input`` and ``tool_use_id``; the answer is
``{"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "allow" |
"deny" | "ask", "permissionDecisionReason": ...}}`` on stdout with exit 0. Standard library
only: this runs on every tool call.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False  # no typing import at run time: every millisecond counts here
if TYPE_CHECKING:
    from typing import Any

UNSIGNED = ("generated_by", "registry", "digest")  # keys of hub-policy.json outside the digest
FORMAT = 1
MCP_PREFIX = "mcp__"


class Verdict:
    """``decision`` is deny, ask, or None (no opinion: Claude Code's rules decide)."""

    __slots__ = ("call_id", "decision", "reason", "session")

    def __init__(
        self, decision: str | None, reason: str = "", session: str = "", call_id: str = ""
    ) -> None:
        self.decision = decision
        self.reason = reason
        self.session = session
        self.call_id = call_id

    def __repr__(self) -> str:
        return f"Verdict({self.decision!r}, {self.reason!r})"


def sha256_hex(data: bytes) -> str:
    """SHA-256 without hashlib, whose OpenSSL load costs more than the whole decision."""
    try:
        from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]  # 3.12+
    except ImportError:
        try:
            from _sha256 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
        except ImportError:
            from hashlib import sha256
    digest: str = sha256(data).hexdigest()
    return digest


def deny(reason: str) -> Verdict:
    """A denial (``hub guard:`` prefixed)."""
    return Verdict("deny", f"hub guard: {reason}")


def answer(verdict: Verdict) -> dict[str, Any]:
    """The hook's stdout object for ``verdict``."""
    if verdict.decision is None:
        return {}
    return {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": verdict.decision,
            "permissionDecisionReason": verdict.reason,
        }
    }


def digest_of(document: dict[str, Any]) -> str:
    """The digest a compiled policy document must carry."""
    body = {k: v for k, v in document.items() if k not in UNSIGNED}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return sha256_hex(text.encode())


def policy_problem(document: Any) -> str | None:
    """Why ``document`` is not a usable compiled policy (``None`` when it is)."""
    if not isinstance(document, dict):
        return "is not a JSON object"
    if document.get("format") != FORMAT:
        return f"has format {document.get('format')!r}; this hub reads format {FORMAT}"
    if not isinstance(document.get("servers"), dict):
        return "has no servers mapping"
    if document.get("digest") != digest_of(document):
        return "was edited after export (its digest does not match); export it again"
    return None


def parse_event(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """The hook input as a mapping, or ``None`` and why it is malformed."""
    try:
        event = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "the hook input is not UTF-8"
    except (ValueError, RecursionError) as exc:
        return None, f"the hook input is not JSON ({str(exc)[:80]})"
    if not isinstance(event, dict):
        return None, f"the hook input is a JSON {type(event).__name__}, not an object"
    return event, ""


def _malformed(event: dict[str, Any]) -> str | None:
    name = event.get("hook_event_name")
    if name is not None and name != "PreToolUse":
        return f"expected a PreToolUse event, got {str(name)[:40]!r}"
    for key in ("session_id", "tool_name"):
        value = event.get(key)
        if not isinstance(value, str) or not value:
            return f"the hook input has no {key} string"
    if not isinstance(event.get("tool_input"), dict):
        return "the hook input has no tool_input object"
    if not isinstance(event.get("tool_use_id", ""), str):
        return "the hook input's tool_use_id is not a string"
    return None


def call_id(event: dict[str, Any]) -> str:
    """One id per tool call: ``tool_use_id``, else a digest of the call itself."""
    given = event.get("tool_use_id")
    if isinstance(given, str) and given:
        return given
    text = json.dumps([event.get("tool_name"), event.get("tool_input")], sort_keys=True)
    return "sha256:" + sha256_hex(text.encode())


def decide(event: dict[str, Any], policy: dict[str, Any], where: str) -> Verdict:
    """The policy's verdict on one tool call (before the per-session limit)."""
    problem = _malformed(event)
    if problem is not None:
        return deny(problem)
    session, cid = str(event["session_id"]), call_id(event)
    tool = str(event["tool_name"])
    if not tool.startswith(MCP_PREFIX):
        return Verdict(None, "", session, cid)
    server, sep, action = tool[len(MCP_PREFIX) :].partition("__")
    if not server or not sep or not action:
        return deny(f"'{tool[:80]}' is not an mcp__SERVER__ACTION tool name")
    who = f"agent '{policy.get('agent')}'" if policy.get("agent") else f"the {policy.get('scope')}"
    denied = policy.get("denied_servers")
    if isinstance(denied, dict) and server in denied:
        return deny(f"MCP server '{server}' is denied by {where} (denied_servers.{server}: "
                    f"{denied[server]})")  # fmt: skip
    entry = policy["servers"].get(server)
    if not isinstance(entry, dict):
        return deny(f"MCP server '{server}' is not in the compiled policy {where} (servers)")
    actions = entry.get("actions")
    rule = actions.get(action) if isinstance(actions, dict) else None
    if not isinstance(rule, dict):
        return deny(f"'{action}' on '{server}' is not declared for {who} in {where} "
                    f"(servers.{server}.actions)")  # fmt: skip
    if rule.get("decision") == "ask":
        reason = (f"hub policy gates {server}.{action}: {rule.get('why')} "
                  f"({where}: servers.{server}.actions.{action})")  # fmt: skip
        return Verdict("ask", reason, session, cid)
    if rule.get("decision") != "allow":
        return deny(f"servers.{server}.actions.{action} in {where} has no valid decision")
    return Verdict(None, "", session, cid)


def limit_of(policy: dict[str, Any]) -> int | None:
    """``limits.max_tool_calls_per_run`` of the compiled policy (``None``: no limit)."""
    limits = policy.get("limits")
    value = limits.get("max_tool_calls_per_run") if isinstance(limits, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def over_limit(limit: int, where: str) -> Verdict:
    """The denial once a session has made ``limit`` tool calls."""
    return deny(f"this session has made {limit} tool calls, the most that "
                f"limits.max_tool_calls_per_run allows ({where})")  # fmt: skip
