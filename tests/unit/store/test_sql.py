"""Opening the ledger (``open_store``): URLs taken and refused with their messages, SQLite's
connection settings and write lock, the store's transactions, and ``runs_since`` through
SQLAlchemy, on SQLite and a real PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from hubrails.errors import HubError
from hubrails.store import normalise_url
from hubrails.store.sql import SCHEMA_VERSION, Store, open_store, runs, runs_since, schema_version
from tests.ledger_rows import ledger_of, run_row


@pytest.fixture
def url(ledger_db: str, tmp_path: Path) -> str:
    return normalise_url(ledger_db, tmp_path)


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    made = open_store(url)
    yield made
    made.close()


def _count(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(runs)).scalar_one())


def test_a_new_sqlite_ledger_is_created_with_its_folders_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "ledger.db"
    store = open_store(f"sqlite:///{path}")
    try:
        assert path.is_file() and not store.postgres
        with store.read() as conn:
            assert conn.execute(select(schema_version.c.version)).scalars().all() == [
                SCHEMA_VERSION
            ]
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == 1  # NORMAL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 600_000
    finally:
        store.close()


def test_an_in_memory_ledger_opens() -> None:
    store = open_store("sqlite:///:memory:")
    try:
        assert _count(store) == 0
    finally:
        store.close()


@pytest.mark.parametrize("url", ["nonsense", "://nothing", ""])
def test_a_string_that_is_no_url_is_refused(url: str) -> None:
    with pytest.raises(HubError, match=f"^not a database URL: {url}$") as caught:
        open_store(url)
    assert caught.value.hint == "use sqlite:///PATH or postgresql://…"


def test_another_database_is_refused() -> None:
    with pytest.raises(HubError, match=r"^unsupported ledger database: mysql$") as caught:
        open_store("mysql://user@host/db")
    assert caught.value.hint == "use SQLite or PostgreSQL"


def test_a_ledger_folder_that_cannot_be_made_is_explained(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("in the way\n", encoding="utf-8")
    with pytest.raises(HubError, match=r"cannot create the ledger folder for .*: Not a directory"):
        open_store(f"sqlite:///{tmp_path / 'file' / 'sub' / 'ledger.db'}")


def test_an_unreachable_server_is_explained_in_one_line() -> None:
    url = "postgresql+psycopg://hub@127.0.0.1:1/none?connect_timeout=2"
    with pytest.raises(HubError) as caught:
        open_store(url)
    message = str(caught.value)
    assert message.startswith("cannot open the ledger postgresql+psycopg://hub@127.0.0.1:1/none")
    assert "\n" not in message and message.split(": ", 1)[1]


def test_a_newer_ledger_is_refused(url: str) -> None:
    open_store(url).close()
    store = open_store(url)
    with store.write() as conn:
        conn.execute(schema_version.insert().values(version=SCHEMA_VERSION + 1, applied_ms=0))
    store.close()
    with pytest.raises(HubError, match="newer than this hubrails understands"):
        open_store(url)


def test_postgres_says_which_store_it_is(store: Store, ledger_db: str) -> None:
    assert store.postgres == ledger_db.startswith("postgresql")
    assert store.url.startswith("postgresql+psycopg://" if store.postgres else "sqlite:///")


def test_a_write_commits_and_a_failed_write_rolls_back(store: Store) -> None:
    with store.write() as conn:
        conn.execute(runs.insert(), [run_row("kept", 1)])
    with pytest.raises(RuntimeError, match="stop"), store.write() as conn:
        conn.execute(runs.insert(), [run_row("dropped", 2)])
        raise RuntimeError("stop")
    with store.read() as conn:
        assert conn.execute(select(runs.c.run_key)).scalars().all() == ["kept"]


def test_queries_answer_a_batch_in_one_read(store: Store) -> None:
    with store.write() as conn:
        conn.execute(runs.insert(), [run_row("a", 1), run_row("b", 2, team="web")])
    found = store.queries(
        [
            ("SELECT run_key FROM ledger_runs WHERE team = :t", {"t": "web"}),
            ("SELECT count(*) FROM ledger_runs", {}),
        ]
    )
    assert [[tuple(r) for r in rows] for rows in found] == [[("b",)], [(2,)]]
    assert store.queries([]) == []


def test_a_sqlite_write_takes_the_write_lock_when_it_begins(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    store = open_store(f"sqlite:///{path}")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with store.read():  # a reader does not keep a writer out
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        with store.write() as conn:
            conn.execute(text("SELECT 1"))  # nothing written yet: the lock is taken already
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
        store.close()


def test_runs_since_counts_a_teams_agent_from_a_time(url: str) -> None:
    store = open_store(url)
    with store.write() as conn:
        conn.execute(
            runs.insert(),
            [run_row("a", 100), run_row("b", 200), run_row("c", 300, agent="other")],
        )
    store.close()
    assert runs_since(url, "sre", "triage", 0) == 2
    assert runs_since(url, "sre", "triage", 200) == 1  # from the time on, included
    assert runs_since(url, "sre", "triage", 201) == 0
    assert runs_since(url, "web", "triage", 0) == 0


def test_runs_since_never_creates_a_sqlite_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "ledger.db"
    assert runs_since(f"sqlite:///{missing}", "sre", "triage", 0) is None
    assert not missing.parent.exists()


def test_runs_since_is_none_for_a_ledger_that_cannot_be_opened(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    ledger_of(path, [run_row("a", 1)]).close()
    assert runs_since(f"sqlite:///{path}", "sre", "triage", 0) == 1
    db = sqlite3.connect(path)
    with db:
        db.execute("INSERT INTO hub_schema_version VALUES (?, 0)", (SCHEMA_VERSION + 1,))
    db.close()
    assert runs_since(f"sqlite:///{path}", "sre", "triage", 0) is None  # newer: refused
    assert runs_since("mysql://user@host/db", "sre", "triage", 0) is None


def test_runs_since_is_none_when_the_runs_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    ledger_of(path, [run_row("a", 1)]).close()
    db = sqlite3.connect(path)
    with db:
        db.execute("DROP TABLE ledger_runs")
        db.execute("CREATE TABLE ledger_runs (run_key TEXT PRIMARY KEY)")  # no team column
    db.close()
    assert runs_since(f"sqlite:///{path}", "sre", "triage", 0) is None


def test_a_file_that_is_no_database_is_explained_not_an_internal_error(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    path.write_bytes(b"these bytes are no SQLite database header, nor a ledger\n" * 4)
    with pytest.raises(HubError, match=r"cannot open the ledger .*: file is not a database"):
        open_store(f"sqlite:///{path}")
