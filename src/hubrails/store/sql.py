"""The ledger's tables, the engine for a URL, and the schema, created and versioned on first use."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    func,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, SQLAlchemyError

from hubrails.errors import HubError
from hubrails.store import missing_sqlite_file
from hubrails.store.reader import (
    DAILY_KEY_SQL,
    DAY_MS,
    SCHEMA_VERSION,
    SUMS,
    SUMS_SQL,
    Query,
)
from hubrails.store.sqlite import sqlite_engine

__all__ = ["DAILY_KEY_SQL", "DAY_MS", "SCHEMA_VERSION", "SUMS", "SUMS_SQL", "Store", "open_store"]


metadata = MetaData()

schema_version = Table(
    "hub_schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_ms", BigInteger, nullable=False),
)

# One row per agent run. Token counts are normalised: input_tokens never includes the
# cache-read or cache-write tokens, which have their own columns (docs/ledger.md).
runs = Table(
    "ledger_runs",
    metadata,
    Column("run_key", Text, primary_key=True),
    Column("run_id", Text),
    Column("digest", String(32), nullable=False),
    Column("team", Text, nullable=False),
    Column("agent", Text, nullable=False),
    Column("model", Text, nullable=False),
    Column("price_model", Text),
    Column("tier", String(32)),
    Column("price_from", String(10)),
    Column("ts_ms", BigInteger, nullable=False),
    Column("input_tokens", BigInteger, nullable=False),
    Column("output_tokens", BigInteger, nullable=False),
    Column("cache_read_tokens", BigInteger, nullable=False),
    Column("cache_write_tokens", BigInteger, nullable=False),
    Column("tool_calls", Integer, nullable=False),
    Column("review_minutes", Float, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("cost_usd", Float),
    Column("cost_source", String(16), nullable=False),
    Column("duration_ms", BigInteger),
    Column("labels", Text),
    Column("ingested_ms", BigInteger, nullable=False),
    Index("ledger_runs_ts", "ts_ms"),
)

# The columns a loader writes, in order (every column of ``runs``).
COLUMNS: tuple[str, ...] = tuple(c.name for c in runs.columns)

# Keyed (and in SQLite stored, without a rowid) in the order reports group by: a report over
# any window reads the rows in group order, with no sort and no lookup per row.
daily = Table(
    "ledger_daily",
    metadata,
    Column("team", Text, primary_key=True),
    Column("agent", Text, primary_key=True),
    Column("model", Text, primary_key=True),
    Column("day", Integer, primary_key=True),  # days since 1970-01-01 (UTC)
    *(
        Column(name, Float if name in ("cost_usd", "review_minutes") else BigInteger,
               nullable=False)
        for name in SUMS
    ),
    sqlite_with_rowid=False,
)  # fmt: skip


# The collector's open runs: events and metric points received but not yet written as runs.
# A row's key makes a retried request add nothing; closing a run deletes its rows
# (docs/collector.md).
open_events = Table(
    "ledger_open_events",
    metadata,
    Column("event_key", Text, primary_key=True),
    Column("run_key", Text, nullable=False),
    Column("session_id", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("team", Text),
    Column("agent", Text),
    Column("model", Text),
    Column("input_tokens", BigInteger, nullable=False),
    Column("output_tokens", BigInteger, nullable=False),
    Column("cache_read_tokens", BigInteger, nullable=False),
    Column("cache_write_tokens", BigInteger, nullable=False),
    Column("cost_usd", Float, nullable=False),
    Column("ts_ms", BigInteger, nullable=False),
    Column("detail", Text),  # a tool_result's tool, a decision, a connected server (schema 4)
    Column("received_ms", BigInteger, nullable=False),
    Index("ledger_open_events_run", "run_key"),
)

open_points = Table(
    "ledger_open_points",
    metadata,
    Column("point_key", Text, primary_key=True),
    Column("session_id", Text, nullable=False),
    Column("series", Text, nullable=False),  # metric, type and model: one time series
    Column("metric", String(32), nullable=False),
    Column("cumulative", Integer, nullable=False),
    Column("baseline", Integer, nullable=False),  # 1: the last point of a closed window
    Column("team", Text),
    Column("agent", Text),
    Column("model", Text),
    Column("start_ms", BigInteger, nullable=False),
    Column("ts_ms", BigInteger, nullable=False),
    Column("value", Float, nullable=False),
    Column("received_ms", BigInteger, nullable=False),
    Index("ledger_open_points_session", "session_id"),
)

# Spans of traces whose runs need spans from several requests (model-call spans, agent spans
# without usage): kept until the trace is quiet, then mapped as one export.
open_spans = Table(
    "ledger_open_spans",
    metadata,
    Column("span_key", Text, primary_key=True),  # trace id and span id
    Column("trace_id", Text, nullable=False),
    Column("resource", Text, nullable=False),  # JSON: the resource's attributes
    Column("span", Text, nullable=False),  # JSON: the span, as OTLP/JSON
    Column("received_ms", BigInteger, nullable=False),
    Index("ledger_open_spans_trace", "trace_id"),
)

# Sessions that sent log events: their metrics are never made into runs (no double count).
log_sessions = Table(
    "ledger_log_sessions",
    metadata,
    Column("session_id", Text, primary_key=True),
    Column("seen_ms", BigInteger, nullable=False),
)


@dataclass(frozen=True, slots=True)
class Store:
    """An open ledger: its engine and whether it is PostgreSQL."""

    engine: Engine
    url: str

    @property
    def postgres(self) -> bool:
        """Whether the store is a PostgreSQL server."""
        return self.engine.dialect.name == "postgresql"

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction (SQLite: ``BEGIN IMMEDIATE``); commits, or rolls back on error."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(hub_immediate=True)
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """One read transaction."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def queries(self, batch: Sequence[Query]) -> list[list[Any]]:
        """The rows of each query, all in one read transaction."""
        with self.read() as conn:
            if self.postgres:
                from hubrails.store.postgres_reader import READ_WORK_MEM

                conn.exec_driver_sql(f"SET LOCAL work_mem = '{READ_WORK_MEM}'")
            return [list(conn.execute(text(sql), params).fetchall()) for sql, params in batch]

    def close(self) -> None:
        """Close the engine's connections."""
        self.engine.dispose()


