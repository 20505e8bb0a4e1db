"""Reading aggregates from the ledger: the SQL they are made of, and a SQLite ledger opened
read-only with the standard library, so a report needs no SQLAlchemy (a third of its start)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

# 2: ledger_daily keyed by (team, agent, model, day), clustered; 3: the collector's open runs
# (ledger_open_events, _points, _spans), which creating the tables adds to a schema-2 ledger;
# 4: what agents were seen doing (ledger_evidence) and each open event's detail
SCHEMA_VERSION = 4
BUSY_TIMEOUT_S = 600
DAY_MS = 86_400_000
# What a report adds up, per run; ``daily`` keeps these sums per team, agent, model and day,
# updated in the ingest transaction, so reports over millions of runs read thousands of rows.
SUMS = (
    "runs", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
    "cost_usd", "unpriced", "review_minutes", "resolved", "escalated", "failed", "abandoned",
)  # fmt: skip
SUMS_SQL = (
    "count(*), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), "
    "sum(cache_write_tokens), coalesce(sum(cost_usd), 0), "
    "sum(CASE WHEN cost_usd IS NULL THEN 1 ELSE 0 END), sum(review_minutes), "
    "sum(CASE WHEN outcome = 'resolved' THEN 1 ELSE 0 END), "
    "sum(CASE WHEN outcome = 'escalated' THEN 1 ELSE 0 END), "
    "sum(CASE WHEN outcome = 'failed' THEN 1 ELSE 0 END), "
    "sum(CASE WHEN outcome = 'abandoned' THEN 1 ELSE 0 END)"
)
# The day, team, agent and model (the priced id, else the name given) of a run, as SQL.
DAILY_KEY_SQL = f"ts_ms / {DAY_MS}, team, agent, coalesce(price_model, model)"

Query = tuple[str, dict[str, Any]]  # SQL with :named parameters, and their values


class Queries(Protocol):
    """A ledger that answers read queries."""

    def queries(self, batch: Sequence[Query]) -> list[list[Any]]:
        """The rows of each query, all in one read transaction."""
        ...  # pragma: no cover

    def close(self) -> None:
        """Let go of the connection(s)."""
        ...  # pragma: no cover


@dataclass(slots=True)
class SqliteReader:
    """A SQLite ledger at the current schema, read with the standard library."""

    path: Path

    def queries(self, batch: Sequence[Query]) -> list[list[Any]]:
        """The rows of each query, all in one read transaction."""
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("BEGIN")
            return [conn.execute(sql, params).fetchall() for sql, params in batch]
        finally:
            conn.close()

    def close(self) -> None:
        """Nothing: each batch opens and closes its own connection."""


def sqlite_reader(url: str) -> SqliteReader | None:
    """The SQLite ledger at ``url`` (a plain ``sqlite:///PATH``, absolute) when it exists at
    this schema version; ``None`` otherwise (the store is then opened, created or migrated)."""
    if not url.startswith("sqlite:////") or "?" in url:
        return None
    path = Path(url.removeprefix("sqlite:///"))
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
        try:
            found = conn.execute("SELECT max(version) FROM hub_schema_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return SqliteReader(path) if found and found[0] == SCHEMA_VERSION else None


def quick_reader(url: str) -> Queries | None:
    """The ledger at ``url`` read without SQLAlchemy, when it exists at this schema version
    (SQLite with the standard library, PostgreSQL with psycopg); ``None`` otherwise."""
    if url.startswith("sqlite:"):
        return sqlite_reader(url)
    from hubrails.store.postgres_reader import postgres_reader

    return postgres_reader(url)


def runs_since(reader: Queries, team: str, agent: str, since_ms: int) -> int:
    """How many runs of ``team``/``agent`` the ledger holds from ``since_ms`` on: whole days
    from the daily sums (found by their key), the first part-day's runs one by one (the runs
    table has only a time index, and a third of a large ledger is too many to count)."""
    day = -(-since_ms // DAY_MS)
    keys = {"t": team, "a": agent, "d": day, "s": since_ms, "e": day * DAY_MS}
    whole = "SELECT sum(runs) FROM ledger_daily WHERE team = :t AND agent = :a AND day >= :d"
    part = "SELECT count(*) FROM ledger_runs WHERE ts_ms >= :s AND ts_ms < :e AND team = :t"
    found = reader.queries([(whole, keys), (part + " AND agent = :a", keys)])
    return sum(int(rows[0][0] or 0) for rows in found)
