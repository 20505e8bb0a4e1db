"""Guardrails at run time: compile an agent's effective policy for Claude Code, and the guard.

Owns the compiled policy (``.claude/hub-policy.json``), the Claude Code and Agent SDK file
contents, drift checks, and the hook logic (``guard*``). May import certify, registry and
ledger (``compile`` and ``claude_code``; the session-end hook appends through the ledger's
emit). The ``guard*`` modules import only the standard library, because Claude Code starts them on
every tool call.
"""
