"""Guardrails at run time: compile an agent's effective policy for Claude Code, and the guard.

Owns the compiled policy (``.claude/hub-policy.json``), the Claude Code and Agent SDK file
contents, drift checks, and the hook logic (``guard*``). ``compile`` and ``claude_code`` may
import ``core.certify`` and ``core.registry``; the ``guard*`` modules import only the standard
library, because Claude Code starts them on every tool call.
"""
