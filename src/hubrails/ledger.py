"""The Python API for agents: record a run in the ledger without writing JSON by hand.

from hubrails.ledger import emit_run
emit_run("runs.jsonl", team="sre", agent="incident-triage", model="sonnet",
         input_tokens=18420, output_tokens=2110, tool_calls=3, task_outcome="resolved")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["emit_run"]


def emit_run(
    path: str | Path,
    *,
    team: str,
    agent: str,
    model: str,
    input_tokens: int,
    output_tokens: int,
    tool_calls: int = 0,
    human_review_minutes: float = 0,
    task_outcome: str = "resolved",
    ts: str | None = None,
    run_id: str | None = None,
    cache_read_tokens: int | None = None,
    cache_write_tokens: int | None = None,
    cost_usd: float | None = None,
    duration_ms: int | None = None,
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Validate one run and append it to the JSON Lines file ``path``; return the record.

    Raises :class:`hubrails.errors.HubError` when the record is invalid. ``input_tokens``
    excludes cache reads and writes. Safe under concurrent writers (a file lock)."""
    from hubrails.core.ledger.emit import append, new_record

    record = new_record(
        run_id=run_id,
        team=team,
        agent=agent,
        model=model,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cache_read_tokens=cache_read_tokens,
        cache_write_tokens=cache_write_tokens,
        tool_calls=tool_calls,
        human_review_minutes=human_review_minutes,
        task_outcome=task_outcome,
        ts=ts,
        cost_usd=cost_usd,
        duration_ms=duration_ms,
        labels=labels,
    )
    append(Path(path), record)
    return record
