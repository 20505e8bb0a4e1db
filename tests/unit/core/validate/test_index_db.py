"""The index cache's SQLite file: opened (and emptied for another key, replaced when damaged,
given up when it cannot be made), peeked at read-only, and written in transactions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hubrails.core.validate.index_db import DATA, INDEXES, open_db, peek_db, transaction


def tables(db: sqlite3.Connection) -> set[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")
    return {name for (name,) in rows if not name.startswith("sqlite_")}


def opened(path: Path, key: str = "k") -> sqlite3.Connection:
    db = open_db(path, key)
    assert db is not None
    return db


def test_a_new_cache_gets_every_table_index_and_its_key(tmp_path: Path) -> None:
    path = tmp_path / ".hub" / "cache" / "index.sqlite"
    db = opened(path)
    try:
        assert tables(db) == {*DATA, "meta", "state", *INDEXES}
        assert db.execute("SELECT key FROM meta").fetchall() == [("k",)]
        assert (tmp_path / ".hub" / ".gitignore").is_file()
    finally:
        db.close()


def test_reopening_with_the_same_key_keeps_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    db = opened(path)
    db.execute("INSERT INTO state VALUES ('versions', x'00')")
    db.close()
    db = opened(path)
    try:
        assert db.execute("SELECT name FROM state").fetchall() == [("versions",)]
    finally:
        db.close()


def test_another_key_empties_the_cache_and_records_the_new_key(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    db = opened(path, "old")
    db.execute("INSERT INTO state VALUES ('versions', x'00')")
    db.execute("CREATE TABLE leftover (x)")  # not ours: left alone
    db.close()
    db = opened(path, "new")
    try:
        assert db.execute("SELECT count(*) FROM state").fetchone() == (0,)
        assert db.execute("SELECT key FROM meta").fetchall() == [("new",)]
        assert "leftover" in tables(db)
    finally:
        db.close()


def test_a_file_that_is_not_sqlite_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"garbage" * 200)
    db = opened(path)
    try:
        assert db.execute("SELECT key FROM meta").fetchall() == [("k",)]
    finally:
        db.close()


def test_a_cache_whose_folder_cannot_be_made_is_none(tmp_path: Path) -> None:
    (tmp_path / "blocked").write_text("a file where the folder belongs\n", encoding="utf-8")
    assert open_db(tmp_path / "blocked" / "cache" / "index.sqlite", "k") is None


def test_a_folder_at_the_cache_path_is_none(tmp_path: Path) -> None:
    (tmp_path / "index.sqlite").mkdir()
    assert open_db(tmp_path / "index.sqlite", "k") is None
    assert (tmp_path / "index.sqlite").is_dir()


def test_peek_opens_only_an_existing_cache_of_the_same_key(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    assert peek_db(path, "k") is None
    assert not path.exists()
    opened(path).close()
    assert peek_db(path, "other") is None
    db = peek_db(path, "k")
    assert db is not None
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            db.execute("INSERT INTO meta VALUES ('x')")
    finally:
        db.close()


def test_peek_at_a_file_that_is_not_a_database_is_none(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    path.write_bytes(b"not a database")
    assert peek_db(path, "k") is None
    assert path.read_bytes() == b"not a database"
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    assert peek_db(empty, "k") is None  # a database without the meta table


def test_a_transaction_commits_what_it_wrote(tmp_path: Path) -> None:
    db = opened(tmp_path / "index.sqlite")
    try:
        with transaction(db):
            db.execute("INSERT INTO state VALUES ('a', x'01')")
            assert db.in_transaction
        assert not db.in_transaction
        assert db.execute("SELECT name FROM state").fetchall() == [("a",)]
    finally:
        db.close()


def test_a_transaction_that_fails_leaves_nothing_and_raises(tmp_path: Path) -> None:
    db = opened(tmp_path / "index.sqlite")
    try:
        with pytest.raises(KeyboardInterrupt), transaction(db):
            db.execute("INSERT INTO state VALUES ('a', x'01')")
            raise KeyboardInterrupt
        assert not db.in_transaction
        assert db.execute("SELECT count(*) FROM state").fetchone() == (0,)
    finally:
        db.close()


def test_a_transaction_is_taken_before_reading_so_a_second_writer_waits(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    first = opened(path)
    second = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with transaction(first):
            with pytest.raises(sqlite3.OperationalError, match="locked"), transaction(second):
                pass
            assert not second.in_transaction
    finally:
        first.close()
        second.close()
