"""The index cache's SQLite file: its tables, opening it, write transactions, and its rows of
blobs packed where the reports are made (a worker), to be copied in SQL."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hubrails.core.registry.state import prepare_folder

if TYPE_CHECKING:
    from hubrails.core.validate.reports import Encoded, FileReport

# The secondary indexes, by name: a first run that fills an empty cache builds them after the
# rows (one sort each) rather than inserting every row into them one by one.
INDEXES = {
    "assets_by_name": "CREATE INDEX assets_by_name ON assets (kind, name)",
    "refs_by_target": "CREATE INDEX refs_by_target ON refs (kind, name)",
}
TABLES = (
    "CREATE TABLE meta (key TEXT NOT NULL)",
    "CREATE TABLE files (path TEXT PRIMARY KEY, digest TEXT NOT NULL, size INTEGER NOT NULL,"
    " mtime INTEGER NOT NULL, ctime INTEGER NOT NULL, inode INTEGER NOT NULL,"
    " checked INTEGER NOT NULL) WITHOUT ROWID",
    # Read whole by every run, and rarely changed, so kept whole: {folder: [mtime, inode, when
    # listed, entries]} under "folders", and answers to version questions under "versions".
    "CREATE TABLE state (name TEXT PRIMARY KEY, data BLOB NOT NULL)",
    # Read row by row when a few files are validated.
    "CREATE TABLE reports (path TEXT PRIMARY KEY, report BLOB NOT NULL)",
    "CREATE TABLE assets (path TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,"
    " data BLOB NOT NULL)",
    INDEXES["assets_by_name"],
    "CREATE TABLE refs (path TEXT NOT NULL, position INTEGER NOT NULL, kind TEXT NOT NULL,"
    " name TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (path, position)) WITHOUT ROWID",
    INDEXES["refs_by_target"],
)
WIDTH = {"reports": 2, "assets": 4, "refs": 5}  # the tables of blobs and their columns
CACHE_KIB = 32768  # SQLite's page cache for writing: a first run writes tens of MiB
DATA = ("files", "reports", "assets", "refs")  # the tables with a row (or rows) per file


def open_db(path: Path, key: str) -> sqlite3.Connection | None:
    """The cache database at ``path``, emptied when it was made for another ``key``; a damaged
    file is replaced, and a cache that cannot be opened at all is not kept."""
    for _attempt in range(2):
        try:
            prepare_folder(path.parent)
            db = sqlite3.connect(path, timeout=10, isolation_level=None)
        except (OSError, sqlite3.Error):
            return None
        try:
            db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            _initialise(db, key)
            return db
        except sqlite3.DatabaseError:
            db.close()
            with contextlib.suppress(OSError):
                path.unlink()
    return None


def peek_db(path: Path, key: str) -> sqlite3.Connection | None:
    """The cache database at ``path`` opened read-only, if it exists and was made for ``key``."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    except (OSError, sqlite3.Error):
        return None
    if _is_for(db, key):
        return db
    db.close()
    return None


def _is_for(db: sqlite3.Connection, key: str) -> bool:
    try:
        return bool(db.execute("SELECT key FROM meta").fetchall() == [(key,)])
    except sqlite3.Error:  # no such table (a new file), or not a database at all
        return False


def _initialise(db: sqlite3.Connection, key: str) -> None:
    """Make ``db`` a cache for ``key``: as it is, or emptied (under the write lock, so that two
    runs starting together do not empty it twice)."""
    if _is_for(db, key):
        return
    with transaction(db):
        if _is_for(db, key):
            return
        for table in (*DATA, "meta", "state"):
            db.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in TABLES:
            db.execute(statement)
        db.execute("INSERT INTO meta VALUES (?)", (key,))


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taken before reading so that concurrent runs queue up."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def pack_blobs(made: Sequence[tuple[str, FileReport, Encoded]]) -> bytes:
    """The cache rows of reports and their blobs, each (path, report, blobs), as a serialized
    in-memory SQLite database with the cache's three tables of blobs: made where the reports
    were (a worker), copied by ``IndexCache.save`` in SQL."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db.execute("BEGIN")
        # Every table made before any row, so that each has the same root page in every pack:
        # the cache opens one pack after another under one schema name, and SQLite keeps the
        # schema it read first (same schema cookie), root pages included.
        for table, width in WIDTH.items():
            columns = ", ".join(f"c{i}" for i in range(width))
            db.execute(f"CREATE TABLE {table} ({columns})")  # untyped: values as given
        for table, rows in blob_rows(made):
            db.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * WIDTH[table])})", rows)
        db.execute("COMMIT")
        return db.serialize()
    finally:
        db.close()


def blob_rows(
    made: Sequence[tuple[str, FileReport, Encoded]],
) -> Iterator[tuple[str, Iterator[tuple[Any, ...]]]]:
    """Each table of blobs and its rows for ``made`` (path, report, blobs)."""
    yield "reports", ((p, e[0]) for p, _, e in made)
    yield (
        "assets",
        ((p, r.asset.kind, r.asset.name, e[1]) for p, r, e in made if r.asset is not None),
    )
    yield (
        "refs",
        (
            (p, i, ref.kind, ref.name, blob)
            for p, r, e in made
            for i, (ref, blob) in enumerate(zip(r.refs, e[2], strict=True))
        ),
    )
