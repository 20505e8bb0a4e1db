"""The collector's open runs in the store: events, metric points and spans received but not yet
written as runs (docs/collector.md), and the transaction that closes them.

Rows come and go in their tables' column order (without ``received_ms``), so the collector's
``Event`` and ``Point`` tuples are rows as they are. A row's key makes a retried request insert
nothing twice; rows are inserted in key order, so two servers inserting the same retried batch
never deadlock. Closing takes the quiet runs' rows out (deleted, or for metric points marked
closed) and loads their records in the same transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Table, delete, func, select, text, update

from hubrails.store.load import Loader, loader
from hubrails.store.sql import Store, log_sessions, open_events, open_points, open_spans, runs

_CLOSE_LOCK = 7_4203  # pg_advisory_xact_lock key: one server closes runs at a time
_CHUNK = 500
CLOSE_LIMIT = 5000  # runs closed per transaction (more: the next pass, at once)
CLOSED_KEPT_MS = 86_400_000  # closed metric points are kept a day, so retries add nothing
EVENT_COLUMNS = tuple(c.name for c in open_events.columns if c.name != "received_ms")
POINT_COLUMNS = tuple(c.name for c in open_points.columns if c.name != "received_ms")
_RUN_KEY, _SESSION = EVENT_COLUMNS.index("run_key"), EVENT_COLUMNS.index("session_id")

Row = tuple[Any, ...]


def _cursor(conn: Connection) -> Any:
    return conn.connection.driver_connection.cursor()  # type: ignore[union-attr]


def _marks(conn: Connection, count: int) -> str:
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    return ", ".join([mark] * count)


def _in(conn: Connection, column: str, values: list[str]) -> tuple[str, list[Any]]:
    """``column`` is one of ``values``: a SQL condition and its parameters (on PostgreSQL one
    array, so the statement's text is the same for any number of values and psycopg need not
    parse a long one each time)."""
    if conn.dialect.name == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({_marks(conn, len(values))})", values


_STAGED = (open_events, open_points, open_spans, log_sessions)
# PostgreSQL: rows are COPY-ed into a temporary table (one a connection, emptied at commit)
# and moved with one statement; ``executemany`` cost the server ~0.1 ms a row in psycopg.
_MAKE_STAGING = "; ".join(
    f"CREATE TEMP TABLE IF NOT EXISTS hub_in_{t.name} ON COMMIT DELETE ROWS AS "
    f"SELECT * FROM {t.name} WITH NO DATA"
    for t in _STAGED
)


def _insert_ignore(conn: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert ``rows`` (in the table's column order, sorted by key), skipping keys stored
    already."""
    if not rows:
        return
    names = ", ".join(c.name for c in table.columns)
    key = next(c.name for c in table.columns if c.primary_key)
    cursor = _cursor(conn)
    if conn.dialect.name != "postgresql":
        marks = _marks(conn, len(table.columns))
        sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks}) ON CONFLICT ({key}) DO NOTHING"
        cursor.executemany(sql, rows)
        return
    staging = f"hub_in_{table.name}"
    cursor.execute(_MAKE_STAGING)
    with cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(
        f"WITH moved AS (DELETE FROM {staging} RETURNING *) INSERT INTO {table.name} ({names}) "
        f"SELECT {names} FROM moved ORDER BY {key} ON CONFLICT ({key}) DO NOTHING"
    )


def add(store: Store, events: Sequence[Row], points: Sequence[Row], now_ms: int) -> None:
    """Keep ``events`` and ``points`` (those not kept already) in one transaction; the events
    of runs stored already are dropped."""
    with store.write() as conn:
        if events:
            _insert_ignore(conn, open_events, sorted((*e, now_ms) for e in events))
            sessions = sorted({e[_SESSION] for e in events})
            _insert_ignore(conn, log_sessions, [(s, now_ms) for s in sessions])
            keys = sorted({e[_RUN_KEY] for e in events})
            cursor = _cursor(conn)
            for i in range(0, len(keys), _CHUNK):
                where, chunk = _in(conn, "run_key", keys[i : i + _CHUNK])
                cursor.execute(
                    f"DELETE FROM ledger_open_events WHERE {where} AND run_key IN "
                    f"(SELECT run_key FROM ledger_runs WHERE {where})",
                    chunk + chunk,
                )
        if points:
            _insert_ignore(conn, open_points, sorted((*p, now_ms) for p in points))


def add_spans(conn: Connection, rows: Sequence[tuple[str, str, str, str]], now_ms: int) -> None:
    """Keep spans (key, trace id, resource JSON, span JSON) of traces still open."""
    _insert_ignore(conn, open_spans, sorted((*row, now_ms) for row in rows))


