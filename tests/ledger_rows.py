"""A ledger filled by hand: run rows and their daily sums written straight into the store's
tables, for unit tests of what reads them (no ingest, no parsing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hubrails.store.reader import DAY_MS
from hubrails.store.sql import Store, daily, open_store, runs

KEYS = ("team", "agent", "model", "day")


def run_row(
    key: str, ts_ms: int, team: str = "sre", cost: float | None = 1.0, **kw: Any
) -> dict[str, Any]:
    """One run's row; ``kw`` overrides any other column."""
    row: dict[str, Any] = {
        "run_key": key, "run_id": key, "digest": "0" * 32, "team": team, "agent": "triage",
        "model": "m", "price_model": None, "tier": None, "price_from": None, "ts_ms": ts_ms,
        "input_tokens": 10, "output_tokens": 5, "cache_read_tokens": 0, "cache_write_tokens": 0,
        "tool_calls": 0, "review_minutes": 0.0, "outcome": "resolved", "cost_usd": cost,
        "cost_source": "priced", "duration_ms": None, "labels": None, "ingested_ms": 0,
    }  # fmt: skip
    row.update(kw)
    return row


def daily_row(row: dict[str, Any]) -> dict[str, Any]:
    """The daily-sums row of one run (what ingest keeps)."""
    return {
        "team": row["team"], "agent": row["agent"], "model": row["price_model"] or row["model"],
        "day": row["ts_ms"] // DAY_MS, "runs": 1, "input_tokens": row["input_tokens"],
        "output_tokens": row["output_tokens"], "cache_read_tokens": 0, "cache_write_tokens": 0,
        "cost_usd": row["cost_usd"] or 0.0, "unpriced": int(row["cost_usd"] is None),
        "review_minutes": row["review_minutes"], "resolved": int(row["outcome"] == "resolved"),
        "escalated": int(row["outcome"] == "escalated"), "failed": int(row["outcome"] == "failed"),
        "abandoned": int(row["outcome"] == "abandoned"),
    }  # fmt: skip


def ledger_of(path: Path, rows: list[dict[str, Any]]) -> Store:
    """A SQLite ledger at ``path`` holding ``rows`` (from :func:`run_row`) and their sums."""
    store = open_store(f"sqlite:///{path}")
    sums: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in map(daily_row, rows):
        key = (row["team"], row["agent"], row["model"], row["day"])
        if key in sums:
            sums[key] = {k: v if k in KEYS else sums[key][k] + v for k, v in row.items()}
        else:
            sums[key] = row
    with store.write() as conn:
        conn.execute(runs.insert(), rows)
        conn.execute(daily.insert(), list(sums.values()))
    return store


def opened_at_once(url: str, count: int = 3) -> tuple[list[Store], list[BaseException]]:
    """``count`` stores of ``url`` opened at the same moment from as many threads (each with
    its own engine, so each creates or checks the schema), and what failed."""
    import threading

    start = threading.Barrier(count)
    opened: list[Store] = []
    failures: list[BaseException] = []

    def first_run() -> None:
        start.wait()
        try:
            opened.append(open_store(url))
        except BaseException as exc:  # reported to the caller
            failures.append(exc)

    threads = [threading.Thread(target=first_run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return opened, failures
