"""Open runs, kept in the store: events and metric points in, whole runs out, exactly once.

Each event and point has a key (Claude Code's ``session.id`` and ``event.sequence``, else a
digest of the record), so a retried request inserts nothing twice. A run closes when nothing
arrived for it during the quiet period: its events become one ledger record, inserted and
deleted in one transaction. An event for a run already stored is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, Table, delete, func, select, text, update

from hubrails.core.ledger import claude_code_evidence, claude_code_logs, claude_code_metrics
from hubrails.core.ledger.claude_code_logs import Event
from hubrails.core.ledger.claude_code_metrics import Point
from hubrails.core.ledger.records import Reject
from hubrails.core.ledger.rows import RowMaker
from hubrails.store import evidence
from hubrails.store.load import loader
from hubrails.store.sql import Store, log_sessions, open_events, open_points, open_spans, runs

_CLOSE_LOCK = 7_4203  # pg_advisory_xact_lock key: one server closes runs at a time
_CHUNK = 500
CLOSE_LIMIT = 5000  # runs closed per transaction (more: the next pass, at once)
CLOSED_KEPT_MS = 86_400_000  # closed metric points are kept a day, so retries add nothing


@dataclass(frozen=True, slots=True)
class Closed:
    """What one closing pass wrote."""

    runs: int
    inserted: int
    rejects: tuple[Reject, ...]
    more: bool = False  # the limit was reached: more runs may be ready


def _cursor(conn: Connection) -> Any:
    return conn.connection.driver_connection.cursor()  # type: ignore[union-attr]


def _marks(conn: Connection, count: int) -> str:
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    return ", ".join([mark] * count)


def _insert_ignore(conn: Connection, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (in the table's column order), skipping keys stored already."""
    if not rows:
        return
    names = [c.name for c in table.columns]
    key = next(c.name for c in table.columns if c.primary_key)
    sql = (
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({_marks(conn, len(names))}) "
        f"ON CONFLICT ({key}) DO NOTHING"
    )
    _cursor(conn).executemany(sql, rows)


def add(store: Store, events: Sequence[Event], points: Sequence[Point], now_ms: int) -> None:
    """Keep ``events`` and ``points`` (those not kept already) in one transaction."""
    with store.write() as conn:
        if events:
            # In key order: two servers inserting the same retried batch never deadlock.
            _insert_ignore(conn, open_events, sorted((*e, now_ms) for e in events))
            sessions = sorted({e.session_id for e in events})
            _insert_ignore(conn, log_sessions, [(s, now_ms) for s in sessions])
            keys = sorted({e.run_key for e in events})
            cursor = _cursor(conn)
            for i in range(0, len(keys), _CHUNK):
                chunk = keys[i : i + _CHUNK]
                marks = _marks(conn, len(chunk))
                cursor.execute(
                    f"DELETE FROM ledger_open_events WHERE run_key IN ({marks}) AND run_key IN "
                    f"(SELECT run_key FROM ledger_runs WHERE run_key IN ({marks}))",
                    chunk + chunk,
                )
        if points:
            _insert_ignore(conn, open_points, sorted((*p, now_ms) for p in points))


def close_ready(store: Store, maker: RowMaker, now_ms: int, quiet_ms: int) -> Closed:
    """Write every run quiet for ``quiet_ms`` as a ledger record (all of them when
    ``quiet_ms`` is negative), in one transaction."""
    cutoff = now_ms - quiet_ms
    with loader(store) as load:
        conn = load.conn
        if store.postgres:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CLOSE_LOCK})
        ready = list(
            conn.execute(
                select(open_events.c.run_key)
                .group_by(open_events.c.run_key)
                .having(func.max(open_events.c.received_ms) <= cutoff)
                .limit(CLOSE_LIMIT)
            ).scalars()
        )
        found: list[Event] = []
        cursor = _cursor(conn)
        for i in range(0, len(ready), _CHUNK):
            chunk = ready[i : i + _CHUNK]
            where = f"FROM ledger_open_events WHERE run_key IN ({_marks(conn, len(chunk))})"
            cursor.execute(f"SELECT {', '.join(Event._fields)} {where}", chunk)
            found += [Event(*row) for row in cursor.fetchall()]
            cursor.execute(f"DELETE {where}", chunk)
        records = list(claude_code_logs.runs(found))
        evidence.add(conn, claude_code_evidence.rows(found))
        records += _close_points(conn, cutoff, now_ms)
        records += _close_spans(conn, cutoff)
        lines = [orjson.dumps(r) for r in records]
        batch = maker.batch("<open runs>", 1, lines)
        load.add("<open runs>", batch.rows, batch.lines, batch.daily)
        merged = load.finish()
    return Closed(len(records), merged.inserted, tuple(batch.rejects), len(ready) == CLOSE_LIMIT)


