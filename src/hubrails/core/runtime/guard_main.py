"""``hub guard pre-tool-use`` and ``hub guard session-end``: what Claude Code runs as hooks.

:func:`main` in ``hubrails.cli`` dispatches here before typer is imported, so a hook process
imports only the standard library and these modules. Every failure of ``pre-tool-use`` is a
denial (fail closed), never a traceback.
"""

from __future__ import annotations

import json
import os
import sys

from hubrails.core.runtime import guard

TYPE_CHECKING = False  # no typing import at run time
if TYPE_CHECKING:
    from typing import Any, BinaryIO, TextIO

MAX_INPUT = 8 * 1024 * 1024
MAX_POLICY = 4 * 1024 * 1024
POLICY_REL = (".claude", "hub-policy.json")
USAGE = "usage: hub guard pre-tool-use|session-end [--policy PATH]\n"


def policy_path(args: list[str], event: dict[str, Any] | None) -> str:
    """``--policy PATH``, else ``$CLAUDE_PROJECT_DIR/.claude/hub-policy.json``, else the
    hook input's ``cwd``."""
    if "--policy" in args:
        at = args.index("--policy")
        if at + 1 < len(args):
            return args[at + 1]
    for key, value in args_equals(args):
        if key == "--policy":
            return value
    project = os.environ.get("CLAUDE_PROJECT_DIR")
    if not project and event is not None and isinstance(event.get("cwd"), str):
        project = event["cwd"]
    return os.path.join(project or ".", *POLICY_REL)  # noqa: PTH118


def args_equals(args: list[str]) -> list[tuple[str, str]]:
    """``--key=value`` arguments."""
    return [
        (a.split("=", 1)[0], a.split("=", 1)[1]) for a in args if a.startswith("--") and "=" in a
    ]


def load_policy(path: str) -> tuple[dict[str, Any] | None, str]:
    """The compiled policy at ``path``, or ``None`` and why it cannot be used."""
    try:
        with open(path, "rb") as f:  # noqa: PTH123
            raw = f.read(MAX_POLICY + 1)
    except OSError as exc:
        return None, f"no compiled policy at {path} ({exc.strerror}); run hub export claude-code"
    if len(raw) > MAX_POLICY:
        return None, f"the compiled policy {path} is larger than {MAX_POLICY} bytes"
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, f"the compiled policy {path} is not JSON; run hub export claude-code"
    problem = guard.policy_problem(document)
    if problem is not None:
        return None, f"the compiled policy {path} {problem}"
    return document, ""


def read_input(stdin: BinaryIO) -> tuple[dict[str, Any] | None, str]:
    """The hook input, capped at :data:`MAX_INPUT` bytes."""
    raw = stdin.read(MAX_INPUT + 1)
    if len(raw) > MAX_INPUT:
        return None, f"the hook input is larger than {MAX_INPUT} bytes"
    return guard.parse_event(raw)


def pre_tool_use(args: list[str], stdin: BinaryIO, stdout: TextIO) -> int:
    """Judge one tool call; always answers (deny on any failure)."""
    event, problem = read_input(stdin)
    verdict = guard.deny(problem) if event is None else None
    if event is not None:
        path = policy_path(args, event)
        policy, why = load_policy(path)
        if policy is None:
            verdict = guard.deny(why)
        else:
            verdict = guard.decide(event, policy, path)
            limit = guard.limit_of(policy)
            if verdict.decision != "deny" and limit is not None:
                from hubrails.core.runtime import guard_state  # fcntl: Linux and macOS

                folder = guard_state.state_dir(path)
                if not guard_state.count_call(folder, verdict.session, verdict.call_id, limit):
                    verdict = guard.over_limit(limit, path)
    assert verdict is not None
    if verdict.decision is not None and event is not None:
        _note(args, event, verdict.decision)
    stdout.write(json.dumps(guard.answer(verdict)) + "\n")
    return 0


def _note(args: list[str], event: dict[str, Any], decision: str) -> None:
    """Keep a denial or gate for the session's evidence (never fails the answer)."""
    session, tool = event.get("session_id"), event.get("tool_name")
    if not isinstance(session, str) or not session or not isinstance(tool, str) or not tool:
        return
    from hubrails.core.runtime import guard_state

    try:  # noqa: SIM105  (contextlib is one import more on every tool call)
        guard_state.note_decision(guard_state.state_dir(policy_path(args, event)), session,
                                  decision, tool)  # fmt: skip
    except OSError:
        pass


def run(args: list[str]) -> int:
    """``hub guard SUBCOMMAND ...``: never a traceback; a crash of pre-tool-use blocks the
    call (exit 2, the reason on stderr), one of session-end is reported and ignored."""
    command = args[0] if args else ""
    stdin, stdout = sys.stdin.buffer, sys.stdout
    try:
        if command == "pre-tool-use":
            return pre_tool_use(args[1:], stdin, stdout)
        if command == "session-end":
            from hubrails.core.runtime.session_end import session_end

            return session_end(args[1:], stdin, sys.stderr)
    except (Exception, KeyboardInterrupt) as exc:  # the boundary: fail closed
        what = "the tool call is blocked" if command == "pre-tool-use" else "no record written"
        sys.stderr.write(f"hub guard: {type(exc).__name__}: {str(exc)[:200]}; {what}\n")
        return 2 if command == "pre-tool-use" else 1
    sys.stderr.write(USAGE)
    return 2
