"""The ledger's SQLite engine: each connection's settings and how transactions begin."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

from hubrails.errors import HubError
from hubrails.store.reader import BUSY_TIMEOUT_S

# The page size of a new ledger (an existing one keeps its own). SQLite writes a page per
# call: with 16 KiB pages a bulk ingest makes a quarter of the calls of 4 KiB ones, for the
# write-ahead log and again for the checkpoint (a million runs: 1.5 to 2 s less).
PAGE_BYTES = 16_384


def sqlite_engine(url: str) -> Engine:
    """An engine for the SQLite ledger at ``url`` (its folder made): write-ahead logging, a
    long busy timeout, 16 KiB pages when new, and ``BEGIN IMMEDIATE`` for the store's write
    transactions."""
    path = make_url(url).database
    if path and path != ":memory:":
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HubError(f"cannot create the ledger folder for {path}: {exc.strerror}") from None
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cursor.execute(f"PRAGMA page_size={PAGE_BYTES}")  # before the first table: else a no-op
        _wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA cache_size=-65536")  # up to 64 MiB: bulk loads touch many pages
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Writers take the lock up front, so two ingests queue instead of failing on upgrade.
        immediate = conn.get_execution_options().get("hub_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _wal(cursor: Any) -> None:
    """Switch to write-ahead logging. On a new file, connections doing it at once can be told
    "database is locked" at once, without the busy timeout: so wait and try again, as long."""
    import sqlite3
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


@contextlib.contextmanager
def first_import(dbapi_connection: Any) -> Iterator[bool]:
    """Around a large load: into an empty ledger, with no other connection open, go through a
    rollback journal instead of the write-ahead log, and back to it afterwards (yields whether
    it did). Pages past the file's end are not journaled, so each page is written once, not to
    the log and then again by the checkpoint (a million runs: about 2 s less); a reader that
    connects meanwhile waits for the load to end. A load killed half-way is rolled back by the
    next connection, as from the log."""
    import sqlite3

    empty = dbapi_connection.execute("SELECT 1 FROM ledger_runs LIMIT 1").fetchone() is None
    switched = False
    if empty:
        dbapi_connection.execute("PRAGMA busy_timeout=0")  # another connection: keep the log
        try:
            mode = dbapi_connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            switched = mode == "delete"
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
        finally:
            dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    try:
        yield switched
    finally:
        if switched:
            _wal(dbapi_connection.cursor())
