"""``hub guard``: the hooks Claude Code runs (help only; :func:`hubrails.cli.main` runs them
before typer is imported, so a tool call waits as little as possible)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="guard",
    help="Claude Code hooks that enforce the compiled policy at run time.",
    no_args_is_help=True,
)
PolicyOption = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        help="The compiled policy (default: $CLAUDE_PROJECT_DIR/.claude/hub-policy.json).",
        show_default=False,
    ),
]


def _run(command: str, policy: Path | None) -> None:
    from hubrails.core.runtime.guard_main import run

    code = run([command, *(["--policy", str(policy)] if policy else [])])
    raise typer.Exit(code)


@app.command("pre-tool-use")
def pre_tool_use_command(policy: PolicyOption = None) -> None:
    """PreToolUse hook: deny undeclared, revoked or over-limit tool calls; ask for gated ones.

    Reads the hook input (JSON) on stdin and answers with a permission decision on stdout.
    Malformed input or a missing policy is a denial. Exit 0 (2: the guard itself failed).
    """
    _run("pre-tool-use", policy)


@app.command("session-end")
def session_end_command(policy: PolicyOption = None) -> None:
    """SessionEnd hook: append one ledger record for the session from its transcripts.

    Writes to $HUB_LEDGER_FILE, else the policy's ledger file. Exit 0, or 1 with a reason.
    """
    _run("session-end", policy)
