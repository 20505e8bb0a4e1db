"""The ledger's SQLite engine: new files opened by several processes at once, the connection
settings, and write transactions that take the lock up front."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from hubrails.store.sql import open_store
from hubrails.store.sqlite import sqlite_engine
from tests.ledger_rows import opened_at_once, run_row


def test_new_sqlite_ledgers_opened_by_three_at_once_never_report_a_lock(tmp_path: Path) -> None:
    """Switching a new file to write-ahead logging from several connections at once can fail
    with "database is locked" without waiting; the store waits and tries again (20 new files:
    about one in six failed before)."""
    failures: list[BaseException] = []
    for trial in range(20):
        opened, failed = opened_at_once(f"sqlite:///{tmp_path / f'ledger-{trial}.db'}")
        failures += failed
        for store in opened:
            store.close()
    assert failures == []


def test_connections_use_write_ahead_logging_and_a_long_busy_timeout(tmp_path: Path) -> None:
    engine = sqlite_engine(f"sqlite:///{tmp_path / 'deep' / 'ledger.db'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 600_000
        assert (tmp_path / "deep").is_dir()  # the folder is made
    finally:
        engine.dispose()


def test_a_new_ledger_has_16_kib_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    import sqlite3

    new, old = tmp_path / "new.db", tmp_path / "old.db"
    made = sqlite3.connect(old)
    made.execute("CREATE TABLE t (x)")  # made by an older hubrails: 4 KiB pages
    made.close()
    for path in (new, old):
        store = open_store(f"sqlite:///{path}")
        store.close()
    sizes = {}
    for path in (new, old):
        conn = sqlite3.connect(path)
        sizes[path.name] = conn.execute("PRAGMA page_size").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema")}
        conn.close()
        assert "ledger_runs" in tables
    assert sizes == {"new.db": 16_384, "old.db": 4096}


def test_a_store_write_holds_the_write_lock_from_its_start(tmp_path: Path) -> None:
    """``Store.write`` begins with ``BEGIN IMMEDIATE``: while it is open, another connection
    cannot start writing even before the first has written anything."""
    import sqlite3

    path = tmp_path / "ledger.db"
    store = open_store(f"sqlite:///{path}")
    try:
        with store.write():
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                try:
                    other.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as exc:
                    assert "locked" in str(exc)
                else:
                    raise AssertionError("a second writer started while the first was open")
            finally:
                other.close()
    finally:
        store.close()


def _mode(conn: Any) -> str:
    return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


def test_a_first_import_goes_through_a_rollback_journal_and_back_to_the_log(
    tmp_path: Path,
) -> None:
    import sqlite3
    import time

    from hubrails.store.sqlite import first_import

    path = tmp_path / "ledger.db"
    open_store(f"sqlite:///{path}").close()  # the schema, in write-ahead logging
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        with first_import(conn) as switched:
            assert switched and _mode(conn) == "delete"
            row = run_row("a", 0)
            conn.execute(
                f"INSERT INTO ledger_runs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                tuple(row.values()),
            )
        assert _mode(conn) == "wal"
        with first_import(conn) as switched:  # not empty any more: the log stays
            assert not switched and _mode(conn) == "wal"
        conn.execute("DELETE FROM ledger_runs")
        reader = sqlite3.connect(path, isolation_level=None)
        try:
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM ledger_runs").fetchone()  # holds a snapshot
            start = time.monotonic()
            with first_import(conn) as switched:  # another connection: the log stays, no wait
                assert not switched and _mode(conn) == "wal"
            assert time.monotonic() - start < 2
            assert conn.execute("PRAGMA busy_timeout").fetchone() == (600_000,)
            reader.execute("ROLLBACK")
        finally:
            reader.close()
    finally:
        conn.close()