def open_traces(conn: Connection, traces: Sequence[str]) -> set[str]:
    """Those of ``traces`` with spans kept open."""
    found: set[str] = set()
    cursor = _cursor(conn)
    for i in range(0, len(traces), _CHUNK):
        where, chunk = _in(conn, "trace_id", list(traces[i : i + _CHUNK]))
        cursor.execute(f"SELECT trace_id FROM ledger_open_spans WHERE {where}", chunk)
        found.update(row[0] for row in cursor.fetchall())
    return found


class Closing:
    """One closing transaction: the quiet runs' rows out, their records in (``load``)."""

    def __init__(self, load: Loader, cutoff: int, now_ms: int) -> None:
        self.load = load
        self.conn = load.conn
        self.cutoff = cutoff
        self.now_ms = now_ms
        self.more = False  # the limit was reached: more runs may be ready

    def events(self) -> list[Row]:
        """The events of the runs quiet since the cutoff (at most ``CLOSE_LIMIT`` runs),
        deleted."""
        ready = list(
            self.conn.execute(
                select(open_events.c.run_key)
                .group_by(open_events.c.run_key)
                .having(func.max(open_events.c.received_ms) <= self.cutoff)
                .limit(CLOSE_LIMIT)
            ).scalars()
        )
        self.more = len(ready) == CLOSE_LIMIT
        found: list[Row] = []
        cursor = _cursor(self.conn)
        for i in range(0, len(ready), _CHUNK):
            condition, chunk = _in(self.conn, "run_key", ready[i : i + _CHUNK])
            where = f"FROM ledger_open_events WHERE {condition}"
            cursor.execute(f"SELECT {', '.join(EVENT_COLUMNS)} {where}", chunk)
            found += [tuple(row) for row in cursor.fetchall()]
            cursor.execute(f"DELETE {where}", chunk)
        return found

    def points(self) -> list[Row]:
        """The points of the metric-only sessions (no log events) quiet since the cutoff,
        marked closed (a cumulative series' closed points are what later windows subtract);
        closed points older than ``CLOSED_KEPT_MS`` deleted."""
        conn = self.conn
        quiet = (
            select(open_points.c.session_id)
            .where(open_points.c.baseline == 0)
            .group_by(open_points.c.session_id)
            .having(func.max(open_points.c.received_ms) <= self.cutoff)
        )
        sessions = list(conn.execute(quiet).scalars())
        found: list[Row] = []
        columns = [open_points.c[name] for name in POINT_COLUMNS]
        for i in range(0, len(sessions), _CHUNK):
            chunk = sessions[i : i + _CHUNK]
            logged = set(
                conn.execute(
                    select(log_sessions.c.session_id).where(log_sessions.c.session_id.in_(chunk))
                ).scalars()
            )
            found += [
                tuple(row)
                for row in conn.execute(select(*columns).where(open_points.c.session_id.in_(chunk)))
                if row.session_id not in logged
            ]
            conn.execute(
                update(open_points)
                .where(open_points.c.session_id.in_(chunk), open_points.c.baseline == 0)
                .values(baseline=1)
            )
        conn.execute(
            delete(open_points).where(
                open_points.c.baseline == 1,
                open_points.c.received_ms < self.now_ms - CLOSED_KEPT_MS,
            )
        )
        return found

    def spans(self) -> Iterator[list[tuple[str, str]]]:
        """The spans (resource JSON, span JSON) of the traces quiet since the cutoff, a chunk
        of whole traces at a time, deleted."""
        quiet = (
            select(open_spans.c.trace_id)
            .group_by(open_spans.c.trace_id)
            .having(func.max(open_spans.c.received_ms) <= self.cutoff)
            .limit(CLOSE_LIMIT)
        )
        traces = list(self.conn.execute(quiet).scalars())
        for i in range(0, len(traces), _CHUNK):
            where = open_spans.c.trace_id.in_(traces[i : i + _CHUNK])
            rows = self.conn.execute(select(open_spans.c.resource, open_spans.c.span).where(where))
            found = [(resource, span) for resource, span in rows]
            self.conn.execute(delete(open_spans).where(where))
            yield found

    def stored_under(self, prefixes: Iterable[str]) -> set[str]:
        """Those of ``prefixes`` some stored run's key starts with, followed by ``:``."""
        found: set[str] = set()
        for prefix in prefixes:
            low, high = f"{prefix}:", f"{prefix};"
            query = select(runs.c.run_key).where(runs.c.run_key > low, runs.c.run_key < high)
            if self.conn.execute(query.limit(1)).first() is not None:
                found.add(prefix)
        return found


@contextlib.contextmanager
def closing(store: Store, cutoff: int, now_ms: int) -> Iterator[Closing]:
    """A closing transaction (one server at a time): committed when the body called
    ``load.finish()``, rolled back otherwise."""
    with loader(store) as load:
        if store.postgres:
            load.conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CLOSE_LOCK})
        yield Closing(load, cutoff, now_ms)
