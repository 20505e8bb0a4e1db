"""The standard-library SQLite reader: which URLs and files it takes (else ``None``, so the
store is opened instead), its read batches, and ``runs_since`` from the daily sums and runs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from hubrails.store import normalise_url
from hubrails.store.reader import DAY_MS, SCHEMA_VERSION, SqliteReader, runs_since, sqlite_reader
from hubrails.store.sql import Store, open_store
from tests.ledger_rows import ledger_of, run_row

HOUR = 3_600_000


@pytest.fixture
def path(tmp_path: Path) -> Iterator[Path]:
    """A SQLite ledger: sre/triage runs on day 10 (01:00 and 20:00) and day 11 (05:00), one
    sre/other run and one web/triage run on day 11."""
    where = tmp_path / "ledger.db"
    rows = [
        run_row("a", 10 * DAY_MS + HOUR),
        run_row("b", 10 * DAY_MS + 20 * HOUR),
        run_row("c", 11 * DAY_MS + 5 * HOUR),
        run_row("d", 11 * DAY_MS + 5 * HOUR, agent="other"),
        run_row("e", 11 * DAY_MS + 5 * HOUR, team="web"),
    ]
    ledger_of(where, rows).close()
    yield where


def _version(path: Path, version: int) -> None:
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE hub_schema_version SET version = ?", (version,))
    db.close()


def test_a_current_sqlite_ledger_is_read_with_the_standard_library(path: Path) -> None:
    reader = sqlite_reader(f"sqlite:///{path}")
    assert reader == SqliteReader(path)


@pytest.mark.parametrize(
    "url",
    ["sqlite:///relative/ledger.db", "sqlite:///{path}?mode=ro", "postgresql://h/db", ""],
)
def test_other_urls_are_left_to_the_store(path: Path, url: str) -> None:
    assert sqlite_reader(url.format(path=path)) is None


def test_a_missing_file_is_left_to_the_store_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    assert sqlite_reader(f"sqlite:///{missing}") is None
    assert not missing.exists()


def test_a_file_that_is_no_ledger_is_left_to_the_store(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a SQLite database, not even its header" * 4)
    empty_db = tmp_path / "empty.db"
    sqlite3.connect(empty_db).close()  # a database without hub_schema_version
    assert sqlite_reader(f"sqlite:///{garbage}") is None
    assert sqlite_reader(f"sqlite:///{empty_db}") is None


@pytest.mark.parametrize("version", [SCHEMA_VERSION - 1, SCHEMA_VERSION + 1])
def test_a_ledger_at_another_schema_version_is_left_to_the_store(path: Path, version: int) -> None:
    _version(path, version)  # older: to migrate; newer: for the store to refuse
    assert sqlite_reader(f"sqlite:///{path}") is None


def test_a_batch_gives_the_rows_of_each_query_in_order(path: Path) -> None:
    reader = SqliteReader(path)
    found = reader.queries(
        [
            ("SELECT run_key FROM ledger_runs WHERE team = :t ORDER BY run_key", {"t": "web"}),
            ("SELECT count(*) FROM ledger_runs", {}),
            ("SELECT run_key FROM ledger_runs WHERE team = :t", {"t": "nobody"}),
        ]
    )
    assert found == [[("e",)], [(5,)], []]
    assert reader.queries([]) == []
    reader.close()  # nothing to let go of: the reader still answers
    assert reader.queries([("SELECT 1", {})]) == [[(1,)]]


def test_a_bad_query_in_a_batch_raises_sqlites_error(path: Path) -> None:
    reader = SqliteReader(path)
    with pytest.raises(sqlite3.OperationalError, match="no such table: nowhere"):
        reader.queries([("SELECT 1", {}), ("SELECT * FROM nowhere", {})])
    assert reader.queries([("SELECT count(*) FROM ledger_runs", {})]) == [[(5,)]]


@pytest.mark.parametrize(
    ("since_ms", "expected"),
    [
        (0, 3),  # whole days only
        (10 * DAY_MS, 3),  # exactly at midnight: whole days from there
        (10 * DAY_MS + HOUR, 3),  # the first run is at the start, included
        (10 * DAY_MS + HOUR + 1, 2),  # part of day 10 counted run by run
        (10 * DAY_MS + 20 * HOUR + 1, 1),  # only day 11 left
        (11 * DAY_MS + 5 * HOUR + 1, 0),
        (12 * DAY_MS, 0),  # after the last run
    ],
)
def test_runs_since_counts_whole_days_and_the_first_part_day(
    path: Path, since_ms: int, expected: int
) -> None:
    assert runs_since(SqliteReader(path), "sre", "triage", since_ms) == expected


def test_runs_since_counts_only_that_team_and_agent(path: Path) -> None:
    reader = SqliteReader(path)
    assert runs_since(reader, "sre", "other", 0) == 1
    assert runs_since(reader, "web", "triage", 10 * DAY_MS + HOUR) == 1
    assert runs_since(reader, "nobody", "triage", 0) == 0


def test_runs_since_is_the_same_through_the_store(path: Path) -> None:
    store: Store = open_store(normalise_url(f"sqlite:///{path}", path.parent))
    try:
        for since in (0, 10 * DAY_MS + 2 * HOUR, 11 * DAY_MS):
            by_reader = runs_since(SqliteReader(path), "sre", "triage", since)
            assert runs_since(store, "sre", "triage", since) == by_reader
        with store.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM ledger_runs")).scalar_one() == 5
    finally:
        store.close()