def open_store(url: str) -> Store:
    """Connect to the ledger at ``url`` and create or check its schema."""
    try:
        dialect = make_url(url).get_backend_name()
    except ArgumentError:
        raise HubError(
            f"not a database URL: {url}", hint="use sqlite:///PATH or postgresql://…"
        ) from None
    if dialect == "sqlite":
        engine = sqlite_engine(url)
    elif dialect == "postgresql":
        engine = create_engine(url, connect_args={"application_name": "hubrails"})
    else:
        raise HubError(f"unsupported ledger database: {dialect}", hint="use SQLite or PostgreSQL")
    store = Store(engine, url)
    try:
        from hubrails.store.schema import ensure_schema

        ensure_schema(store)
    except DatabaseError as exc:  # OperationalError, or a file that is no database
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise HubError(f"cannot open the ledger {make_url(url)!r}: {reason}") from None
    except BaseException:
        engine.dispose()
        raise
    return store


def runs_since(url: str, team: str, agent: str, since_ms: int) -> int | None:
    """How many runs of ``team``/``agent`` the ledger at ``url`` holds since ``since_ms``;
    ``None`` when there is no ledger there (a SQLite file is never created just to ask) or it
    cannot be read."""
    if missing_sqlite_file(url):
        return None
    try:
        store = open_store(url)
    except HubError:
        return None
    try:
        with store.read() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(runs)
                    .where(runs.c.team == team, runs.c.agent == agent, runs.c.ts_ms >= since_ms)
                ).scalar_one()
            )
    except SQLAlchemyError:
        return None
    finally:
        store.engine.dispose()