def add_spans(conn: Connection, rows: Sequence[tuple[str, str, str, str]], now_ms: int) -> None:
    """Keep spans (key, trace id, resource JSON, span JSON) of traces still open."""
    _insert_ignore(conn, open_spans, sorted((*row, now_ms) for row in rows))


def open_traces(conn: Connection, traces: Sequence[str]) -> set[str]:
    """Those of ``traces`` with spans kept open."""
    found: set[str] = set()
    cursor = _cursor(conn)
    for i in range(0, len(traces), _CHUNK):
        chunk = list(traces[i : i + _CHUNK])
        marks = _marks(conn, len(chunk))
        cursor.execute(f"SELECT trace_id FROM ledger_open_spans WHERE trace_id IN ({marks})", chunk)
        found.update(row[0] for row in cursor.fetchall())
    return found


def _close_spans(conn: Connection, cutoff: int) -> list[dict[str, Any]]:
    """Records of the traces quiet since ``cutoff``; a trace's model-call-only run is left out
    when one of its agent spans was stored as a run already."""
    from hubrails.core.ledger import otlp

    quiet = (
        select(open_spans.c.trace_id)
        .group_by(open_spans.c.trace_id)
        .having(func.max(open_spans.c.received_ms) <= cutoff)
        .limit(CLOSE_LIMIT)
    )
    traces = list(conn.execute(quiet).scalars())
    records: list[dict[str, Any]] = []
    for i in range(0, len(traces), _CHUNK):
        chunk = traces[i : i + _CHUNK]
        where = open_spans.c.trace_id.in_(chunk)
        rows = conn.execute(select(open_spans.c.resource, open_spans.c.span).where(where))
        spans = [(orjson.loads(resource), orjson.loads(span)) for resource, span in rows]
        conn.execute(delete(open_spans).where(where))
        for _where, record in otlp.run_records(otlp.export_of(spans)):
            run_id = str(record.get("run_id", ""))
            if run_id.count(":") == 1 and _agent_run_stored(conn, run_id):
                continue
            records.append(record)
    return records


def _agent_run_stored(conn: Connection, trace_run: str) -> bool:
    """Whether a run of an agent span of the trace (``otel:TRACE:SPAN``) is stored."""
    low, high = f"{trace_run}:", f"{trace_run};"
    query = select(runs.c.run_key).where(runs.c.run_key > low, runs.c.run_key < high).limit(1)
    return conn.execute(query).first() is not None


def _close_points(conn: Connection, cutoff: int, now_ms: int) -> list[dict[str, Any]]:
    """Records of the metric-only sessions quiet since ``cutoff``; their points marked closed
    (a cumulative series' closed points are what later windows subtract)."""
    quiet = (
        select(open_points.c.session_id)
        .where(open_points.c.baseline == 0)
        .group_by(open_points.c.session_id)
        .having(func.max(open_points.c.received_ms) <= cutoff)
    )
    sessions = list(conn.execute(quiet).scalars())
    records: list[dict[str, Any]] = []
    columns = [open_points.c[name] for name in Point._fields]
    for i in range(0, len(sessions), _CHUNK):
        chunk = sessions[i : i + _CHUNK]
        logged = set(
            conn.execute(
                select(log_sessions.c.session_id).where(log_sessions.c.session_id.in_(chunk))
            ).scalars()
        )
        found = [
            Point(*row)
            for row in conn.execute(select(*columns).where(open_points.c.session_id.in_(chunk)))
            if row.session_id not in logged
        ]
        records += claude_code_metrics.runs(found)
        conn.execute(
            update(open_points)
            .where(open_points.c.session_id.in_(chunk), open_points.c.baseline == 0)
            .values(baseline=1)
        )
    conn.execute(
        delete(open_points).where(
            open_points.c.baseline == 1, open_points.c.received_ms < now_ms - CLOSED_KEPT_MS
        )
    )
    return records
