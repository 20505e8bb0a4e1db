"""``hub ledger emit``."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Outcome(StrEnum):
    """How a task ended."""

    RESOLVED = "resolved"
    ESCALATED = "escalated"
    FAILED = "failed"
    ABANDONED = "abandoned"


def emit_command(
    team: Annotated[str, typer.Option(help="The team that owns the agent.")],
    agent: Annotated[str, typer.Option(help="The agent that ran.")],
    model: Annotated[str, typer.Option(help="Model id or pricing alias.")],
    input_tokens: Annotated[int, typer.Option(help="Input tokens, without cache reads/writes.")],
    output_tokens: Annotated[int, typer.Option(help="Output tokens.")],
    tool_calls: Annotated[int, typer.Option(help="Tool calls made.")] = 0,
    review_minutes: Annotated[
        float, typer.Option("--review-minutes", help="Human review minutes.")
    ] = 0,
    outcome: Annotated[Outcome, typer.Option(help="How the task ended.")] = Outcome.RESOLVED,
    ts: Annotated[
        str | None, typer.Option(help="RFC 3339 end time (default: now).", show_default=False)
    ] = None,
    run_id: Annotated[
        str | None, typer.Option(help="Run id (default: a new UUID).", show_default=False)
    ] = None,
    cache_read_tokens: Annotated[
        int | None,
        typer.Option(help="Input tokens read from the prompt cache.", show_default=False),
    ] = None,
    cache_write_tokens: Annotated[
        int | None,
        typer.Option(help="Input tokens written to the prompt cache.", show_default=False),
    ] = None,
    cost_usd: Annotated[
        float | None, typer.Option(help="Known cost (else priced at ingest).", show_default=False)
    ] = None,
    duration_ms: Annotated[
        int | None, typer.Option(help="How long the run took, in milliseconds.", show_default=False)
    ] = None,
    label: Annotated[
        list[str] | None, typer.Option(help="KEY=VALUE label (repeatable).", show_default=False)
    ] = None,
    to: Annotated[
        Path | None,
        typer.Option(
            "--to",
            envvar="HUB_LEDGER_FILE",
            help="The JSON Lines file (default: .hub/runs.jsonl in the repository, git-ignored).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Append one validated run record to a JSON Lines file, safely under concurrent writers.

    Prints the record. Exit 0, or 2 when the record is invalid.
    """
    import json

    from hubrails.errors import HubError
    from hubrails.ledger import emit_run

    if to is None:
        to = _default_file()
    labels = {}
    for item in label or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise HubError(f"--label {item!r}: expected KEY=VALUE")
        labels[key] = value
    record = emit_run(
        to,
        team=team,
        agent=agent,
        model=model,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        tool_calls=tool_calls,
        human_review_minutes=review_minutes,
        task_outcome=outcome.value,
        ts=ts,
        run_id=run_id,
        cache_read_tokens=cache_read_tokens,
        cache_write_tokens=cache_write_tokens,
        cost_usd=cost_usd,
        duration_ms=duration_ms,
        labels=labels or None,
    )
    sys.stdout.write(json.dumps(record) + "\n")


def _default_file() -> Path:
    """``.hub/runs.jsonl`` of the repository around the current folder (else of the folder)."""
    from hubrails.core.registry.config import find_root
    from hubrails.errors import ConfigError

    try:
        base = find_root(Path.cwd())
    except ConfigError:
        base = Path.cwd()
    return base / ".hub" / "runs.jsonl"
